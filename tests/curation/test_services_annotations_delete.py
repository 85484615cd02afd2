"""Deleting annotations and commenting on them; an accepted annotation keeps its citation in scope."""

import pytest

from cafex_portal.exceptions import ApplicationError, NotAllowedError
from curation import services
from curation.models import AnnotationRevision, MechanismAnnotation, ScreeningDecision

from .annotation_helpers import errors_of
from .factories import CitationFactory, MechanismAnnotationFactory, complete_values, curator, editor

pytestmark = pytest.mark.django_db


def test_delete_keeps_a_record_in_the_history():
    user = curator()
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values={}, notes="gone")
    pk = annotation.pk
    services.annotation_delete(annotation=annotation, user=user)
    assert not MechanismAnnotation.objects.filter(pk=pk).exists()
    deleted = AnnotationRevision.objects.get(action=AnnotationRevision.Action.DELETED)
    assert deleted.annotation is None
    assert deleted.snapshot["id"] == pk
    assert deleted.snapshot["notes"] == "gone"


def test_curators_delete_only_their_own_drafts():
    user = curator()
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values=complete_values())
    with pytest.raises(NotAllowedError):
        services.annotation_delete(annotation=annotation, user=curator())
    services.annotation_submit(annotation=annotation, user=user)
    with pytest.raises(ApplicationError, match="Only drafts can be deleted"):
        services.annotation_delete(annotation=annotation, user=user)
    services.annotation_delete(annotation=annotation, user=editor())
    assert not MechanismAnnotation.objects.exists()


def test_comments_need_a_curator_who_can_see_the_annotation():
    author = curator()
    annotation = MechanismAnnotationFactory(author=author)
    comment = services.comment_add(annotation=annotation, user=author, text="  Check Fig. 2  ")
    assert comment.text == "Check Fig. 2"
    assert services.comment_add(annotation=annotation, user=editor(), text="ok").author.groups.exists()
    with pytest.raises(NotAllowedError):
        services.comment_add(annotation=annotation, user=curator(), text="not mine")
    with pytest.raises(ApplicationError) as excinfo:
        services.comment_add(annotation=annotation, user=author, text="   ")
    assert errors_of(excinfo) == {"text": ["Write a comment first."]}
    accepted = MechanismAnnotationFactory(
        state="accepted", submitted_at="2024-01-01T00:00Z", reviewed_at="2024-01-02T00:00Z"
    )
    assert services.comment_add(annotation=accepted, user=curator(), text="nice").pk


def test_screening_out_of_scope_is_blocked_by_accepted_annotations():
    accepted = MechanismAnnotationFactory(
        state="accepted", submitted_at="2024-01-01T00:00Z", reviewed_at="2024-01-02T00:00Z"
    )
    with pytest.raises(ApplicationError) as excinfo:
        services.screening_set(citation=accepted.citation, user=curator(), decision="out_of_scope", reason="not_caf")
    assert "accepted annotation" in errors_of(excinfo)["decision"][0]
    assert not ScreeningDecision.objects.exists()
