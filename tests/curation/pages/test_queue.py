"""The curation queue of a review, the assignment of citations and each curator's own queue."""

import pytest

from articles.models import Citation
from curation import services
from curation.models import Assignment
from tests.curation.factories import CitationFactory

from .helpers import HTMX, annotation, queue_url

pytestmark = pytest.mark.django_db


def test_queue_shows_progress_and_filters(client, review, citation, curator):
    second = CitationFactory(review=review, relation=Citation.Relation.CITED_BY, article__title="Lipid cargo paper")
    services.screening_set(citation=citation, user=curator, decision="in_scope")
    annotation(citation, curator, state="submitted")
    client.force_login(curator)
    page = client.get(queue_url(review)).content.decode()
    assert "<strong>1</strong> of 2 screened" in page
    assert "1 submitted" in page
    undecided = client.get(queue_url(review), {"decision": "undecided"}).content.decode()
    assert "Lipid cargo paper" in undecided and "miR-522" not in undecided
    found = client.get(queue_url(review), {"text": "ferroptosis"}).content.decode()
    assert "miR-522" in found and "Lipid cargo paper" not in found
    by_state = client.get(queue_url(review), {"state": "submitted", "relation": "reference"}).content.decode()
    assert f"/curation/{citation.pk}/?relation=reference&amp;state=submitted" in by_state
    assert f"/curation/{second.pk}/" not in by_state


def test_queue_filter_by_htmx_returns_only_the_results(client, review, citation, curator):
    client.force_login(curator)
    response = client.get(queue_url(review), {"text": "miR"}, HTTP_HX_TARGET="queue-results", **HTMX)
    body = response.content.decode()
    assert "data-nav-list" in body and "progress-summary" not in body and "<html" not in body


def test_queue_assignee_filter_and_assignment_by_editor(client, review, citation, curator, editor):
    client.force_login(editor)
    response = client.post(
        f"{queue_url(review)}assign/", {"citations": [citation.pk], "curator": curator.pk}, follow=True
    )
    assert "Assigned 1 citation to cora." in response.content.decode()
    assert Assignment.objects.filter(citation=citation, curator=curator).exists()
    client.force_login(curator)
    mine = client.get(queue_url(review), {"assignee": "me"}).content.decode()
    assert "miR-522" in mine and "@cora" in mine
    assert "miR-522" in client.get("/curation/my-queue/").content.decode()


def test_curator_cannot_assign(client, review, citation, curator):
    client.force_login(curator)
    response = client.post(f"{queue_url(review)}assign/", {"citations": [citation.pk], "curator": curator.pk})
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_queue_query_count_is_flat(client, review, curator, django_assert_max_num_queries):
    client.force_login(curator)

    def grow(start: int, count: int) -> None:
        for position in range(start, start + count):
            cited = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position)
            services.screening_set(citation=cited, user=curator, decision="in_scope")
            annotation(cited, curator)
            Assignment.objects.create(citation=cited, curator=curator)

    grow(1, 3)
    with django_assert_max_num_queries(20) as small:
        assert client.get(queue_url(review)).status_code == 200
    grow(4, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(queue_url(review)).status_code == 200
