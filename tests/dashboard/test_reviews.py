"""Reviews managed from the pages: added from home and the navigation, a PMID NCBI does not know, archiving (hidden
from the public, data kept) and deleting (only without curated work, which the database protects)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Citation, Review, SyncRun
from articles.services import review_archive, review_delete, review_get_or_create, review_restore
from cafex_portal.exceptions import ApplicationError, NotAllowedError
from curation.models import MechanismAnnotation, ScreeningDecision
from tests.curation.factories import (
    CitationFactory,
    MechanismAnnotationFactory,
    ReviewFactory,
    ScreeningDecisionFactory,
)
from tests.factories import curator, editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def eddie(db):
    return editor("eddie")


@pytest.fixture
def review(db):
    review = ReviewFactory(article__title="A synthetic review of CAF exosomes")
    CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=1)
    CitationFactory(review=review, relation=Citation.Relation.CITED_BY)
    return review


def test_home_and_navigation_offer_add_a_review_to_editors(client, eddie, review):
    client.force_login(eddie)
    html = client.get("/").content.decode()
    assert html.count(f'href="{reverse("review-add")}"') == 2  # the navigation and the page
    client.force_login(curator("cora"))
    assert reverse("review-add") not in client.get("/").content.decode()


def test_a_pmid_ncbi_does_not_know_leaves_no_nameless_card(client, eddie, review):
    unknown = Review.objects.create(article=Article.objects.create(pmid=99999998), added_by=eddie)
    SyncRun.objects.create(
        review=unknown, trigger=SyncRun.Trigger.PAGE, state=SyncRun.State.FAILED, message="NCBI has no PMID 99999998."
    )
    public = client.get("/").content.decode()
    assert "99999998" not in public and review.article.title in public

    client.force_login(eddie)
    html = client.get("/").content.decode()
    assert "NCBI gave no record for this PMID" in html and "NCBI has no PMID 99999998." in html
    assert reverse("review-sync", args=[99999998]) in html  # retry
    discard = reverse("dashboard-review-delete", args=[99999998])
    assert discard in html
    response = client.post(discard, {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Review.objects.filter(pk=unknown.pk).exists()
    assert not Article.objects.filter(pmid=99999998).exists()  # the placeholder went with it


def test_a_review_being_fetched_shows_no_discard_button(client, eddie):
    pending = Review.objects.create(article=Article.objects.create(pmid=99999997))
    SyncRun.objects.create(review=pending, trigger=SyncRun.Trigger.PAGE, state=SyncRun.State.RUNNING)
    client.force_login(eddie)
    html = client.get("/").content.decode()
    assert "fetching its record" in html and reverse("dashboard-review-delete", args=[99999997]) not in html
    with pytest.raises(ApplicationError, match="sync of this review is under way"):
        review_delete(review=pending, user=eddie)


def test_archiving_hides_a_review_from_the_public_and_keeps_its_data(client, api_client, eddie, review):
    pmid = review.article.pmid
    citations = Citation.objects.filter(review=review).count()
    review_archive(review=review, user=eddie)
    review.refresh_from_db()
    assert review.archived_by == eddie and review.archived_at is not None
    assert Citation.objects.filter(review=review).count() == citations

    assert review.article.title not in client.get("/").content.decode()
    assert client.get(f"/reviews/{pmid}/").status_code == 404
    assert api_client.get(f"/api/v1/reviews/{pmid}/").status_code == 404
    assert api_client.get(f"/api/v1/reviews/{pmid}/citations/").status_code == 404
    assert pmid not in [item["pmid"] for item in api_client.get("/api/v1/reviews/").json()["results"]]
    # Nor is it in the exports, the search, the article pages or the curation pages (for editors too).
    for url in (
        f"/api/v1/reviews/{pmid}/export/?format=ris",
        f"/api/v1/reviews/{pmid}/annotations/export/?format=csv",
        f"/api/v1/reviews/{pmid}/release/",
    ):
        assert api_client.get(url).status_code == 404, url
    cited = Citation.objects.filter(review=review, article__isnull=False).select_related("article").first()
    assert f"/reviews/{pmid}/" not in client.get(f"/articles/{cited.article.pk}/").content.decode()
    assert "0 results" in client.get("/search/", {"q": cited.article.title}).content.decode()
    client.force_login(eddie)
    assert client.get(f"/reviews/{pmid}/curation/").status_code == 404
    client.logout()
    now = timezone.now()
    accepted = MechanismAnnotationFactory(
        citation=cited, state=MechanismAnnotation.State.ACCEPTED, submitted_at=now, reviewed_at=now
    )
    assert api_client.get("/api/v1/annotations/", {"review": pmid}).json()["count"] == 0
    assert api_client.get(f"/api/v1/annotations/{accepted.pk}/").status_code == 404
    api_client.force_authenticate(eddie)  # editors still see it, to decide on restoring
    assert api_client.get("/api/v1/annotations/", {"review": pmid}).json()["count"] == 1
    api_client.force_authenticate(None)

    with pytest.raises(ApplicationError, match="archived"):
        review_get_or_create(pmid=pmid, user=eddie)  # adding it again does not bring it back unseen

    review_restore(review=review, user=eddie)
    assert client.get(f"/reviews/{pmid}/").status_code == 200


def test_deleting_a_review_nobody_worked_on(eddie, review):
    review_delete(review=review, user=eddie)
    assert not Review.objects.filter(pk=review.pk).exists()
    assert not Citation.objects.filter(review_id=review.pk).exists()
    assert Article.objects.filter(pk=review.article_id).exists()  # a synced record stays for other uses


def test_curated_work_is_never_deleted_and_the_refusal_says_why(client, eddie, review):
    ScreeningDecisionFactory(citation=review.citations.first())
    with pytest.raises(ApplicationError, match=r"holds curated work \(1 screening decision\).*archive it instead"):
        review_delete(review=review, user=eddie)
    assert Review.objects.filter(pk=review.pk).exists() and ScreeningDecision.objects.count() == 1

    client.force_login(eddie)
    page = client.get(reverse("dashboard-reviews")).content.decode()
    assert "Cannot be deleted: it holds curated work" in page
    assert reverse("dashboard-review-delete", args=[review.article.pmid]) not in page
    response = client.post(reverse("dashboard-review-delete", args=[review.article.pmid]), follow=True)
    assert "holds curated work" in response.content.decode()
    assert Review.objects.filter(pk=review.pk).exists()


def test_the_database_itself_protects_curated_work(review):
    """Even a raw DELETE, past the services and the ORM's PROTECT, is refused by the foreign keys."""
    citation = review.citations.first()
    ScreeningDecisionFactory(citation=citation)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_citation WHERE id = %s", [citation.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert MechanismAnnotation._meta.get_field("citation").remote_field.on_delete.__name__ == "PROTECT"


@pytest.mark.parametrize("action", [review_archive, review_restore, review_delete])
def test_only_editors_manage_reviews(review, action):
    with pytest.raises(NotAllowedError):
        action(review=review, user=curator("cora"))


def test_the_review_list_page_archives_and_restores(client, eddie, review):
    client.force_login(eddie)
    pmid = review.article.pmid
    response = client.post(reverse("dashboard-review-archive", args=[pmid]), follow=True)
    assert f"Review PMID {pmid} archived" in response.content.decode()
    assert Review.objects.get(pk=review.pk).archived_at is not None
    page = client.get(reverse("dashboard-reviews")).content.decode()
    assert "Archived" in page and "by eddie" in page
    client.post(reverse("dashboard-review-restore", args=[pmid]))
    assert Review.objects.get(pk=review.pk).archived_at is None
    assert client.post(reverse("dashboard-review-archive", args=[98765])).status_code == 404
    assert client.get(reverse("dashboard-review-archive", args=[pmid])).status_code == 405
