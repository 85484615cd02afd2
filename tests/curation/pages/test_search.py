"""The search page: text and facets over every review's citations, with counts, snippets and links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Citation
from curation import services
from tests.curation.factories import ArticleFactory, CitationFactory, ReviewFactory, term

from .helpers import annotation

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def _abstract(text: str) -> list[dict]:
    return [{"label": "", "category": "", "text": text}]


@pytest.fixture
def portal(review, citation, curator):
    """Two reviews: the fixture's citation (miR-522, ferroptosis, in scope, accepted mechanism) and others."""
    services.screening_set(citation=citation, user=curator, decision="in_scope")
    annotation(citation, curator, state="accepted")
    other_review = ReviewFactory(article__title="A second review of stromal signals")
    lipid = CitationFactory(
        review=other_review,
        relation=Citation.Relation.CITED_BY,
        article=ArticleFactory(
            title="Lipid droplets in fibroblasts",
            abstract=_abstract("Fibroblast lipids feed ferroptosis-resistant tumour cells."),
            journal_title="Cell Metabolism",
            journal_iso="Cell Metab",
            pub_year=2019,
            publication_types=["Journal Article", "Review"],
            is_retracted=True,
        ),
    )
    for number in range(4):
        CitationFactory(review=other_review, article=ArticleFactory(title=f"Bone density record {number}"))
    return {"mir": citation, "lipid": lipid, "other_review": other_review}


def _page(client, **params) -> str:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_is_in_the_navigation(client):
    assert f'href="{SEARCH}"' in client.get("/").content.decode()


def test_text_search_ranks_marks_and_counts(client, portal):
    page = _page(client, q="ferroptosis")
    assert "2 results" in page
    assert page.index("miR-522") < page.index("Lipid droplets")  # the title hit first
    assert "<mark>ferroptosis</mark>" in page
    assert "<mark>ferroptosis</mark>-resistant" in page or "<mark>ferroptosis-resistant</mark>" in page
    # Facets count the results.
    assert 'href="?q=ferroptosis&amp;relation=cited_by"' in page
    assert "Cell Metabolism" in page and ">Review</a>" in page


def test_facets_narrow_the_results(client, portal):
    mir, lipid = "CAF secreted", "Lipid droplets"
    for params, present, absent in [
        ({"relation": "cited_by", "q": "ferroptosis"}, lipid, mir),
        ({"review": portal["other_review"].article.pmid, "q": "ferroptosis"}, lipid, mir),
        ({"year_min": 2020, "q": "ferroptosis"}, mir, lipid),
        ({"year_max": 2019, "q": "ferroptosis"}, lipid, mir),
        ({"journal": "cell metabolism"}, lipid, mir),
        ({"publication_type": "review", "q": "ferroptosis"}, lipid, mir),
        ({"retracted": "yes"}, lipid, mir),
        ({"retracted": "no", "q": "ferroptosis"}, mir, lipid),
        ({"decision": "in_scope"}, mir, lipid),
        ({"decision": "undecided", "q": "ferroptosis"}, lipid, mir),
        ({"accepted": "yes"}, mir, lipid),
        ({"accepted": "no", "q": "ferroptosis"}, lipid, mir),
        ({"term": term("cargo", "miR-522").pk}, mir, lipid),
    ]:
        page = _page(client, **params)
        assert present in page and absent not in page, params


def test_mechanism_terms_of_accepted_annotations_are_a_facet(client, portal):
    page = _page(client)
    assert "Mechanism terms" in page and "Cargo" in page
    assert f"term={term('cargo', 'miR-522').pk}" in page


def test_links_go_to_the_article_and_for_curators_to_the_workspace(client, portal, curator):
    mir = portal["mir"]
    workspace = f"/reviews/{mir.review.article.pmid}/curation/{mir.pk}/"
    page = _page(client, q="miR-522")
    assert f'href="/articles/{mir.article.pk}/"' in page and workspace not in page
    client.force_login(curator)
    assert workspace in _page(client, q="miR-522")


def test_titles_and_snippets_render_inert(client, review):
    CitationFactory(
        review=review,
        article=ArticleFactory(
            title='<script>alert("t")</script> Ferroptosis <img src=x onerror=alert(1)>',
            abstract=_abstract('<script>alert("a")</script> ferroptosis &lt;b&gt;bold&lt;/b&gt;'),
        ),
    )
    for params in ({"q": "ferroptosis"}, {}):
        page = _page(client, **params)
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page


@pytest.mark.parametrize("query", ['"', "(", "*", "NEAR", "-", "x" * 10_000, "a OR", '"unclosed'])
def test_hostile_queries_and_bad_parameters_still_render(client, portal, query):
    page = _page(client, q=query, review="abc", year_min="x", term="-1", page="nine")
    assert "Search" in page


def test_query_count_is_flat_as_the_page_grows(client, review, curator):
    def queries(citations: int) -> int:
        start = Citation.objects.filter(review=review).count()
        for number in range(start, citations):
            article = ArticleFactory(title=f"Ferroptosis record {number}", abstract=_abstract("ferroptosis"))
            CitationFactory(review=review, article=article, relation=Citation.Relation.CITED_BY)
        with CaptureQueriesContext(connection) as captured:
            _page(client, q="ferroptosis")
        return len(captured)

    client.force_login(curator)
    assert queries(2) == queries(20)


def test_paging_keeps_the_query(client, review):
    for number in range(25):
        CitationFactory(review=review, article=ArticleFactory(title=f"Ferroptosis record {number}"))
    page = _page(client, q="ferroptosis")
    assert "25 results" in page and "Page 1 of 2" in page
    assert 'href="?q=ferroptosis&amp;page=2"' in page
    assert page.count('class="card hit"') == 20
    assert _page(client, q="ferroptosis", page=2).count('class="card hit"') == 5


def test_the_page_offers_its_results_as_files_with_the_same_filters(client, portal):
    page = _page(client, q="ferroptosis", retracted="yes", page="1")
    assert "Download this result" in page
    assert 'href="/api/v1/search/export/?q=ferroptosis&amp;retracted=yes&amp;format=ris"' in page
    assert "Download these" not in _page(client, q="nothing-matches-this")


def _export(client, **params) -> str:
    response = client.get("/api/v1/search/export/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content).decode()


def test_the_export_holds_the_pages_results_in_the_pages_order(client, portal):
    ris = _export(client, q="ferroptosis", format="ris")
    assert ris.count("ER  -") == 2
    assert ris.index("miR-522") < ris.index("Lipid droplets")  # best match first, as on the page
    only_retracted = _export(client, q="ferroptosis", retracted="yes", format="csv")
    assert "Lipid droplets" in only_retracted and "miR-522" not in only_retracted
    in_review = _export(client, review=portal["other_review"].article.pmid, format="csljson")
    assert in_review.count('"title"') == 5 and "Bone density record 3" in in_review


@pytest.mark.parametrize(
    ("params", "field"),
    [({"review": "²"}, "review"), ({"year_min": "x"}, "year_min"), ({"decision": "maybe"}, "decision")],
)
def test_the_export_refuses_a_bad_parameter_the_page_would_drop(client, portal, params, field):
    response = client.get("/api/v1/search/export/", {"format": "ris", **params})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _page(client, **params)  # the page still answers, without that filter


def test_an_unknown_export_format_names_the_formats(client, portal):
    response = client.get("/api/v1/search/export/", {"format": "docx"})
    assert response.status_code == 404 and "ris" in response.json()["detail"]
