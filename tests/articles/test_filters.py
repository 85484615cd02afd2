"""The API's filters (articles/filters.py), the DOI lookup's index, and pagination (cafex_portal/pagination.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.models import Article, Citation
from articles.selectors import articles_with_doi, citation_list
from articles.serializers import ArticleSerializer, CitationSerializer
from tests.curation.factories import MechanismAnnotationFactory, ScreeningDecisionFactory, curator

from .factories import ArticleFactory, CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _annotation(citation: Citation, state: str):
    """An annotation in `state`, with the times its state requires."""
    now = timezone.now()
    times = {"submitted_at": now} if state != "draft" else {}
    if state in ("accepted", "rejected"):
        times |= {"reviewed_at": now, "review_comment": "Checked"}
    return MechanismAnnotationFactory(citation=citation, state=state, **times)


ARTICLES = "/api/v1/articles/"


def _pmids(api_client, url: str, params: dict) -> list[int]:
    response = api_client.get(url, {**params, "page_size": 500})
    assert response.status_code == 200, response.json()
    return [item["pmid"] if "pmid" in item else item["article"]["pmid"] for item in response.json()["results"]]


@pytest.fixture
def shelf() -> dict[str, Article]:
    return {
        "old": ArticleFactory(pub_year=1999, journal_title="Cell", journal_iso="Cell", doi="10.1000/Old.1"),
        "review": ArticleFactory(pub_year=2015, publication_types=["Journal Article", "Review"], pmcid="PMC123"),
        "new": ArticleFactory(pub_year=2024, journal_title="Nature Communications", journal_iso="Nat Commun"),
        "retracted": ArticleFactory(pub_year=2020, is_retracted=True, doi=""),
    }


def test_article_filters(api_client, shelf):
    def pmids(**params) -> set[int]:
        return set(_pmids(api_client, ARTICLES, params))

    assert pmids(pmid=shelf["old"].pmid) == {shelf["old"].pmid}
    assert pmids(doi="10.1000/OLD.1") == pmids(doi="https://doi.org/10.1000/old.1") == {shelf["old"].pmid}
    assert pmids(pmcid="pmc123") == {shelf["review"].pmid}
    assert pmids(year=2015) == {shelf["review"].pmid}
    assert pmids(year_min=2015, year_max=2020) == {shelf["review"].pmid, shelf["retracted"].pmid}
    assert pmids(journal="nat commun") == pmids(journal="NATURE COMMUNICATIONS") == {shelf["new"].pmid}
    assert pmids(journal_contains="communic") == {shelf["new"].pmid}
    assert pmids(publication_type="review") == {shelf["review"].pmid}
    assert pmids(retracted="true") == {shelf["retracted"].pmid}
    assert pmids(retracted="false", year_min=2016) == {shelf["new"].pmid}


def test_an_empty_doi_matches_nothing(api_client, shelf):
    assert articles_with_doi(Article.objects.all(), " ").count() == 0
    assert articles_with_doi(Article.objects.all(), "doi:").count() == 0


@pytest.mark.parametrize("params", [{"year_min": "1e3"}, {"year_max": "-1"}, {"pmid": "1.5"}, {"year": "x"}])
def test_bad_filter_values_are_a_400_naming_the_field(api_client, params):
    response = api_client.get(ARTICLES, params)
    assert response.status_code == 400
    assert set(params) <= set(response.json()["errors"])


def test_has_annotations_counts_only_what_the_caller_may_see(api_client, shelf):
    _annotation(CitationFactory(article=shelf["old"]), "accepted")
    _annotation(CitationFactory(article=shelf["new"]), "draft")
    assert _pmids(api_client, ARTICLES, {"has_annotations": "true"}) == [shelf["old"].pmid]
    assert shelf["new"].pmid in _pmids(api_client, ARTICLES, {"has_annotations": "false"})
    api_client.force_login(curator("cleo"))
    assert set(_pmids(api_client, ARTICLES, {"has_annotations": "true"})) == {shelf["old"].pmid, shelf["new"].pmid}


@pytest.fixture
def network(shelf):
    review = ReviewFactory()
    cite = {
        key: CitationFactory(review=review, article=article, relation=Citation.Relation.CITED_BY)
        for key, article in shelf.items()
    }
    cite["unresolved"] = CitationFactory(review=review, article=None, relation="reference", position=1)
    ScreeningDecisionFactory(citation=cite["old"], decision="in_scope")
    ScreeningDecisionFactory(citation=cite["new"], decision="out_of_scope", reason="not_ev")
    ScreeningDecisionFactory(citation=cite["review"], decision="undecided")
    _annotation(cite["old"], "accepted")
    _annotation(cite["old"], "accepted")
    _annotation(cite["new"], "draft")
    return review, cite


def test_citation_filters(api_client, network, shelf):
    review, cite = network
    url = f"/api/v1/reviews/{review.article.pmid}/citations/"

    def ids(**params) -> list[int]:
        return [item["id"] for item in api_client.get(url, {**params, "page_size": 500}).json()["results"]]

    assert ids(resolved="false") == [cite["unresolved"].pk]
    assert len(ids(relation="cited_by")) == 4
    assert set(ids(year_min=2015, year_max=2020)) == {cite["review"].pk, cite["retracted"].pk}
    assert ids(retracted="true") == [cite["retracted"].pk]
    assert ids(publication_type="Review") == [cite["review"].pk]
    assert ids(screening="in_scope") == [cite["old"].pk]
    assert ids(screening="out_of_scope") == [cite["new"].pk]
    assert set(ids(screening="undecided")) == {cite["review"].pk, cite["retracted"].pk, cite["unresolved"].pk}
    assert ids(annotation_state="accepted") == [cite["old"].pk]  # once, though it has two


def test_visitors_may_filter_on_accepted_annotations_only(api_client, network):
    review, cite = network
    url = f"/api/v1/reviews/{review.article.pmid}/citations/"
    for state in ("draft", "submitted", "rejected", "none"):
        response = api_client.get(url, {"annotation_state": state})
        assert response.status_code == 400 and "annotation_state" in response.json()["errors"]
    api_client.force_login(curator("cleo"))
    assert [item["id"] for item in api_client.get(url, {"annotation_state": "draft"}).json()["results"]] == [
        cite["new"].pk
    ]
    unannotated = {item["id"] for item in api_client.get(url, {"annotation_state": "none"}).json()["results"]}
    assert unannotated == {cite["review"].pk, cite["retracted"].pk, cite["unresolved"].pk}


def test_curation_relations_the_filters_follow_exist():
    """articles/filters.py reads curation data by these reverse relations' names; a rename breaks it here."""
    assert Citation._meta.get_field("screening").related_model._meta.label == "curation.ScreeningDecision"
    assert Citation._meta.get_field("annotations").related_model._meta.label == "curation.MechanismAnnotation"


# --- the DOI lookup uses the unique index on lower(doi) -----------------------------------------------------------


def test_the_doi_lookup_is_answered_from_the_index():
    ArticleFactory.create_batch(30)
    ArticleFactory(doi="10.5555/Indexed.Lookup")
    sql, params = articles_with_doi(Article.objects.all(), "10.5555/INDEXED.lookup").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would otherwise be read whole
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "article_doi_unique_ci" in plan, plan
    assert articles_with_doi(Article.objects.all(), "10.5555/INDEXED.lookup").count() == 1


# --- pagination ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["0", "-1", "abc", "1.5", "²", "9" * 40])
def test_a_bad_page_size_is_a_400(api_client, size):
    response = api_client.get(ARTICLES, {"page_size": size})
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_a_large_page_size_is_cut_to_the_maximum(api_client):
    ArticleFactory.create_batch(3)
    assert api_client.get(ARTICLES, {"page_size": 10**9}).status_code == 200


def test_a_cursor_walks_the_whole_list_once_without_counting(api_client):
    review = ReviewFactory()
    for position in range(1, 24):
        CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position)
    url, params = f"/api/v1/reviews/{review.article.pmid}/citations/", {"pagination": "cursor", "page_size": 5}
    seen, pages = [], 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            body = api_client.get(url, params).json()
        assert "count" not in body
        assert not any("COUNT(" in query["sql"].upper() for query in queries)
        seen += [item["id"] for item in body["results"]]
        url, params, pages = body["next"], {}, pages + 1
        # A citation added meanwhile comes at the end (ids grow), without shifting what is left.
        if pages == 2:
            CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=100)
    assert len(seen) == len(set(seen)) == 24 and pages == 5
    assert seen == sorted(seen)


def test_a_cursor_combines_with_filters_and_q(api_client):
    for number in range(6):
        ArticleFactory(title=f"Ferroptosis note {number}", pub_year=2020 + number % 2)
    ArticleFactory(title="Something else")
    url, params, found = ARTICLES, {"pagination": "cursor", "q": "ferroptosis", "year": 2021, "page_size": 2}, []
    while url:
        body = api_client.get(url, params).json()
        found += body["results"]
        url, params = body["next"], {}
    assert len(found) == 3 and all("<mark>" in item["snippet"].lower() for item in found)


@pytest.mark.parametrize("cursor", ["nonsense", "cD1hYmM=", "bz0xJnA9LTE="])  # p=abc, o=1&p=-1
def test_a_cursor_the_api_did_not_give_is_a_400(api_client, cursor):
    ArticleFactory()
    response = api_client.get(ARTICLES, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_an_unknown_pagination_style_is_a_400(api_client):
    assert api_client.get(ARTICLES, {"pagination": "offset"}).status_code == 400


def test_the_schema_documents_filters_pagination_and_the_optional_snippet(api_client):
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    citations = schema["paths"]["/api/v1/reviews/{pmid}/citations/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in citations}
    assert {"q", "year_min", "year_max", "screening", "annotation_state", "pagination", "cursor"} <= names
    articles = {parameter["name"] for parameter in schema["paths"][ARTICLES]["get"]["parameters"]}
    assert {"q", "doi", "journal", "journal_contains", "publication_type", "has_annotations"} <= articles
    components = schema["components"]["schemas"]
    assert "snippet" in components["Citation"]["properties"]
    assert "snippet" not in components["Citation"].get("required", [])
    assert "snippet" not in components["Article"].get("required", [])
    assert components["PaginatedArticleList"]["required"] == ["results"]


def test_a_page_serialises_exactly_as_drf_does_row_by_row():
    """PageListSerializer reads each field its own way once per page; the result must be DRF's, field for field."""
    review = ReviewFactory()
    synced = ArticleFactory(title="<i>Ferroptosis</i> &amp; more", synced_at=timezone.now(), is_retracted=True)
    CitationFactory(review=review, article=synced, relation=Citation.Relation.CITED_BY)
    CitationFactory(review=review, article=None, relation=Citation.Relation.REFERENCE, position=1, citation_text="X")
    CitationFactory(review=review, relation=Citation.Relation.SIMILAR, score=12.5, article__authors=[])
    for rows in (
        list(citation_list(review=review, brief=True)),
        list(search.ranked(citation_list(review=review, brief=True), "ferroptosis", path="article__")),
    ):
        assert CitationSerializer(rows, many=True).data == [CitationSerializer(row).data for row in rows]
    articles = list(search.article_search(query="ferroptosis"))
    assert ArticleSerializer(articles, many=True).data == [ArticleSerializer(article).data for article in articles]
    assert "snippet" in ArticleSerializer(articles, many=True).data[0]
