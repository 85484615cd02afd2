"""Large citation exports stream: the first bytes leave before the list is read, and 5,000 citations are quick."""

import time

import pytest

import articles.api.exports as export_api
from articles.models import Article, Citation

from .factories import ArticleFactory, ReviewFactory

pytestmark = pytest.mark.django_db

REVIEW_PMID = 34852849
FORMATS = ["ris", "bibtex", "csljson", "csv"]


@pytest.fixture
def review():
    return ReviewFactory(article=ArticleFactory(pmid=REVIEW_PMID))


def bulk_references(review, n: int) -> None:
    """`n` references with articles, written in two queries."""
    articles = Article.objects.bulk_create(
        Article(
            pmid=35_000_000 + i,
            doi=f"10.5555/bulk.{i}",
            title=f"Exosomal <i>miR-{i}</i> in CAFs",
            journal_title="Molecular Cancer",
            pub_year=2020 + i % 5,
            authors=[{"last_name": "Lee", "fore_name": "Min", "initials": "M"}, {"collective_name": "CAF Group"}],
            abstract=[{"label": "", "category": "", "text": "An abstract of about this length. " * 8}],
            keywords=["exosome", "CAF"],
        )
        for i in range(n)
    )
    Citation.objects.bulk_create(
        Citation(review=review, article=article, relation=Citation.Relation.REFERENCE, position=i + 1)
        for i, article in enumerate(articles)
    )


def test_the_export_streams_before_the_whole_list_is_read(api_client, review, monkeypatch):
    bulk_references(review, 300)
    consumed = []
    read_rows = export_api.rows

    def spy_rows(queryset):
        for citation in read_rows(queryset):
            consumed.append(citation.pk)
            yield citation

    monkeypatch.setattr(export_api, "rows", spy_rows)
    response = api_client.get(f"/api/v1/reviews/{REVIEW_PMID}/export/", {"format": "ris"})
    assert response.streaming
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"TY  - JOUR")
    assert len(consumed) < 300, "the first bytes left before every citation was read"
    rest = b"".join(chunks)
    assert len(consumed) == 300
    assert (first + rest).count(b"ER  - ") == 300


@pytest.mark.parametrize("fmt", FORMATS)
def test_five_thousand_citations_export_in_reasonable_time(api_client, review, fmt):
    bulk_references(review, 5000)
    started = time.perf_counter()
    response = api_client.get(f"/api/v1/reviews/{REVIEW_PMID}/export/", {"format": fmt})
    chunks = iter(response.streaming_content)
    next(chunks)
    first_bytes = time.perf_counter() - started
    body = b"".join(chunks)
    total = time.perf_counter() - started
    assert first_bytes < 1.0, f"first bytes after {first_bytes:.2f}s"
    assert total < 30.0, f"{fmt}: 5,000 citations took {total:.1f}s"
    assert len(body) > 5000 * 200
