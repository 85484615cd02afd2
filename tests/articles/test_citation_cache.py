"""Cached pages of the public citation list: served until a change to articles, citations or reviews commits,
never stored under a version newer than the data they were built from. The data is committed (transaction=True),
as the version changes only at a commit."""

import json

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles import citation_json
from articles.models import Article, Citation, CitationListChange, Review
from articles.selectors import citation_list
from articles.services import citation_list_changes_fold
from cafex_portal.built_json import current_version

from .factories import CitationFactory, ReviewFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the version is kept by PostgreSQL triggers"),
]


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.CITATION_PAGE_CACHE_SECONDS = 60


def _get(url: str, **params) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(url, params)
    assert response.status_code == 200, response.content
    return response.json(), [query["sql"] for query in queries]


def _review_with_citations(count: int = 3) -> Review:
    review = ReviewFactory()
    for position in range(1, count + 1):
        CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position)
    return review


def test_a_page_comes_from_the_cache_until_a_change_is_committed():
    review = _review_with_citations()
    url = f"/api/v1/reviews/{review.article.pmid}/citations/"
    first, built = _get(url, page_size=2)
    again, cached = _get(url, page_size=2)
    assert again == first and first["count"] == 3 and first["next"]
    assert any("json_agg" in sql for sql in built) and not any("json_agg" in sql for sql in cached)

    article = Citation.objects.get(review=review, position=1).article
    Article.objects.filter(pk=article.pk).update(title="A <i>changed</i> title")
    changed, _ = _get(url, page_size=2)
    assert changed["results"][0]["article"]["title"] == "A changed title"

    CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=4)
    assert _get(url, page_size=2)[0]["count"] == 4

    Review.objects.filter(pk=review.pk).update(archived_at="2026-01-01T00:00:00Z")
    assert APIClient().get(url, {"page_size": 2}).status_code == 404


def test_the_version_changes_once_per_committed_transaction_and_not_for_a_rolled_back_one():
    review = _review_with_citations(5)
    before, changes = current_version(citation_json.VERSION_SQL), CitationListChange.objects.count()
    with transaction.atomic():
        Article.objects.filter(citations__review=review).update(volume="9")
        Citation.objects.filter(review=review).update(citation_text="x")
        assert current_version(citation_json.VERSION_SQL) == before  # changed at the commit, not before
    after = current_version(citation_json.VERSION_SQL)
    assert after != before and CitationListChange.objects.count() == changes + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        Article.objects.filter(citations__review=review).update(volume="10")
        raise RuntimeError("rolled back")
    assert current_version(citation_json.VERSION_SQL) == after


def test_folding_the_change_log_keeps_the_version_and_the_cached_pages():
    review = _review_with_citations()
    url = f"/api/v1/reviews/{review.article.pmid}/citations/"
    _get(url)
    version = current_version(citation_json.VERSION_SQL)
    assert CitationListChange.objects.count() > 1
    citation_list_changes_fold()
    assert CitationListChange.objects.count() == 1 and current_version(citation_json.VERSION_SQL) == version
    assert not any("json_agg" in sql for sql in _get(url)[1])


def test_a_page_built_after_a_change_committed_is_not_cached_under_the_older_version():
    review = _review_with_citations()
    params = QueryDict("page_size=2")
    older = citation_json.page_cache(pmid=review.article.pmid, params=params)
    Article.objects.filter(citations__review=review).update(pages="1-2")  # commits: the version moves on
    pages = citation_json.CitationPages(lambda: citation_list(review=review.pk), cache=older)
    pages.first_page(slice(0, 2))
    assert json.loads(pages[0:2])[0]["article"]["pages"] == "1-2"
    assert cache.get(f"{older.key}:0:2") is None
    now = citation_json.page_cache(pmid=review.article.pmid, params=params)  # the version now
    with transaction.atomic():  # never cached from inside a transaction, whose changes are not yet everyone's
        citation_json.CitationPages(lambda: citation_list(review=review.pk), cache=now).first_page(slice(0, 2))
    assert cache.get(f"{now.key}:0:2") is None
    citation_json.CitationPages(lambda: citation_list(review=review.pk), cache=now).first_page(slice(0, 2))
    assert cache.get(f"{now.key}:0:2")[0] == 3


def test_answers_that_depend_on_curation_or_on_who_asks_are_not_cached(settings):
    review = _review_with_citations()
    pmid = review.article.pmid
    assert citation_json.page_cache(pmid=pmid, params=QueryDict("relation=reference&page=1")) is not None
    for asked in ("screening=in_scope", "annotation_state=accepted", "q=exosome", "pagination=cursor", "x=1"):
        assert citation_json.page_cache(pmid=pmid, params=QueryDict(asked)) is None, asked
    settings.CITATION_PAGE_CACHE_SECONDS = 0
    assert citation_json.page_cache(pmid=pmid, params=QueryDict("page=1")) is None
