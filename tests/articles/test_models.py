"""The database itself guards the invariants of articles and citations."""

import pytest

from articles.models import Article, ArticleNotice, Citation
from tests.db import violates_constraint

from .factories import ArticleFactory, CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_pmid_is_unique_when_present_and_many_articles_may_lack_one():
    ArticleFactory(pmid=1)
    assert violates_constraint("articles_article_pmid_key", lambda: ArticleFactory(pmid=1))
    ArticleFactory(pmid=None)
    ArticleFactory(pmid=None)
    assert Article.objects.filter(pmid__isnull=True).count() == 2


def test_doi_is_unique_ignoring_case_and_many_articles_may_lack_one():
    ArticleFactory(doi="10.1186/S12943-021-01463-Y")
    assert violates_constraint("article_doi_unique_ci", lambda: ArticleFactory(doi="10.1186/s12943-021-01463-y"))
    ArticleFactory(doi="")
    ArticleFactory(doi="")
    assert Article.objects.filter(doi="").count() == 2


def test_month_and_day_ranges_are_checked():
    assert violates_constraint("article_pub_month_range", lambda: ArticleFactory(pub_month=13))
    assert violates_constraint("article_pub_day_range", lambda: ArticleFactory(pub_day=0))


def test_an_article_is_stored_once_across_reviews_and_relations():
    shared = ArticleFactory()
    first, second = ReviewFactory(), ReviewFactory()
    CitationFactory(review=first, article=shared, relation=Citation.Relation.CITED_BY)
    CitationFactory(review=first, article=shared, relation=Citation.Relation.SIMILAR, position=None)
    CitationFactory(review=second, article=shared, relation=Citation.Relation.REFERENCE, position=1)
    CitationFactory(review=second, article=shared, relation=Citation.Relation.REFERENCE, position=2)
    assert shared.citations.count() == 4
    assert violates_constraint(
        "citation_unique_article_per_relation",
        lambda: CitationFactory(review=first, article=shared, relation=Citation.Relation.CITED_BY),
    )


def test_reference_positions_are_unique_within_a_review_and_required():
    review = ReviewFactory()
    CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=1)
    assert violates_constraint(
        "citation_unique_reference_position",
        lambda: CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=1),
    )
    assert violates_constraint(
        "citation_position_iff_reference",
        lambda: CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=None),
    )


def test_only_references_have_positions_and_only_references_may_be_unresolved():
    review = ReviewFactory()
    assert violates_constraint(
        "citation_position_iff_reference",
        lambda: CitationFactory(review=review, relation=Citation.Relation.CITED_BY, position=3),
    )
    assert violates_constraint(
        "citation_unresolved_only_reference",
        lambda: CitationFactory(review=review, relation=Citation.Relation.SIMILAR, article=None),
    )
    unresolved = CitationFactory(
        review=review, relation=Citation.Relation.REFERENCE, position=2, article=None, citation_text="Doe J. 1999."
    )
    assert unresolved.article is None


def test_several_unresolved_references_coexist():
    review = ReviewFactory()
    for position in (1, 2, 3):
        CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position, article=None)
    assert review.citations.filter(article__isnull=True).count() == 3


def test_relation_and_notice_kind_are_checked_by_the_database():
    review = ReviewFactory()
    assert violates_constraint("citation_relation_valid", lambda: CitationFactory(review=review, relation="cites"))
    article = ArticleFactory()
    assert violates_constraint(
        "notice_kind_valid", lambda: ArticleNotice.objects.create(article=article, kind="gossip")
    )
    ArticleNotice.objects.create(article=article, kind=ArticleNotice.Kind.RETRACTION_IN, notice_pmid=5)
    assert violates_constraint(
        "notice_unique", lambda: ArticleNotice.objects.create(article=article, kind="retraction_in", notice_pmid=5)
    )


def test_display_helpers():
    article = ArticleFactory(
        title="Role of <i>miR-21</i> in CAFs", journal_iso="Mol Cancer", pub_year=2021, volume="20", issue="1",
        pages="154", pub_date_text="",
    )  # fmt: skip
    assert article.plain_title == "Role of miR-21 in CAFs"
    assert article.author_names == ["Smith A", "CAF Consortium"]
    assert article.citation_line == "Mol Cancer. 2021;20(1):154"
    assert article.pubmed_url == f"https://pubmed.ncbi.nlm.nih.gov/{article.pmid}/"


def test_an_author_with_only_a_forename_still_has_a_name():
    article = ArticleFactory(authors=[{"fore_name": "Madonna"}, {"last_name": "Doe", "initials": "J"}])
    assert article.author_names == ["Madonna", "Doe J"]


@pytest.mark.parametrize(
    "author, name",
    [
        ({"last_name": "Hanahan", "fore_name": "Douglas", "initials": "D"}, "Hanahan D"),
        ({"fore_name": "Madonna", "initials": "M"}, "Madonna"),
        ({"collective_name": "TCGA Research Network"}, "TCGA Research Network"),
        ({"last_name": "Li"}, "Li"),
    ],
)
def test_an_author_is_named_the_same_from_the_parser_and_from_the_database(author, name):
    from articles.ncbi.records import Author

    assert Author(**author).display_name == name
    assert ArticleFactory.build(authors=[author]).author_names == [name]
