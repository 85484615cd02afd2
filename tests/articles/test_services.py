"""Article upserts and citation linking, below the sync."""

import pytest

from articles.models import Article, ArticleChange, Citation
from articles.ncbi.records import Notice, PubDate, PubmedRecord, Reference
from articles.services import article_upsert_many, citations_link, pmid_validate, references_store
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


def _positions(review) -> list[tuple[int, str]]:
    return list(
        review.citations.filter(relation="reference").order_by("position").values_list("position", "citation_text")
    )


def test_a_renumbered_reference_list_keeps_each_citation_with_its_paper():
    review = ReviewFactory()
    papers = {pmid: ArticleFactory(pmid=pmid) for pmid in (11, 12, 13)}
    references_store(review=review, references=[Reference(n, f"Paper {p}.", pmid=p) for n, p in enumerate(papers, 1)])
    citations_link(review=review, articles=papers, cited_by=[], similar=[], by_doi=False)
    curated = review.citations.get(relation="reference", cited_pmid=12)  # curators' work hangs on this row

    # NCBI drops the first reference and adds a new one at the top
    references_store(review=review, references=[Reference(1, "Paper 10.", pmid=10), Reference(2, "Paper 12.", pmid=12),
                                                Reference(3, "Paper 13.", pmid=13)])  # fmt: skip

    curated.refresh_from_db()
    assert (curated.position, curated.article.pmid) == (2, 12)
    assert _positions(review) == [(1, "Paper 10."), (2, "Paper 12."), (3, "Paper 13."), (4, "Paper 11.")]


def test_references_known_by_doi_follow_their_paper_when_one_is_dropped():
    review = ReviewFactory()
    a, b = ArticleFactory(doi="10.1/a"), ArticleFactory(doi="10.1/b")
    references_store(review=review, references=[Reference(1, "Smith. Paper A.", doi="10.1/a"),
                                                Reference(2, "Jones. Paper B.", doi="10.1/b")])  # fmt: skip
    citations_link(review=review, articles={}, cited_by=[], similar=[], by_doi=True)

    references_store(review=review, references=[Reference(1, "Jones. Paper B.", doi="10.1/b")])

    by_position = {c.position: c for c in review.citations.filter(relation="reference")}
    assert (by_position[1].article, by_position[1].cited_doi) == (b, "10.1/b")
    assert (by_position[2].article, by_position[2].citation_text) == (a, "Smith. Paper A."), "kept, after the list"


def test_a_reference_first_known_by_its_text_gains_its_pmid_in_place():
    review = ReviewFactory()
    references_store(
        review=review, references=[Reference(1, "Hanahan D, Weinberg RA. Hallmarks of cancer. Cell. 2011")]
    )
    seeded = review.citations.get()
    references_store(
        review=review, references=[Reference(1, "Hanahan D, Weinberg RA. Hallmarks of cancer: the next generation. Cell. 2011;144(5):646-74.", pmid=21376230)]
    )  # fmt: skip
    seeded.refresh_from_db()
    assert (seeded.position, seeded.cited_pmid) == (1, 21376230)
    assert review.citations.count() == 1


def test_an_omitted_value_never_blanks_a_stored_reference():
    review = ReviewFactory()
    references_store(review=review, references=[Reference(1, "Doe J. A paper. 2001.", pmid=5, doi="10.1/x")])
    references_store(review=review, references=[Reference(1, "", pmid=5)])
    citation = review.citations.get()
    assert (citation.citation_text, citation.cited_doi) == ("Doe J. A paper. 2001.", "10.1/x")


def test_a_new_publication_date_replaces_the_stored_one_whole():
    article_upsert_many(records=[_record(1, pub_date=PubDate(year=2020, month=5, day=12))])
    article_upsert_many(records=[_record(1, pub_date=PubDate(year=2021, text="Spring"))])
    article = Article.objects.get(pmid=1)
    assert (article.pub_year, article.pub_month, article.pub_day, article.pub_date_text) == (2021, None, None, "Spring")
    article_upsert_many(records=[_record(1, pub_date=PubDate())])  # no date at all: the stored one stays
    article.refresh_from_db()
    assert (article.pub_year, article.pub_date_text) == (2021, "Spring")


def test_a_doi_held_by_an_article_without_pmid_does_not_break_the_batch():
    article_upsert_many(records=[_record(5, doi="10.1/old")])
    Article.objects.create(pmid=None, doi="10.1/new", title="Known from a reference list")
    result = article_upsert_many(records=[_record(5, doi="10.1/new"), _record(6, doi="10.1/six")])
    assert Article.objects.get(pmid=5).doi == "10.1/old"
    assert Article.objects.filter(pmid=6).exists()
    assert result.errors == ["PMID 5: DOI 10.1/new is stored for an article known only by its DOI; kept without it."]


def test_a_paper_listed_twice_keeps_its_rows_from_sync_to_sync():
    review = ReviewFactory()
    listed = [Reference(1, "A.", pmid=1), Reference(2, "Twice.", pmid=5), Reference(3, "B.", pmid=2),
              Reference(4, "Twice.", pmid=5)]  # fmt: skip

    def rows():
        return list(review.citations.filter(relation="reference").order_by("position").values_list("pk", "position"))

    references_store(review=review, references=listed)
    first = rows()
    references_store(review=review, references=listed)
    references_store(review=review, references=listed)
    assert rows() == first and len(first) == 4


def test_an_inserted_reference_does_not_take_the_row_of_one_it_resembles():
    review = ReviewFactory()
    growth = "Smith J, Doe K. Fibroblast exosomes in tumour growth. Cancer Res. 2019;79(4):101-110."
    other = "Lee H, Park S. Stromal signalling in breast cancer. Oncogene. 2018;37(2):55-66."
    invasion = "Smith J, Doe K. Fibroblast exosomes in tumour invasion. Cancer Res. 2020;80(1):12-20."
    references_store(review=review, references=[Reference(1, growth), Reference(2, other)])
    curated = review.citations.get(position=1)

    references_store(review=review, references=[Reference(1, invasion, pmid=300), Reference(2, growth, pmid=100),
                                                Reference(3, other, pmid=200)])  # fmt: skip

    curated.refresh_from_db()
    assert (curated.position, curated.cited_pmid, curated.citation_text) == (2, 100, growth)


def test_a_second_erratum_opens_the_alert_again():
    from articles.models import EditorAlert
    from articles.services import editor_alert_acknowledge
    from tests.factories import editor as make_editor

    editor = make_editor("ed")
    article_upsert_many(records=[_record(1, notices=(Notice(kind="erratum_in", pmid=8),))])
    alert = EditorAlert.objects.get()
    editor_alert_acknowledge(alert_ids=[alert.pk], user=editor)
    article_upsert_many(records=[_record(1, notices=(Notice(kind="erratum_in", pmid=8),))])
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None, "the same notice again raises nothing"
    article_upsert_many(
        records=[_record(1, notices=(Notice(kind="erratum_in", pmid=8), Notice(kind="erratum_in", pmid=9)))]
    )
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and "notice PMID 9" in alert.message
