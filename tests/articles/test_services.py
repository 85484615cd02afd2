"""Article upserts and citation linking, below the sync."""

import pytest

from articles.models import Article, ArticleChange, Citation
from articles.ncbi.parser import Notice, PubDate, PubmedRecord
from articles.services import article_upsert_many, citations_link, pmid_validate
from cafex_portal.exceptions import ApplicationError

from .factories import ArticleFactory, CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _record(pmid: int, **fields) -> PubmedRecord:
    return PubmedRecord(pmid=pmid, title=fields.pop("title", f"Study {pmid}"), **fields)


def test_a_reference_known_only_by_doi_is_matched_case_insensitively():
    review = ReviewFactory()
    article = ArticleFactory(doi="10.1038/NATURE12345")
    reference = CitationFactory(
        review=review, relation="reference", position=1, article=None, cited_pmid=None, cited_doi="10.1038/nature12345"
    )
    assert citations_link(review=review, articles={}, cited_by=[], similar=[], by_doi=True) == 0
    reference.refresh_from_db()
    assert reference.article == article


def test_an_empty_value_from_ncbi_never_blanks_a_stored_one():
    article_upsert_many(records=[_record(1, journal_title="Cell", pub_date=PubDate(year=2011))])
    result = article_upsert_many(records=[_record(1, journal_title="", pub_date=PubDate(year=2011))])
    assert result.unchanged == 1
    assert Article.objects.get(pmid=1).journal_title == "Cell"


def test_a_doi_two_pubmed_records_share_is_kept_on_the_first_and_reported():
    article_upsert_many(records=[_record(1, doi="10.1/dup")])
    result = article_upsert_many(records=[_record(2, doi="10.1/DUP")])
    assert Article.objects.get(pmid=2).doi == ""
    assert result.errors == ["PMID 2: DOI 10.1/DUP is stored for PMID 1; kept without it."]


def test_an_article_known_by_doi_only_becomes_the_pmids_record():
    known = Article.objects.create(pmid=None, doi="10.1/x", title="From a reference list")
    article_upsert_many(records=[_record(7, doi="10.1/x", title="The real title")])
    known.refresh_from_db()
    assert (known.pmid, known.plain_title) == (7, "The real title")
    assert Article.objects.count() == 1


def test_changes_to_a_synced_article_are_recorded_with_old_and_new_values():
    article_upsert_many(records=[_record(1, title="Old")])
    article_upsert_many(records=[_record(1, title="New", notices=(Notice(kind="erratum_in", pmid=9),))])
    change = ArticleChange.objects.get()
    assert change.changes == {"title": ["Old", "New"]}
    assert Article.objects.get(pmid=1).notices.get().notice_pmid == 9


def test_upserting_a_batch_takes_a_handful_of_queries_whatever_its_size(django_assert_max_num_queries):
    # bulk statements: SQLite splits them by its bound-parameter limit (about one per 40 rows), PostgreSQL does not
    records = [_record(pmid, doi=f"10.1/{pmid}") for pmid in range(1, 201)]
    with django_assert_max_num_queries(16):
        article_upsert_many(records=records)
    with django_assert_max_num_queries(16):
        article_upsert_many(records=[_record(r.pmid, doi=r.doi, title="Changed") for r in records])
    assert Article.objects.filter(title="Changed").count() == 200


@pytest.mark.parametrize("value", ["", "abc", "0", "-1", "123456789", None])
def test_pmid_validation_says_what_a_pmid_is(value):
    with pytest.raises(ApplicationError, match="a PMID is a positive whole number"):
        pmid_validate(value)


def test_citations_are_linked_once_however_often_linking_runs():
    review = ReviewFactory()
    article = ArticleFactory(pmid=5)
    for _ in range(2):
        citations_link(review=review, articles={5: article}, cited_by=[5], similar=[(5, 3.0)], by_doi=False)
    assert Citation.objects.filter(review=review, article=article).count() == 2  # cited by + similar
