"""Server-rendered pages of reviews and articles."""

import pytest

from .factories import ArticleFactory, CitationFactory, ReviewFactory

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


def test_stored_markup_is_rendered_but_never_executes(client):
    # Titles are sanitised when stored; the template trusts only that sanitised HTML.
    review = ReviewFactory()
    article = ArticleFactory(title="Role of <i>miR-21</i>")
    CitationFactory(review=review, article=article, relation="cited_by")
    page = client.get(f"/reviews/{review.article.pmid}/", {"tab": "cited_by"}).content.decode()
    assert "Role of <i>miR-21</i>" in page


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
