"""Pages of a review's citations as the API shows them, built as JSON by PostgreSQL (cafex_portal.built_json).

`CitationSerializer` defines a citation in the API and in its schema. The statement here states the serializer's
rules for the author names (`author_name`), the timestamp and the plain-text title of a title in the form the sync
stores (the sanitiser's few tags and entities, `SIMPLE_TITLE`). Any other title is finished in Python by the
model's own `plain_text`, as only Python decodes every HTML entity the same way; the page is then parsed and
written again. tests/articles/test_citation_json.py holds the output equal to the serializer's on records made to
differ in every field, random titles and authors included.

Searches (`q`) keep the serializer, as they add a snippet; SQLite, the embedded default, keeps it too.
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict

from cafex_portal import built_json
from cafex_portal.built_json import (
    BuiltPages,
    PageCache,
    log_version_sql,
    page_row,
    timestamp_sql,
)
from cafex_portal.renderers import RawJSON

from .models import Citation
from .models.articles import plain_text

# The version of the data a statement sees (CitationListChange; cafex_portal.built_json).
VERSION_SQL = log_version_sql("articles_citationlistchange")

# A float as Python writes it: PostgreSQL writes 2.0 as `2`, Python as `2.0` (a NaN or an infinity, which JSON
# cannot hold, as null).
SCORE_SQL = """CASE WHEN c.score IS NULL OR c.score::text IN ('NaN', 'Infinity', '-Infinity') THEN NULL
  WHEN c.score = trunc(c.score) AND abs(c.score) < 1e16 THEN (trunc(c.score)::numeric::text || '.0')::json
  ELSE c.score::text::json END"""

# Parameters whose answer depends only on articles, citations and reviews, all three of which add a change.
CACHED_PARAMETERS = frozenset(
    {"page", "page_size", "relation", "resolved", "year", "year_min", "year_max", "journal", "publication_type",
     "retracted", "format"}
)  # fmt: skip

# Titles as the sanitiser (articles.ncbi.markup) writes them: text, its five tags bare, and the entities it writes.
# For these, dropping the tags and then decoding the entities is exactly what `plain_text` does.
SIMPLE_TITLE = "^([^<&]|</?(i|b|u|sup|sub)>|&(amp|lt|gt|quot|nbsp);)*$"

# The citation's fields and its article's, in CitationSerializer's order ("snippet" comes with `q` only). {page} is
# the page's citation ids, in order: an array parameter or a query; {count} counts the whole list, or is NULL.
PAGE_SQL = """
SELECT coalesce(json_agg(json_build_object(
  'id', c.id, 'relation', c.relation, 'position', c.position, 'citation_text', c.citation_text,
  'cited_pmid', c.cited_pmid, 'cited_doi', c.cited_doi, 'score', ({score}),
  'article', CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object(
    'pmid', a.pmid, 'doi', a.doi, 'pmcid', a.pmcid,
    'title', t.title,
    'title_html', a.title,
    'journal', coalesce(nullif(a.journal_title, ''), a.journal_iso), 'journal_iso', a.journal_iso,
    'year', a.pub_year,
    'pub_date', json_build_object('year', a.pub_year, 'month', a.pub_month, 'day', a.pub_day,
                                  'text', a.pub_date_text),
    'volume', a.volume, 'issue', a.issue, 'pages', a.pages,
    'authors', (SELECT coalesce(json_agg(CASE
                    WHEN coalesce(author ->> 'collective_name', '') <> '' THEN author ->> 'collective_name'
                    WHEN coalesce(author ->> 'last_name', '') = '' THEN coalesce(author ->> 'fore_name', '')
                    ELSE concat_ws(' ', author ->> 'last_name', nullif(author ->> 'initials', ''))
                  END ORDER BY n), '[]')
                  FROM jsonb_array_elements(CASE jsonb_typeof(a.authors) WHEN 'array' THEN a.authors
                                                 ELSE '[]'::jsonb END) WITH ORDINALITY AS listed(author, n)),
    'publication_types', a.publication_types, 'retracted', a.is_retracted,
    'synced_at', {synced_at}) END
) ORDER BY page.n), '[]')::text,
  coalesce(bool_or(a.id IS NOT NULL AND t.title IS NULL), false),
  {count},
  ({version})
FROM unnest({page}) WITH ORDINALITY AS page(id, n)
JOIN articles_citation AS c ON c.id = page.id
LEFT JOIN articles_article AS a ON a.id = c.article_id
LEFT JOIN LATERAL (SELECT CASE
    WHEN strpos(a.title, '<') = 0 AND strpos(a.title, '&') = 0 THEN a.title
    WHEN a.title ~ '{simple_title}' THEN
      replace(replace(replace(replace(replace(regexp_replace(a.title, '</?(i|b|u|sup|sub)>', '', 'g'),
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&nbsp;', chr(160)), '&amp;', '&')
  END AS title) AS t ON true
"""


def citations_as_api_json(page: list[int] | QuerySet[Citation]) -> RawJSON | list[dict]:
    """The citations of `page`, in its order, as CitationSerializer shows them (without `snippet`): a list of
    ids, or a sliced, ordered queryset of citations, which then runs inside the same statement. The JSON text as
    PostgreSQL made it, unless a title had to be finished in Python."""
    if not isinstance(page, QuerySet) and not page:
        return RawJSON("[]")
    return _built(page)[0]


def _built(page: list[int] | QuerySet[Citation], counted: QuerySet[Citation] | None = None):
    """The page's JSON, the number of citations in `counted` (None if not given) and the version of the data
    (VERSION_SQL), all read in one statement."""
    row = page_row(PAGE_SQL, page, counted, score=SCORE_SQL, version=VERSION_SQL, simple_title=SIMPLE_TITLE,
                   synced_at=timestamp_sql("a.synced_at"))  # fmt: skip
    if row is None:
        return RawJSON("[]"), 0, None
    text, titles_left, total, version = row
    return (RawJSON(text) if not titles_left else _titles_finished(json.loads(text))), total, version


def _titles_finished(citations: list[dict]) -> list[dict]:
    for citation in citations:
        article = citation["article"]
        if article is not None and article["title"] is None:
            article["title"] = plain_text(article["title_html"])
    return citations


def page_cache(*, pmid: int, params: QueryDict) -> PageCache | None:
    """Where the pages of a review's public citation list that a request asks for are cached; None when they are
    not (caching off, or a parameter such as `screening` whose answer depends on curation data or on who asks)."""
    if not set(params) <= CACHED_PARAMETERS:
        return None
    return built_json.page_cache(
        name=f"citation-page:{pmid}",
        statement=PAGE_SQL + SCORE_SQL + SIMPLE_TITLE + timestamp_sql(""),
        version_sql=VERSION_SQL,
        params=params,
        seconds=settings.CITATION_PAGE_CACHE_SECONDS,
    )


class CitationPages(BuiltPages):
    """A filtered list of citations as a paginator counts and slices it (cafex_portal.built_json.BuiltPages)."""

    def __init__(self, citations: Callable[[], QuerySet[Citation]], *, cache: PageCache | None = None) -> None:
        super().__init__(citations, _built, cache=cache)
