"""Screening from the queue: rows decided in place (htmx), several at once, filters remembered, next undecided."""

import importlib

import pytest

from articles.models import Citation
from curation import services
from curation.models import ScreeningDecision
from tests.curation.factories import CitationFactory

from .helpers import HTMX, annotation, queue_url

pytestmark = pytest.mark.django_db
queue_views = importlib.import_module("curation.views.queue")  # the package's `queue` is the view function


def screen_url(review) -> str:
    return f"{queue_url(review)}screen/"


@pytest.fixture
def rows(review):
    return [
        CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=n, article__title=f"Paper {n}")
        for n in range(1, 5)
    ]


def test_a_row_decision_swaps_only_that_row_and_reports_the_server_time(client, review, rows, curator):
    client.force_login(curator)
    response = client.post(screen_url(review), {"citations": [rows[0].pk], "decision": "in_scope"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="citation-{rows[0].pk}" data-decision="in_scope" hx-swap-oob="outerHTML"' in body
    assert "Screening: In scope." in body and "<html" not in body and f"citation-{rows[1].pk}" not in body
    assert response["HX-Retarget"] == "#flash"
    assert response["Server-Timing"].startswith("app;dur=")
    assert ScreeningDecision.objects.get(citation=rows[0]).decided_by == curator
    # The progress above the list is swapped in with the row, counting the decision just made.
    assert 'id="queue-progress" aria-label="Progress" hx-swap-oob="outerHTML"' in body
    assert "<strong>1</strong> in scope" in body


def test_ticked_rows_are_decided_with_one_reason_and_show_it(client, review, rows, curator):
    client.force_login(curator)
    data = {
        "citations": [rows[1].pk, rows[2].pk],
        "decision": "out_of_scope",
        "reason": "not_primary",
        "note": "reviews",
    }
    body = client.post(screen_url(review), data, **HTMX).content.decode()
    assert "Screening: Out of scope (not primary research), 2 citations." in body
    assert body.count("Out of scope: Not primary research — reviews") == 2
    assert set(ScreeningDecision.objects.values_list("citation", "reason")) == {
        (rows[1].pk, "not_primary"),
        (rows[2].pk, "not_primary"),
    }
    page = client.get(queue_url(review), {"decision": "out_of_scope"}).content.decode()
    assert page.count('class="row-reason"') == 2


def test_without_javascript_the_form_posts_and_goes_back(client, review, rows, curator):
    client.force_login(curator)
    back = f"{queue_url(review)}?decision=undecided"
    response = client.post(f"{screen_url(review)}?next={back}", {"citations": [rows[0].pk], "decision": "in_scope"})
    assert response.status_code == 302 and response["Location"] == back


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"citations": ["abc"], "decision": "in_scope"}, 400, "Every value must be an id"),
        ({"decision": "in_scope"}, 400, "Tick the citations to screen first."),
        ({"citations": ["1"], "decision": "maybe"}, 400, "Select a valid choice"),
        ({"citations": ["1"], "decision": "out_of_scope"}, 400, "Say why it is out of scope."),
        ({"citations": ["99999999"], "decision": "in_scope"}, 404, "No citation 99999999 in this review."),
    ],
)
def test_bad_screening_input_is_a_4xx_with_a_message(client, review, rows, curator, data, status, message):
    client.force_login(curator)
    data = {key: ([str(rows[0].pk)] if value == ["1"] else value) for key, value in data.items()}
    response = client.post(screen_url(review), data, **HTMX)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not ScreeningDecision.objects.exists()


def test_a_citation_of_another_review_is_not_screened_from_this_queue(client, review, curator):
    elsewhere = CitationFactory()
    client.force_login(curator)
    response = client.post(screen_url(review), {"citations": [elsewhere.pk], "decision": "in_scope"}, **HTMX)
    assert response.status_code == 404 and not ScreeningDecision.objects.exists()


def test_screening_from_the_queue_needs_a_curator(client, review, rows, reader):
    assert client.post(screen_url(review), {"citations": [rows[0].pk], "decision": "in_scope"}).status_code == 302
    client.force_login(reader)
    response = client.post(screen_url(review), {"citations": [rows[0].pk], "decision": "in_scope"}, **HTMX)
    assert response.status_code == 403 and not ScreeningDecision.objects.exists()


def test_all_or_nothing_from_the_queue(client, review, rows, curator):
    annotation(rows[1], curator, state="submitted")
    client.force_login(curator)
    data = {"citations": [rows[0].pk, rows[1].pk], "decision": "out_of_scope", "reason": "not_caf"}
    response = client.post(screen_url(review), data, **HTMX)
    assert response.status_code == 400 and "#2: " in response.content.decode()
    assert not ScreeningDecision.objects.exists()


def test_queue_rows_carry_keys_abstract_and_reason(client, review, citation, curator):
    services.screening_set(citation=citation, user=curator, decision="out_of_scope", reason="other", note="erratum")
    client.force_login(curator)
    page = client.get(queue_url(review)).content.decode()
    assert 'data-next-undecided="' in page and 'id="screen-form"' in page and "data-auto-advance" in page
    assert "Out of scope: Other — erratum" in page
    assert '<details class="row-abstract" data-abstract>' in page and "targets ALOX15" in page
    assert 'data-reason-key="2"' in page and "Screening in the queue" in page


def test_visitors_see_rows_without_decision_controls(client, review, citation):
    page = client.get(queue_url(review)).content.decode()
    assert "data-decide-form" not in page and "data-select" not in page and "data-next-undecided" not in page


def test_the_queue_remembers_its_filters_until_cleared(client, review, rows, curator):
    client.force_login(curator)
    client.get(queue_url(review), {"decision": "undecided", "relation": "reference"})
    back = client.get(queue_url(review))
    assert back.status_code == 302 and back["Location"] == f"{queue_url(review)}?relation=reference&decision=undecided"
    assert client.get(queue_url(review), {"page": "1"}).status_code == 200  # paging keeps them, does not restore
    cleared = client.get(queue_url(review), {"reset": "1"})
    assert cleared.status_code == 200
    assert client.get(queue_url(review)).status_code == 200  # forgotten


def test_next_undecided_goes_to_the_page_and_row(client, review, rows, curator, monkeypatch):
    monkeypatch.setattr(queue_views, "PER_PAGE", 2)
    services.screening_set(citation=rows[0], user=curator, decision="in_scope")
    services.screening_set(citation=rows[1], user=curator, decision="in_scope")
    client.force_login(curator)
    response = client.get(f"{queue_url(review)}next-undecided/", {"after": rows[1].pk, "relation": "reference"})
    assert response["Location"] == (
        f"{queue_url(review)}?relation=reference&page=2&focus={rows[2].pk}#citation-{rows[2].pk}"
    )
    for row in rows[2:]:
        services.screening_set(citation=row, user=curator, decision="in_scope")
    done = client.get(f"{queue_url(review)}next-undecided/", follow=True)
    assert "Every citation in this list is screened." in done.content.decode()
    assert client.get(f"{queue_url(review)}next-undecided/", {"after": "x"}).status_code == 400
