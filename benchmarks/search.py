"""Reads on a large portal (PostgreSQL only): a review's citation page, ranked full-text search, the DOI lookup.

The corpus is generated: 100,000 synthetic articles (titles say "Synthetic article", 4–8 synthetic authors each,
abstracts of 120–200 words drawn from a synthetic vocabulary with a few real terms at known frequencies), written
with bulk_create (the database's trigger fills the search index as they go in), and a synthetic review citing
5,000 of them and cited by 2,000 others. Each figure is the median of repeated runs after warm-up.

The floor for the citation page is the same JSON built by PostgreSQL itself in one query (json_build_object and
json_agg, count included): what the page costs with no Python, no ORM and no HTTP machinery at all.
"""

import random
import statistics
import time
from collections.abc import Callable
from unittest import mock

from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from articles import search
from articles.models import Article, Citation, Review
from articles.selectors import articles_with_doi
from benchmarks.timing import timings_ms

ARTICLES = 100_000
REFERENCES = 5_000
CITED_BY = 2_000
REVIEW_PMID = 90_000_000
RUNS = 30
BATCH = 5_000
SEED = 20261130

# Real words at known shares of the abstracts, so that searches match a known number of articles.
PLANTED = {"ferroptosis": 0.002, "exosome": 0.01, "fibroblast": 0.05, "tumour": 0.20}
QUERIES = [
    ("a rare word", "ferroptosis"),
    ("a word in 2% of articles", "exosome"),
    ("two words", "exosome fibroblast"),
    ("a phrase", '"fibroblast exosome"'),
    ("a word in 10% of articles", "fibroblast"),
    ("a word in 35% of articles", "tumour"),
    ("a common word or another", "tumour OR fibroblast"),
    ("a common word but not a rarer one", "tumour -exosome"),
]
COMMON_QUERIES = ["fibroblast", "tumour"]


def _vocabulary(rng: random.Random, size: int = 6_000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "su", "tor", "vex", "zan", "pri", "qua", "rel", "dio", "fen", "gly", "hex"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
    return sorted(words)


def _text(rng: random.Random, vocabulary: list[str], weights: list[float], words: int) -> str:
    chosen = rng.choices(vocabulary, weights, k=words)
    for word, share in PLANTED.items():
        if rng.random() < share:
            chosen[rng.randrange(words)] = word
    if "fibroblast" in chosen and "exosome" in chosen and rng.random() < 0.5:
        chosen[-2:] = ["fibroblast", "exosome"]
    return " ".join(chosen).capitalize() + "."


def _article(n: int, rng: random.Random, vocabulary: list[str], weights: list[float]) -> Article:
    authors = [
        {"last_name": f"Synthauthor{rng.randrange(50_000)}", "fore_name": "Test", "initials": "T",
         "affiliations": [f"Synthetic Institute {rng.randrange(500)}"], "orcid": ""}
        for _ in range(rng.randint(4, 8))
    ]  # fmt: skip
    return Article(
        pmid=10_000_000 + n,
        doi=f"10.5555/SYNTH.{n}",
        title=f"Synthetic article {n}: {_text(rng, vocabulary, weights, rng.randint(6, 12))}",
        abstract=[{"label": "", "category": "", "text": _text(rng, vocabulary, weights, rng.randint(120, 200))}],
        journal_title=f"Journal of Synthetic Studies {n % 400}",
        journal_iso=f"J Synth Stud {n % 400}",
        volume=str(n % 60),
        issue=str(n % 12),
        pages=f"{n % 900}-{n % 900 + 9}",
        pub_year=1990 + n % 35,
        pub_month=1 + n % 12,
        authors=authors,
        publication_types=["Journal Article"] + (["Review"] if n % 20 == 0 else []),
        mesh_headings=[{"descriptor": rng.choice(vocabulary).capitalize(), "ui": "", "major": False, "qualifiers": []}],
        keywords=rng.sample(vocabulary, 4),
    )


def build(articles: int) -> Review:
    """The corpus and the review, written in batches."""
    rng = random.Random(SEED)
    vocabulary = _vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf-like, as in real text
    started = time.perf_counter()
    for start in range(0, articles, BATCH):
        batch = [_article(n, rng, vocabulary, weights) for n in range(start, min(start + BATCH, articles))]
        Article.objects.bulk_create(batch, batch_size=1_000)
    review = Review.objects.create(article=Article.objects.create(pmid=REVIEW_PMID, title="Synthetic review"))
    ids = list(Article.objects.exclude(pk=review.article_id).order_by("pk").values_list("pk", flat=True))
    references = [
        Citation(review=review, article_id=pk, relation=Citation.Relation.REFERENCE, position=position)
        for position, pk in enumerate(ids[:REFERENCES], start=1)
    ]
    cited_by = [Citation(review=review, article_id=pk, relation=Citation.Relation.CITED_BY) for pk in
                ids[REFERENCES : REFERENCES + CITED_BY]]  # fmt: skip
    Citation.objects.bulk_create(references + cited_by, batch_size=1_000)
    with connection.cursor() as cursor:  # as autovacuum would leave them: statistics, visibility map
        for table in ("articles_article", "articles_citation", "articles_review"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"  built {articles:,} articles and {len(references) + len(cited_by):,} citations "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    return review


def median_ms(work: Callable[[], object], runs: int = RUNS, warmup: int = 3) -> float:
    return statistics.median(timings_ms(work, runs=runs, warmup=warmup))


def interleaved_medians_ms(first: Callable[[], object], second: Callable[[], object], runs: int = 2 * RUNS):
    """The medians of two pieces of work timed in turns, so that a machine that slows down or speeds up during
    the run (a shared one does) weighs on both alike: the fairest ratio of the two."""
    pairs = [
        (
            timings_ms(first, runs=1, warmup=3 if n == 0 else 0)[0],
            timings_ms(second, runs=1, warmup=3 if n == 0 else 0)[0],
        )
        for n in range(runs)
    ]
    return statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs)


FLOOR_SQL = """
WITH page AS (
  SELECT id, relation, position, citation_text, cited_pmid, cited_doi, score, article_id
  FROM articles_citation WHERE review_id = %(review)s ORDER BY relation, position, id LIMIT %(size)s
)
SELECT json_build_object(
  'count', (SELECT count(*) FROM articles_citation WHERE review_id = %(review)s),
  'next', %(next)s, 'previous', NULL,
  'results', coalesce(json_agg(json_build_object(
    'id', p.id, 'relation', p.relation, 'position', p.position, 'citation_text', p.citation_text,
    'cited_pmid', p.cited_pmid, 'cited_doi', p.cited_doi, 'score', p.score,
    'article', CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object(
      'pmid', a.pmid, 'doi', a.doi, 'pmcid', a.pmcid, 'title', articles_decode_entities(articles_strip_tags(a.title)),
      'title_html', a.title, 'journal', coalesce(nullif(a.journal_title, ''), a.journal_iso),
      'journal_iso', a.journal_iso, 'year', a.pub_year,
      'pub_date', json_build_object('year', a.pub_year, 'month', a.pub_month, 'day', a.pub_day, 'text', a.pub_date_text),
      'volume', a.volume, 'issue', a.issue, 'pages', a.pages,
      'authors', (SELECT coalesce(json_agg(CASE
                     WHEN coalesce(au ->> 'collective_name', '') <> '' THEN au ->> 'collective_name'
                     WHEN coalesce(au ->> 'last_name', '') = '' THEN coalesce(au ->> 'fore_name', '')
                     ELSE concat_ws(' ', au ->> 'last_name', nullif(au ->> 'initials', '')) END ORDER BY n), '[]')
                  FROM jsonb_array_elements(a.authors) WITH ORDINALITY AS x(au, n)),
      'publication_types', a.publication_types, 'retracted', a.is_retracted, 'synced_at', a.synced_at) END
  ) ORDER BY p.relation, p.position, p.id), '[]')
)::text
FROM page AS p LEFT JOIN articles_article AS a ON a.id = p.article_id
"""


def _floor(review: Review, size: int) -> Callable[[], str]:
    params = {"review": review.pk, "size": size, "next": "http://testserver/next"}

    def run() -> str:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, params)
            return cursor.fetchone()[0]

    return run


def _get(client: APIClient, url: str, params: dict) -> Callable[[], bytes]:
    def run() -> bytes:
        response = client.get(url, params)
        assert response.status_code == 200, response.content[:300]
        return response.content

    return run


def _search(query: str) -> Callable[[], list[str]]:
    def run() -> list[str]:
        return [search.snippet_html(hit.search_snippet) for hit in search.article_search(query=query)[:20]]

    return run


def _search_ranking_every_match(query: str) -> Callable[[], list[str]]:
    """The same search as on a database without RUM: ts_rank_cd over every match, then the top 20."""
    work = _search(query)

    def run() -> list[str]:
        with mock.patch.object(search, "ranks_in_index", lambda connection, query: False):
            return work()

    return run


def run(*, quick: bool = False, articles: int | None = None) -> None:
    if connection.vendor != "postgresql":
        print("Search benchmark: needs PostgreSQL (DATABASE_URL=postgres://…); skipped.\n")
        return
    articles = articles or (20_000 if quick else ARTICLES)
    print(f"Search benchmark: PostgreSQL, {articles:,} synthetic articles, median of {RUNS} runs")
    review = build(articles)
    client = APIClient()
    url = f"/api/v1/reviews/{REVIEW_PMID}/citations/"
    rows: list[tuple[str, float, str]] = []
    api, floor = interleaved_medians_ms(_get(client, url, {"page_size": 100}), _floor(review, 100))
    rows.append(
        ("citations, first page of 100 (API, test client; timed in turns with the floor)", api, "target ≤ 2x floor")
    )
    rows.append(("  floor: the same JSON from PostgreSQL in one query", floor, f"API / floor = {api / floor:.2f}"))
    with override_settings(CITATION_PAGE_CACHE_SECONDS=60):  # as deployed: the page from the cache after its first run
        rows.append(("citations, first page of 100, cached", median_ms(_get(client, url, {"page_size": 100})), ""))
    for relation in ("reference", "cited_by"):
        params = {"page_size": 100, "relation": relation}
        rows.append((f"citations, ?relation={relation}, 100 (API)", median_ms(_get(client, url, params)), ""))
    cursor_page = {"page_size": 100, "pagination": "cursor"}
    rows.append(("citations, first cursor page of 100 (API)", median_ms(_get(client, url, cursor_page)), ""))
    index = (
        f"GIN, and RUM for queries expected to match {search.RANK_IN_INDEX_FROM:,} articles or more"
        if search.has_rum_index(connection)
        else "GIN only: ts_rank_cd over every match"
    )
    print(f"  search index: {index}")
    for label, query in QUERIES:
        hits = search.matching(Article.objects.all(), query).count()
        rows.append(
            (f"search {query}: {label}, {hits:,} hits; top 20 + snippets", median_ms(_search(query)), "target < 10 ms")
        )
    for query in COMMON_QUERIES:
        rows.append(
            (f"  {query}, ranking every match as without RUM", median_ms(_search_ranking_every_match(query)), "")
        )
    for query in ("exosome", "tumour"):
        rows.append((f"search API ?q={query}&page_size=20 (with count)",
                     median_ms(_get(client, "/api/v1/articles/", {"q": query, "page_size": 20})), ""))  # fmt: skip
    doi = f"10.5555/synth.{articles // 2}"
    rows.append(
        (
            "DOI lookup, the query",
            median_ms(lambda: articles_with_doi(Article.objects.all(), doi).first()),
            "target < 5 ms",
        )
    )
    rows.append(
        (
            "DOI lookup, API ?doi= (with count)",
            median_ms(_get(client, "/api/v1/articles/", {"doi": doi.upper()})),
            "target < 5 ms",
        )
    )
    rows.append(("  before: doi__iexact (reads every row)",
                 median_ms(lambda: Article.objects.filter(doi__iexact=doi).first(), runs=5), ""))  # fmt: skip
    width = max(len(label) for label, _, _ in rows)
    for label, ms, note in rows:
        print(f"  {label:<{width}} {ms:>8.2f} ms  {note}")
    print()
