"""The read API contract other tools rely on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Citation

from .factories import DEMO_REVIEW_PMID, ArticleFactory, CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

REVIEW = DEMO_REVIEW_PMID
ARTICLE_KEYS = {"pmid", "doi", "pmcid", "title", "journal", "year", "authors", "publication_types", "retracted"}


def test_review_list_and_detail_carry_counts(api_client, demo_review):
    listing = api_client.get("/api/v1/reviews/").json()
    assert listing["count"] == 1
    item = listing["results"][0]
    assert item["pmid"] == REVIEW
    assert item["counts"] == {"reference": 5, "cited_by": 5, "similar": 5, "unresolved_references": 5}
    detail = api_client.get(f"/api/v1/reviews/{REVIEW}/").json()
    assert detail["title"] == "Cancer associated-fibroblast-derived exosomes in cancer progression"
    assert detail["article"]["pmcid"] == "PMC8638446"
    assert detail["article"]["keywords"][0] == "CAFs"
    assert detail["article"]["abstract"][0]["text"].startswith("To identify")
    assert detail["citations_url"].endswith(f"/api/v1/reviews/{REVIEW}/citations/")


def test_unknown_review_is_404(api_client, demo_review):
    assert api_client.get("/api/v1/reviews/1/").status_code == 404


def test_references_come_in_position_order_and_unresolved_ones_have_null_article(api_client, demo_review):
    body = api_client.get(f"/api/v1/reviews/{REVIEW}/citations/", {"relation": "reference"}).json()
    assert [item["position"] for item in body["results"]] == [1, 2, 3, 4, 5]
    first = body["results"][0]
    assert first["relation"] == "reference"
    assert first["article"] is None
    assert first["citation_text"].startswith("Hanahan D, Weinberg RA.")


@pytest.mark.parametrize("relation", ["cited_by", "similar"])
def test_citation_items_have_the_article_contract(api_client, demo_review, relation):
    body = api_client.get(f"/api/v1/reviews/{REVIEW}/citations/", {"relation": relation}).json()
    assert len(body["results"]) == 5
    for item in body["results"]:
        assert item["relation"] == relation
        assert item["position"] is None
        assert ARTICLE_KEYS <= set(item["article"])
        assert isinstance(item["article"]["authors"], list)
        assert item["article"]["retracted"] is False


def test_article_fields_are_typed_and_authors_in_order(api_client):
    review = ReviewFactory()
    article = ArticleFactory(
        pmid=123, doi="10.1/X", pmcid="PMC1", title="<i>In vivo</i> study", is_retracted=True,
        publication_types=["Journal Article", "Retracted Publication"],
    )  # fmt: skip
    CitationFactory(review=review, article=article, relation="reference", position=1, citation_text="Smith A. 2022")
    item = api_client.get(f"/api/v1/reviews/{review.article.pmid}/citations/").json()["results"][0]
    assert item["position"] == 1
    assert item["article"]["pmid"] == 123
    assert item["article"]["title"] == "In vivo study"
    assert item["article"]["title_html"] == "<i>In vivo</i> study"
    assert item["article"]["journal"] == "Molecular cancer"
    assert item["article"]["year"] == 2022
    assert item["article"]["authors"] == ["Smith A", "CAF Consortium"]
    assert item["article"]["retracted"] is True


def test_invalid_relation_is_a_clear_400(api_client, demo_review):
    response = api_client.get(f"/api/v1/reviews/{REVIEW}/citations/", {"relation": "cites"})
    assert response.status_code == 400
    assert "relation" in response.json()["errors"]


def test_pagination_has_results_and_next(api_client):
    review = ReviewFactory()
    for position in range(1, 8):
        CitationFactory(review=review, relation="reference", position=position)
    first = api_client.get(f"/api/v1/reviews/{review.article.pmid}/citations/", {"page_size": 3}).json()
    assert first["count"] == 7
    assert [item["position"] for item in first["results"]] == [1, 2, 3]
    second = api_client.get(first["next"]).json()
    assert [item["position"] for item in second["results"]] == [4, 5, 6]


def test_article_lookup_by_pmid_and_case_insensitive_doi(api_client, demo_review):
    by_pmid = api_client.get("/api/v1/articles/", {"pmid": 36644823}).json()
    assert [a["doi"] for a in by_pmid["results"]] == ["10.1111/cas.15726"]
    by_doi = api_client.get("/api/v1/articles/", {"doi": "10.1111/CAS.15726"}).json()
    assert [a["pmid"] for a in by_doi["results"]] == [36644823]
    assert api_client.get("/api/v1/articles/", {"pmid": 1}).json()["results"] == []
    detail = api_client.get("/api/v1/articles/36644823/").json()
    assert detail["title"].startswith("Omental cancer-associated fibroblast-derived exosomes")


def test_reads_can_be_closed_to_anonymous_visitors(api_client, demo_review, settings, admin_user):
    settings.CAFEX_PUBLIC_READ = False
    assert api_client.get("/api/v1/reviews/").status_code in (401, 403)
    api_client.force_authenticate(admin_user)
    assert api_client.get("/api/v1/reviews/").status_code == 200


def test_writes_to_the_read_api_need_authentication(api_client, demo_review):
    assert api_client.delete("/api/v1/articles/36644823/").status_code in (401, 403)


def _queries(api_client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api_client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_for",
    [
        lambda review: f"/api/v1/reviews/{review.article.pmid}/citations/",
        lambda review: "/api/v1/articles/",
        lambda review: "/api/v1/reviews/",
    ],
    ids=["citations", "articles", "reviews"],
)
def test_list_query_count_does_not_grow_with_page_size(api_client, url_for):
    review = ReviewFactory()
    for position in range(1, 31):
        CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position)
    for _ in range(5):
        ReviewFactory()
    url = url_for(review)
    small = _queries(api_client, url, {"page_size": 2})
    large = _queries(api_client, url, {"page_size": 30})
    assert small == large


def test_schema_describes_the_endpoints(api_client):
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/reviews/{pmid}/citations/" in schema["paths"]
    assert "/api/v1/articles/" in schema["paths"]
