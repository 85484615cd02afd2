"""The dashboard page, its actions and its feed: editors only, bad input a 4xx, a flat number of queries."""

import re

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Citation, EditorAlert, SyncRun
from curation import services
from curation.models import MechanismAnnotation
from dashboard.feeds import feed_token
from dashboard.models import CitingPapersSeen
from tests.curation.factories import CitationFactory, ReviewFactory, complete_values, curator

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def grow(editor) -> None:
    """Another review like the first: references screened in scope and assigned, records submitted, accepted and
    commented on by a new curator, a sync run and an alert."""
    review = ReviewFactory()
    person = curator()
    refs = [CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=n) for n in range(1, 6)]
    CitationFactory(review=review, relation=Citation.Relation.CITED_BY)
    services.assignment_create(citations=refs, curator=person, user=editor)
    for citation in refs:
        services.screening_set(citation=citation, user=person, decision="in_scope")
        draft = services.annotation_create(citation=citation, user=person, values=complete_values())
        record = services.annotation_submit(annotation=draft, user=person)
        services.comment_add(annotation=record, user=person, text="Synthetic remark.")
    services.annotation_accept(annotation=record, user=editor)
    SyncRun.objects.create(review=review, trigger=SyncRun.Trigger.PAGE, state=SyncRun.State.SUCCEEDED,
                           finished_at=review.created_at)  # fmt: skip
    EditorAlert.objects.create(article=refs[0].article, kind=EditorAlert.Kind.RETRACTION, message="Synthetic.")


def cell(html: str, row: str, name: str) -> str:
    """The text of the cell `data-n=name` in the row `data-review=row`."""
    found = re.search(rf'data-review="{row}".*?data-n="{name}">(\d+)', html, re.S)
    assert found, (row, name)
    return found.group(1)


def test_visitors_are_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["cora", "visitor"])
def test_curators_and_visitors_are_refused(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get(URL)
    assert response.status_code == 403
    assert "The dashboard is for editors" in response.content.decode()
    for url in (reverse("dashboard-reviews"), reverse("dashboard-alert-dismiss", args=[world.open_alert.pk])):
        assert client.post(url).status_code == 403


def test_an_editor_sees_the_numbers(client, world):
    client.force_login(world.eddie)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    pmid = world.first.article.pmid
    assert cell(html, pmid, "total") == "10" and cell(html, pmid, "inbox") == "1"
    assert cell(html, "all", "submitted") == "2"
    assert 'data-person="cora"' in html and "50 %" in html  # cora: one accepted, one rejected
    assert world.open_alert.message in html and "dismissed by erin" in html
    assert "<svg" in html and 'style="' not in html
    assert 'href="/dashboard/"' in html  # the navigation offers it to editors


def test_the_navigation_offers_the_dashboard_to_editors_only(client, world):
    client.force_login(world.cora)
    assert 'href="/dashboard/"' not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "query, status",
    [("review=abc", 400), ("review=-1", 400), ("review=999999999", 400), ("person=x", 400), ("review=98765", 404)],
)
def test_bad_filters_are_4xx(client, world, query, status):
    client.force_login(world.eddie)
    assert client.get(f"{URL}?{query}").status_code == status


def test_filters_narrow_the_page(client, world):
    client.force_login(world.eddie)
    html = client.get(f"{URL}?review={world.second.article.pmid}&person={world.carl.pk}").content.decode()
    assert f'data-review="{world.first.article.pmid}"' not in html
    assert "<strong>carl</strong>" in html and "<strong>erin</strong>" not in html


def test_the_query_count_stays_flat_as_the_data_grows(client, world, django_assert_max_num_queries):
    client.force_login(world.eddie)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    for _ in range(3):
        grow(world.eddie)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL).status_code == 200


def test_dismissing_an_alert_records_who(client, world):
    client.force_login(world.eddie)
    url = reverse("dashboard-alert-dismiss", args=[world.open_alert.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": f"{URL}?review={world.first.article.pmid}"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?review={world.first.article.pmid}"
    alert = EditorAlert.objects.get(pk=world.open_alert.pk)
    assert alert.acknowledged_by == world.eddie and alert.acknowledged_at is not None
    assert client.post(url, {"next": "https://elsewhere.example/"})["Location"] == URL
    assert client.post(reverse("dashboard-alert-dismiss", args=[987654])).status_code == 404


def test_marking_citing_papers_seen(client, world):
    client.force_login(world.erin)
    response = client.post(reverse("dashboard-citing-seen", args=[world.first.article.pmid]))
    assert response.status_code == 302
    assert CitingPapersSeen.objects.filter(user=world.erin, review=world.first).exists()
    html = client.get(URL).content.decode()
    assert re.search(
        rf'data-review="{world.first.article.pmid}">\s*<th[^>]*>.*?data-n="new_citing">\s*none', html, re.S
    )
    assert client.post(reverse("dashboard-citing-seen", args=[98765])).status_code == 404


def test_activity_items_link_to_pages_that_answer(client, world):
    client.force_login(world.eddie)
    html = client.get(URL).content.decode()
    links = set(re.findall(r'<a href="(/curation/annotations/\d+/history/|/reviews/\d+/curation/\d+/)">', html))
    assert len(links) >= 3
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_atom_feed(client, world):
    url = reverse("dashboard-feed", args=[feed_token(world.eddie)])
    response = client.get(url)  # a feed reader: no session
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") >= 5 and "erin commented on mechanism record" in body
    assert client.get(reverse("dashboard-feed", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("dashboard-feed", args=[feed_token(world.cora)])).status_code == 404
    carl_only = client.get(f"{url}?person={world.carl.pk}&review={world.second.article.pmid}").content.decode()
    assert "<entry>" in carl_only and "erin" not in carl_only and "cora" not in carl_only
    assert client.get(f"{url}?review=abc").status_code == 400
    assert client.get(f"{url}?review=98765").status_code == 404
    old_signature = signing.dumps(world.eddie.pk, salt="dashboard.activity-feed")  # a token naming the id alone
    assert client.get(reverse("dashboard-feed", args=[old_signature])).status_code == 404
    world.eddie.set_password("a new password for eddie")
    world.eddie.save()
    assert client.get(url).status_code == 404  # a new password revokes the editor's old feed address
    url = reverse("dashboard-feed", args=[feed_token(world.eddie)])
    assert client.get(url).status_code == 200
    world.eddie.groups.clear()
    assert client.get(url).status_code == 404  # no longer an editor, no longer a feed


def test_the_oldest_waiting_record_is_linked(client, world):
    client.force_login(world.eddie)
    html = client.get(URL).content.decode()
    oldest = MechanismAnnotation.objects.filter(state="submitted").order_by("submitted_at", "pk").first()
    assert f"/curation/annotations/{oldest.pk}/history/" in html


def test_a_fresh_portal_renders(client, db):
    from tests.factories import editor

    client.force_login(editor("solo"))
    html = client.get(URL).content.decode()
    assert "No reviews yet" in html and "No open alerts" in html


def test_the_tiles_lead_where_the_editor_acts(client, world):
    client.force_login(world.eddie)
    html = client.get(URL).content.decode()
    for tile in ("tile-inbox", "tile-conflicts", "tile-proposals"):
        link = re.search(rf'href="([^"]+)" id="{tile}"', html).group(1).replace("&amp;", "&")
        assert client.get(link).status_code == 200, link
    proposals = re.search(r'href="([^"]+)" id="tile-proposals"', html).group(1).replace("&amp;", "&")
    assert "test term" in client.get(proposals).content.decode()  # the proposed term, in the admin's list
