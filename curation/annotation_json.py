"""Pages of mechanism annotations as the API shows them, built as JSON by PostgreSQL (cafex_portal.built_json).

`AnnotationSerializer` defines an annotation in the API and in its schema; a page of 50 annotations is about a
thousand model instances (the citation, articles, people, and each term with its link), and building and
serialising them cost the annotation list several times its SQL. The statement here states the serializer's
fields: the citation as AnnotationCitationSerializer shows it, `values` with every facet in Facet's order and
each facet's terms in the order they were added, people by username, and the review comment only for those who
may read it. Which annotations, and in what order, stays the selectors' and the FilterSet's: the page's ids come
from that queryset inside the same statement. tests/curation/test_annotation_json.py holds the output equal to the
serializer's.
"""

import functools
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import QueryDict

from articles.models import Article, Citation, CitationListChange, Review
from cafex_portal import built_json, roles
from cafex_portal.built_json import (
    BuiltPages,
    PageCache,
    log_version_sql,
    page_row,
    timestamp_sql,
)
from cafex_portal.renderers import RawJSON

from .models import AnnotationComment, AnnotationListChange, AnnotationTerm, Facet, MechanismAnnotation, Term
from .selectors import annotation_rows

TEXT_FIELDS = (
    "quote", "figure", "confidence", "notes", "cell_lines", "animal_model", "species", "patient_samples",
    "clinical_cohort", "evidence_level",
)  # fmt: skip


# The version of what visitors see of the annotations: the curation data's change log and the articles' one
# (cafex_portal.built_json).
VERSION_SQL = f"({log_version_sql(AnnotationListChange._meta.db_table)} || '-' || {log_version_sql(CitationListChange._meta.db_table)})"

# Parameters whose answer depends only on the data the version covers: the list's filters and its pages.
CACHED_PARAMETERS = frozenset({"page", "page_size", "format"})


def _page_sql() -> str:
    user = get_user_model()
    username = user._meta.get_field("username").column  # as the serializer shows people
    values = ", ".join(f"'{facet}', coalesce(terms.{facet}, '[]'::json)" for facet in Facet.values)
    by_facet = ",\n    ".join(
        f"json_agg(term_json ORDER BY link.id) FILTER (WHERE term.facet = '{facet}') AS {facet}"
        for facet in Facet.values
    )
    texts = ", ".join(f"'{name}', m.{MechanismAnnotation._meta.get_field(name).column}" for name in TEXT_FIELDS)
    times = ", ".join(
        f"'{name}', {timestamp_sql('m.' + name)}"
        for name in ("reviewed_at", "submitted_at", "created_at", "updated_at")
    )
    return f"""
SELECT coalesce(json_agg(json_build_object(
  'id', m.id,
  'citation', json_build_object('id', c.id, 'review', review_article.pmid, 'relation', c.relation,
                                'position', c.position, 'pmid', cited.pmid),
  'review', review_article.pmid, 'pmid', cited.pmid, 'state', m.state, 'version', m.version,
  'author', author.{username},
  'values', json_build_object({values}),
  {texts},
  'review_comment', CASE WHEN {{internal_notes}} THEN m.review_comment ELSE '' END,
  'reviewed_by', reviewer.{username},
  {times},
  'comment_count', (SELECT count(*) FROM {AnnotationComment._meta.db_table} AS comment
                    WHERE comment.annotation_id = m.id)
) ORDER BY page.n), '[]')::text,
  {{count}},
  {VERSION_SQL}
FROM unnest({{page}}) WITH ORDINALITY AS page(id, n)
JOIN {MechanismAnnotation._meta.db_table} AS m ON m.id = page.id
JOIN {Citation._meta.db_table} AS c ON c.id = m.citation_id
JOIN {Review._meta.db_table} AS r ON r.id = c.review_id
JOIN {Article._meta.db_table} AS review_article ON review_article.id = r.article_id
LEFT JOIN {Article._meta.db_table} AS cited ON cited.id = c.article_id
JOIN {user._meta.db_table} AS author ON author.id = m.author_id
LEFT JOIN {user._meta.db_table} AS reviewer ON reviewer.id = m.reviewed_by_id
LEFT JOIN LATERAL (
  SELECT {by_facet}
  FROM {AnnotationTerm._meta.db_table} AS link JOIN {Term._meta.db_table} AS term ON term.id = link.term_id,
  LATERAL json_build_object('id', term.id, 'label', term.label, 'identifier', term.identifier,
                            'status', term.status) AS term_json
  WHERE link.annotation_id = m.id
) AS terms ON true
"""


PAGE_SQL = _page_sql()


def annotations_as_api_json(
    page: list[int] | QuerySet[MechanismAnnotation], *, internal_notes: bool, counted: QuerySet | None = None
) -> tuple[RawJSON, int | None, str | None]:
    """The annotations of `page`, in its order, as AnnotationSerializer shows them (with the review comment only if
    `internal_notes`), the number of rows in `counted` (None if not given) and the version of the data
    (VERSION_SQL): one statement. `page` is a list of ids or a sliced, ordered queryset, which then runs inside
    the statement."""
    row = page_row(PAGE_SQL, page, counted, internal_notes="true" if internal_notes else "false")
    if row is None:
        return RawJSON("[]"), 0, None
    text, total, version = row
    return RawJSON(text), total, version


def page_cache(*, user: Any, params: QueryDict, filters: Iterable[str]) -> PageCache | None:
    """Where the pages of the annotation list that a request asks for are cached: only visitors' (everyone else
    sees their own work too), only for the list's `filters` and paging; None otherwise or when caching is off."""
    if roles.is_authenticated(user) or not set(params) <= CACHED_PARAMETERS | set(filters):
        return None
    return built_json.page_cache(
        name="annotation-page",
        statement=PAGE_SQL + _visitors_rows_sql(),
        version_sql=VERSION_SQL,
        params=params,
        seconds=settings.ANNOTATION_PAGE_CACHE_SECONDS,
    )


@functools.cache
def _visitors_rows_sql() -> str:
    """Which annotations visitors see, as SQL: part of what made a cached page, so that a portal upgraded to another
    rule never reads pages the old one made."""
    return str(annotation_rows(user=AnonymousUser()).query)


class AnnotationPages(BuiltPages):
    """A filtered list of annotations as a paginator counts and slices it (cafex_portal.built_json.BuiltPages)."""

    def __init__(self, annotations, *, internal_notes: bool, cache: PageCache | None = None) -> None:
        def build(page, counted=None):
            return annotations_as_api_json(page, internal_notes=internal_notes, counted=counted)

        super().__init__(annotations, build, cache=cache)
