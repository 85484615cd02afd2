"""A page of a review's citations as the API shows them, built as JSON by PostgreSQL.

`CitationSerializer` defines a citation in the API and in its schema. Turning a page of 100 rows into model
instances and serialising them costs several times what PostgreSQL needs to build the same objects
(docs/benchmarks.md), so the citation list asks PostgreSQL for the page's JSON in one statement and finishes
three values in Python with the very functions the serializer uses, so that they cannot differ: the plain-text
title (`plain_text`), the author names (`author_name`) and the timestamp's format (DRF's DateTimeField).
tests/articles/test_citation_json.py holds both outputs equal on records made to differ in every field.

Searches (`q`) keep the serializer, as they add a snippet; SQLite, the embedded default, keeps it too.
"""

import json
from datetime import datetime

from django.db import connection
from rest_framework import serializers

from .models.articles import plain_text
from .ncbi.records import author_name

# The citation's fields and its article's, in CitationSerializer's order ("snippet" comes with `q` only).
PAGE_SQL = """
SELECT coalesce(json_agg(json_build_object(
  'id', c.id, 'relation', c.relation, 'position', c.position, 'citation_text', c.citation_text,
  'cited_pmid', c.cited_pmid, 'cited_doi', c.cited_doi, 'score', c.score,
  'article', CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object(
    'pmid', a.pmid, 'doi', a.doi, 'pmcid', a.pmcid, 'title', NULL, 'title_html', a.title,
    'journal', coalesce(nullif(a.journal_title, ''), a.journal_iso), 'journal_iso', a.journal_iso,
    'year', a.pub_year,
    'pub_date', json_build_object('year', a.pub_year, 'month', a.pub_month, 'day', a.pub_day,
                                  'text', a.pub_date_text),
    'volume', a.volume, 'issue', a.issue, 'pages', a.pages,
    'authors', (SELECT coalesce(json_agg(json_build_array(author ->> 'last_name', author ->> 'fore_name',
                                                          author ->> 'initials', author ->> 'collective_name')
                                         ORDER BY n), '[]')
                  FROM jsonb_array_elements(CASE jsonb_typeof(a.authors) WHEN 'array' THEN a.authors
                                                 ELSE '[]'::jsonb END) WITH ORDINALITY AS listed(author, n)),
    'publication_types', a.publication_types, 'retracted', a.is_retracted, 'synced_at', a.synced_at) END
) ORDER BY page.n), '[]')::text
FROM unnest(%s::bigint[]) WITH ORDINALITY AS page(id, n)
JOIN articles_citation AS c ON c.id = page.id
LEFT JOIN articles_article AS a ON a.id = c.article_id
"""

_TIMESTAMP = serializers.DateTimeField()


def available() -> bool:
    return connection.vendor == "postgresql"


def citations_as_api_json(ids: list[int]) -> list[dict]:
    """The citations with these ids, in this order, as CitationSerializer shows them (without `snippet`)."""
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, [ids])
        citations = json.loads(cursor.fetchone()[0])
    for citation in citations:
        if citation["article"] is not None:
            _finish_article(citation["article"])
    return citations


def _finish_article(article: dict) -> None:
    article["title"] = plain_text(article["title_html"])
    article["authors"] = [
        author_name(last_name=last or "", fore_name=fore or "", initials=initials or "", collective_name=group or "")
        for last, fore, initials, group in article["authors"]
    ]
    if article["synced_at"] is not None:
        article["synced_at"] = _TIMESTAMP.to_representation(datetime.fromisoformat(article["synced_at"]))
