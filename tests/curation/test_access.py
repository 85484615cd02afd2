"""What a person may do with an annotation, as pages ask it: the same answers the services give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curation import access, services
from curation.models import MechanismAnnotation

from .factories import CitationFactory, complete_values, curator, editor

pytestmark = pytest.mark.django_db


def submitted_by(author) -> MechanismAnnotation:
    annotation = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    return services.annotation_submit(annotation=annotation, user=author)


def rewritten_by(rewriter, annotation: MechanismAnnotation) -> MechanismAnnotation:
    return services.annotation_update(
        annotation=annotation, user=rewriter, expected_version=annotation.version, notes="rewritten"
    )


def test_an_editor_who_rewrote_an_annotation_may_still_edit_it_but_not_review_it():
    author, rewriter, second = curator(), editor(), editor()
    annotation = rewritten_by(rewriter, submitted_by(author))
    annotation = MechanismAnnotation.objects.get(pk=annotation.pk)
    assert access.is_co_author(rewriter, annotation) and access.is_co_author(author, annotation)
    assert not access.is_co_author(second, annotation)
    perms = access.annotation_permissions(rewriter, annotation)
    assert (perms["edit"], perms["review"]) == (True, False)
    assert access.annotation_permissions(second, annotation)["review"] is True


def test_the_answer_follows_an_edit_made_with_the_same_user_object():
    rewriter = editor()
    annotation = submitted_by(curator())
    assert access.can_review(rewriter, annotation)  # read before the edit …
    annotation = rewritten_by(rewriter, annotation)
    assert not access.can_review(rewriter, annotation)  # … is not served stale after it


def test_reviewing_a_page_of_annotations_reads_co_authorship_once():
    author, rewriter = curator(), editor()
    annotations = [submitted_by(author) for _ in range(5)]
    rewritten_by(rewriter, annotations[2])
    annotations = list(MechanismAnnotation.objects.filter(pk__in=[a.pk for a in annotations]).order_by("pk"))
    reader = type(rewriter).objects.get(pk=rewriter.pk)  # a fresh request's user
    access.can_review(reader, annotations[0])  # roles and co-authorship are read here
    with CaptureQueriesContext(connection) as queries:
        answers = [access.can_review(reader, annotation) for annotation in annotations]
    assert answers == [True, True, False, True, True]
    assert len(queries.captured_queries) == 0
