"""The editors' inbox of submitted annotations and accepting them in bulk."""

import pytest

from articles.models import Citation
from curation import services
from curation.models import MechanismAnnotation
from tests.curation.factories import CitationFactory

from .helpers import annotation

pytestmark = pytest.mark.django_db


def test_inbox_lists_submitted_annotations_of_others(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    draft = annotation(citation, curator)
    client.force_login(editor)
    page = client.get("/curation/inbox/").content.decode()
    assert f'id="inbox-{waiting.pk}"' in page and f'id="inbox-{draft.pk}"' not in page
    assert 'data-key="a"' in page and 'data-key-focus="r"' in page and 'data-key="A"' in page


def test_bulk_accept(client, citation, curator, editor):
    first = annotation(citation, curator, state="submitted")
    second = annotation(citation, curator, state="submitted")
    left = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post("/curation/inbox/accept/", {"annotations": [first.pk, second.pk]}, follow=True)
    assert "Accepted 2 annotations." in response.content.decode()
    states = dict(MechanismAnnotation.objects.values_list("pk", "state"))
    assert (states[first.pk], states[second.pk], states[left.pk]) == ("accepted", "accepted", "submitted")


def test_inbox_query_count_is_flat(client, review, curator, editor, django_assert_max_num_queries):
    client.force_login(editor)
    first = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=1)
    annotation(first, curator, state="submitted")
    with django_assert_max_num_queries(20) as small:
        assert client.get("/curation/inbox/").status_code == 200
    for position in range(2, 12):
        cited = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position)
        services.comment_add(annotation=annotation(cited, curator, state="submitted"), user=curator, text="see")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/curation/inbox/").status_code == 200


def test_bulk_accept_reports_the_annotations_it_accepted_not_the_ids_posted(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post("/curation/inbox/accept/", {"annotations": [waiting.pk, waiting.pk, 999_999]}, follow=True)
    assert "Accepted 1 annotation." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "accepted"
