"""The articles admin shows what the sync and the services write; people act on it only through admin actions."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from articles.models import ArticleChange, Citation, EditorAlert, Review, SyncRun
from tests import factories

from .factories import ArticleFactory, CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> Client:
    client = Client()
    client.force_login(factories.superuser())
    return client


def alert() -> EditorAlert:
    return EditorAlert.objects.create(article=ArticleFactory(), kind="retraction", message="Retracted: look at it")


def sync_run() -> SyncRun:
    return SyncRun.objects.create(review=ReviewFactory(), trigger="admin")


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("syncrun", sync_run),
        (
            "articlechange",
            lambda: ArticleChange.objects.create(article=ArticleFactory(), changes={"title": ["a", "b"]}),
        ),
        ("editoralert", alert),
    ],
)
def test_sync_records_cannot_be_added_changed_or_deleted_by_a_superuser(root, model, make):
    record = make()
    model_admin = admin.site._registry[type(record)]
    request = RequestFactory().get("/")
    request.user = factories.superuser()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request, record)
    assert root.post(f"/admin/articles/{model}/{record.pk}/change/", {}).status_code == 403
    assert root.post(f"/admin/articles/{model}/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert root.post(f"/admin/articles/{model}/add/", {}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()
    assert root.get(f"/admin/articles/{model}/{record.pk}/change/").status_code == 200


def test_an_alert_is_acknowledged_only_through_the_action(root):
    open_alert = alert()
    form = {"acknowledged_by": factories.editor("someone").pk, "message": "changed"}
    assert root.post(f"/admin/articles/editoralert/{open_alert.pk}/change/", form).status_code == 403
    open_alert.refresh_from_db()
    assert (open_alert.acknowledged_at, open_alert.message) == (None, "Retracted: look at it")
    response = root.post("/admin/articles/editoralert/", {"action": "acknowledge", "_selected_action": [open_alert.pk]})
    assert response.status_code == 302
    open_alert.refresh_from_db()
    assert open_alert.acknowledged_at is not None and open_alert.acknowledged_by.username == "admin"


def test_reviews_and_citations_are_not_written_through_raw_forms(root):
    citation = CitationFactory()
    other = ReviewFactory()
    moved = {"review": other.pk, "relation": "reference", "position": 1, "article": "", "citation_text": "x"}
    assert root.post(f"/admin/articles/citation/{citation.pk}/change/", moved).status_code == 403
    assert root.post("/admin/articles/citation/add/", moved).status_code == 403
    assert root.post("/admin/articles/review/add/", {"article": ArticleFactory().pk}).status_code == 403
    assert root.post(f"/admin/articles/review/{other.pk}/change/", {"article": ArticleFactory().pk}).status_code == 403
    citation.refresh_from_db()
    assert citation.review_id != other.pk
    assert Citation.objects.count() == 1 and Review.objects.count() == 2


def test_plain_titles_in_admin_lists_are_escaped_once(root):
    ReviewFactory(article=ArticleFactory(title="Effect of &lt;script&gt; on <i>p53</i>"))
    for url in ["/admin/articles/article/", "/admin/articles/review/"]:
        page = root.get(url).content.decode()
        assert "Effect of &lt;script&gt; on p53" in page, url
        assert "&amp;lt;" not in page and "<script>" not in page, url


def test_a_citation_nobody_worked_on_can_still_be_deleted(root):
    citation = CitationFactory()
    assert root.post(f"/admin/articles/citation/{citation.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Citation.objects.filter(pk=citation.pk).exists()
