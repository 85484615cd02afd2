"""Server-rendered pages of reviews and articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from articles.models import Article, Citation, Review
from articles.ncbi.parser import parse_pubmed_xml
from articles.services import article_upsert_many
from tests.factories import curator

from .factories import CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_home_lists_reviews(client, demo_review):
    page = client.get("/").content.decode()
    assert "Cancer associated-fibroblast-derived exosomes in cancer progression" in page
    assert "/reviews/34852849/" in page


def test_review_page_shows_abstract_and_tabs(client, demo_review):
    page = client.get("/reviews/34852849/").content.decode()
    assert "To identify novel cancer therapies" in page
    for label in ("References", "Cited by", "Similar"):
        assert label in page
    assert "Hanahan D, Weinberg RA." in page
    assert page.index("Hanahan D, Weinberg RA.") < page.index("Herschman HR.") < page.index("Sundaram GM")


@pytest.mark.parametrize(
    ("tab", "expected"),
    [("cited_by", "https://pubmed.ncbi.nlm.nih.gov/36644823/"), ("similar", "https://doi.org/10.1089/omi.2020.0023")],
)
def test_review_tabs_link_out(client, demo_review, tab, expected):
    page = client.get("/reviews/34852849/", {"tab": tab}).content.decode()
    assert expected in page


def test_unknown_review_and_article_are_404(client, db):
    assert client.get("/reviews/1/").status_code == 404
    assert client.get("/articles/999999/").status_code == 404


def test_article_page_shows_record_and_where_it_is_cited(client, demo_review):
    cited = demo_review.citations.filter(relation="cited_by").select_related("article").first().article
    page = client.get(f"/articles/{cited.pk}/").content.decode()
    assert cited.doi in page
    assert "Cited by" in page
    assert "/reviews/34852849/" in page


# Hostile markup as it could arrive from NCBI. Every active payload would set window.__xss (and open a dialog).
XSS_MARK = "__xss"
XSS = "window.__xss = 1; alert(1)"
HOSTILE_TITLE = (
    f"Role of <i>miR-21</i> in <b onmouseover='{XSS}'>fibroblasts</b><script>{XSS}</script>"
    f'<img src="x" onerror="{XSS}"/> <a href="javascript:{XSS}">link text</a>'
    f'<iframe src="javascript:{XSS}"></iframe> &lt;script&gt;{XSS}&lt;/script&gt;'
)
HOSTILE_ABSTRACT = (
    f'<AbstractText Label="&lt;img src=x onerror=&quot;{XSS}&quot;&gt;" NlmCategory="BACKGROUND">'
    f"Exosomes carry <i>cisplatin</i> resistance<script>{XSS}</script>"
    f'<img src="x" onerror="{XSS}"/><b onmouseover="{XSS}">bold</b> '
    f'<a href="javascript:{XSS}">abstract link</a> &lt;img src=x onerror={XSS}&gt;</AbstractText>'
)
# What must still show: the allowed inline markup, and the escaped markup as visible text.
SHOWN_IN_TITLE = [("i", "miR-21"), ("b", "fibroblasts")]
SHOWN_IN_ABSTRACT = [("i", "cisplatin"), ("b", "bold")]
SHOWN_AS_TEXT = [f"<script>{XSS}</script>", f"<img src=x onerror={XSS}>"]


def hostile_pubmed_xml(*pmids: int) -> bytes:
    """A PubMed efetch answer with one article per PMID, each carrying the payloads in title and abstract."""
    articles = "".join(
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        '<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print"><PubDate><Year>2021</Year></PubDate>'
        "</JournalIssue><Title>Molecular cancer</Title><ISOAbbreviation>Mol Cancer</ISOAbbreviation></Journal>"
        f"<ArticleTitle>{HOSTILE_TITLE}</ArticleTitle><Abstract>{HOSTILE_ABSTRACT}</Abstract><Language>eng</Language>"
        '<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>'
        "</Article></MedlineCitation>"
        "<PubmedData><PublicationStatus>ppublish</PublicationStatus></PubmedData></PubmedArticle>"
        for pmid in pmids
    )
    return f'<?xml version="1.0" ?>\n<PubmedArticleSet>{articles}</PubmedArticleSet>'.encode()


def store_hostile_review(review_pmid: int = 91_000_001, cited_pmid: int = 91_000_002) -> tuple[Review, Citation]:
    """A review citing one article, both stored the way a sync stores them: parsed, then upserted."""
    parsed = parse_pubmed_xml(hostile_pubmed_xml(review_pmid, cited_pmid))
    assert parsed.errors == []
    stored = article_upsert_many(records=parsed.records).articles
    review = ReviewFactory(article=stored[review_pmid])
    citation = CitationFactory(
        review=review, article=stored[cited_pmid], relation=Citation.Relation.REFERENCE, position=1
    )
    return review, citation


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", [])

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(page: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def assert_inert(page: str) -> Element:
    """No script, event handler or javascript: URL came through; returns the page's <main>."""
    document = parse_html(page)
    for element in document.iter():
        for name, value in element.attrs:
            assert not name.startswith("on"), f"<{element.tag} {name}={value!r}>"
            if name in URL_ATTRIBUTES and value:
                squeezed = "".join(value.split()).lower()
                assert not squeezed.startswith(("javascript:", "vbscript:", "data:text/html")), (
                    f"<{element.tag} {name}={value!r}>"
                )
        if element.tag == "script":
            assert XSS_MARK not in element.text(), element.text()
            assert dict(element.attrs).get("src", "").startswith("/static/"), element.attrs  # the portal's own only
    (main,) = [element for element in document.iter() if element.tag == "main"]
    smuggled = [element.tag for element in main.iter() if element.tag in {"script", "img", "iframe", "object", "embed"}]
    assert smuggled == []
    return main


def assert_shown(main: Element, shown: list[tuple[str, str]]) -> None:
    rendered = {(element.tag, element.text()) for element in main.iter()}
    for tag_and_text in shown:
        assert tag_and_text in rendered, tag_and_text


def test_stored_markup_is_rendered_but_never_executes(client):
    # Text from NCBI is sanitised by the parser when stored; the templates trust only that sanitised HTML.
    review, citation = store_hostile_review()
    article: Article = citation.article
    assert "miR-21" in article.title

    pages = {
        "review": f"/reviews/{review.article.pmid}/",
        "article": f"/articles/{article.pk}/",
        "home": "/",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        main = assert_inert(response.content.decode())
        assert_shown(main, SHOWN_IN_TITLE)
        if name != "home":
            assert_shown(main, SHOWN_IN_ABSTRACT)
            for text in SHOWN_AS_TEXT:
                assert text in main.text(), (name, text)


def test_review_page_query_count_is_flat(client, django_assert_max_num_queries):
    review = ReviewFactory()
    for position in range(1, 41):
        CitationFactory(review=review, relation="reference", position=position)
    with django_assert_max_num_queries(8):
        assert client.get(f"/reviews/{review.article.pmid}/").status_code == 200


def test_pages_can_be_closed_to_anonymous_visitors(client, demo_review, settings, admin_user):
    settings.CAFEX_PUBLIC_READ = False
    response = client.get("/reviews/34852849/")
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(admin_user)
    assert client.get("/reviews/34852849/").status_code == 200


def test_long_tabs_are_paged_and_the_pager_keeps_the_tab(client, db):
    review = ReviewFactory()
    for _ in range(101):
        CitationFactory(review=review, relation="cited_by")
    page = client.get(f"/reviews/{review.article.pmid}/", {"tab": "cited_by"}).content.decode()
    assert "Page 1 of 2" in page
    assert "?tab=cited_by&amp;page=2" in page
    second = client.get(f"/reviews/{review.article.pmid}/", {"tab": "cited_by", "page": 2}).content.decode()
    assert second.count('class="citation"') == 1


def test_only_curators_are_invited_to_curate_from_the_review_page(client, demo_review):
    page = client.get("/reviews/34852849/").content.decode()
    assert "See how its citations are screened" in page and "Curate this review" not in page
    client.force_login(curator("cleo"))
    assert "Curate this review's citations" in client.get("/reviews/34852849/").content.decode()
