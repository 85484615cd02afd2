"""Cached pages of the annotation list that visitors read: served until a change to what visitors may see of the
annotations (or to articles, citations and reviews) commits; never for anyone logged in. The data is committed
(transaction=True), as the version changes only at a commit."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import Article
from cafex_portal.built_json import current_version
from curation.annotation_json import VERSION_SQL, page_cache
from curation.filters import AnnotationFilter
from curation.models import AnnotationComment, AnnotationListChange, MechanismAnnotation, ReviewCurationSettings, Term
from curation.services import annotation_list_changes_fold

from .factories import CitationFactory, MechanismAnnotationFactory, ReviewFactory, TermFactory, curator, editor

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the version is kept by PostgreSQL triggers"),
]

State = MechanismAnnotation.State
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.ANNOTATION_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def review():
    review = ReviewFactory()
    chief, author = editor(), curator()
    term = TermFactory(label="cache test term")
    for state in (State.ACCEPTED, State.ACCEPTED, State.DRAFT):
        reviewed = {"reviewed_at": NOW, "reviewed_by": chief} if state == State.ACCEPTED else {}
        MechanismAnnotationFactory(citation=CitationFactory(review=review), author=author, state=state,
                                   submitted_at=NOW if state != State.DRAFT else None, terms=[term], **reviewed)  # fmt: skip
    return review


def visitors_page(review, client: APIClient | None = None, **params) -> tuple[dict, bool]:
    """The visitor's page, and whether it was built (not read from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = (client or APIClient()).get("/api/v1/annotations/", {"review": review.article.pmid, **params})
    assert response.status_code == 200, response.content
    return response.json(), any("json_agg" in query["sql"] for query in queries)


def test_a_visitors_page_comes_from_the_cache_until_what_visitors_see_changes(review):
    submitted = MechanismAnnotationFactory(citation=CitationFactory(review=review), state=State.SUBMITTED,
                                           submitted_at=NOW)  # fmt: skip
    first, built = visitors_page(review)
    again, from_cache = visitors_page(review)
    assert first == again and first["count"] == 2 and built and not from_cache

    MechanismAnnotation.objects.filter(pk=submitted.pk).update(state=State.ACCEPTED, reviewed_at=NOW)
    accepted, built = visitors_page(review)
    assert built and accepted["count"] == 3

    Term.objects.filter(label="cache test term").update(label="renamed term")
    assert visitors_page(review)[0]["results"][0]["values"]["cargo"][0]["label"] == "renamed term"

    shown = accepted["results"][0]["id"]
    AnnotationComment.objects.create(annotation_id=shown, author=get_user_model().objects.first(), text="Seen.")
    assert next(row for row in visitors_page(review)[0]["results"] if row["id"] == shown)["comment_count"] == 1

    Article.objects.filter(pk=review.article.pk).update(pmid=review.article.pmid)  # an article written again
    assert visitors_page(review)[1]


def test_editing_a_draft_leaves_visitors_pages_cached_and_a_change_of_state_does_not(review):
    visitors_page(review)
    draft = MechanismAnnotation.objects.get(state=State.DRAFT)
    before = current_version(VERSION_SQL)
    MechanismAnnotation.objects.filter(pk=draft.pk).update(notes="Still a draft.", version=2)
    assert current_version(VERSION_SQL) == before and not visitors_page(review)[1]
    MechanismAnnotation.objects.filter(pk=draft.pk).update(state=State.SUBMITTED, submitted_at=NOW)
    assert current_version(VERSION_SQL) != before


def test_double_annotation_hides_at_once(review):
    assert visitors_page(review)[0]["count"] == 2
    ReviewCurationSettings.objects.create(review=review, double_annotation=True)
    assert visitors_page(review)[0]["count"] == 0  # one curator each: blind until two are done


def test_a_username_changes_the_version_and_a_login_does_not(review):
    before = current_version(VERSION_SQL)
    author = MechanismAnnotation.objects.first().author
    get_user_model().objects.filter(pk=author.pk).update(last_login=timezone.now())
    assert current_version(VERSION_SQL) == before
    get_user_model().objects.filter(pk=author.pk).update(username="renamed-curator")
    assert current_version(VERSION_SQL) != before
    assert {row["author"] for row in visitors_page(review)[0]["results"]} == {"renamed-curator"}


def test_once_per_committed_transaction_and_never_for_a_rolled_back_one(review):
    before, rows = current_version(VERSION_SQL), AnnotationListChange.objects.count()
    with transaction.atomic():
        Term.objects.update(description="x")
        MechanismAnnotation.objects.filter(state=State.ACCEPTED).update(notes="y")
        assert current_version(VERSION_SQL) == before  # changed at the commit, not before
    after = current_version(VERSION_SQL)
    assert after != before and AnnotationListChange.objects.count() == rows + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        Term.objects.update(description="z")
        raise RuntimeError("rolled back")
    assert current_version(VERSION_SQL) == after


def test_folding_keeps_the_version_and_the_cached_pages(review):
    visitors_page(review)
    version = current_version(VERSION_SQL)
    assert AnnotationListChange.objects.count() > 1
    annotation_list_changes_fold()
    assert AnnotationListChange.objects.count() == 1 and current_version(VERSION_SQL) == version
    assert not visitors_page(review)[1]


def test_only_visitors_pages_are_cached_and_only_for_the_lists_own_parameters(review):
    filters = AnnotationFilter.base_filters
    assert page_cache(user=AnonymousUser(), params=QueryDict("review=1&state=accepted&page=2"), filters=filters)
    assert page_cache(user=AnonymousUser(), params=QueryDict("cargo=miR-21&page_size=5"), filters=filters)
    for asked in ("pagination=cursor", "cursor=abc", "x=1"):
        assert page_cache(user=AnonymousUser(), params=QueryDict(asked), filters=filters) is None, asked
    client = APIClient()
    client.force_authenticate(MechanismAnnotation.objects.first().author)
    assert page_cache(user=MechanismAnnotation.objects.first().author, params=QueryDict(), filters=filters) is None
    visitors_page(review, client)
    mine, built = visitors_page(review, client)
    assert built and mine["count"] == 3  # the author's own draft too, never from the visitors' cache


def test_every_table_a_visitors_page_reads_moves_a_version_on():
    """The triggers of migration 0009 (and articles' 0006) name the tables by hand; the rule of what visitors see
    (curation.selectors) and the page's statement name them in code. Each table either reads must fire a log."""
    from django.apps import apps

    from curation.annotation_json import PAGE_SQL
    from curation.selectors import annotation_rows

    read = str(annotation_rows(user=AnonymousUser()).query) + PAGE_SQL
    tables = {model._meta.db_table for model in apps.get_models() if f"{model._meta.db_table}" in read}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT t.tgrelid::regclass::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
               WHERE p.proname IN ('curation_annotation_lists_changed', 'articles_citation_lists_changed')"""
        )
        logged = {row[0] for row in cursor.fetchall()}
    assert {"curation_mechanismannotation", "articles_citation", "auth_user"} <= tables
    assert tables - logged == {"curation_annotationlistchange", "articles_citationlistchange"}  # the logs, read
