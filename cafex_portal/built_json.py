"""Pages of an API list built as JSON by PostgreSQL, in one statement with the list's count.

A serializer defines what a list shows and states it in the schema; turning a page of rows into model instances
and serialising them costs several times what PostgreSQL needs to build the same objects (docs/benchmarks.md).
The busiest lists (articles.citation_json, curation.annotation_json) therefore have PostgreSQL pick the page and
build its JSON, which goes into the answer unparsed (cafex_portal.renderers.RawJSON). Each of them states its
serializer's rules in SQL and has a test that holds the two outputs equal. This module holds what they share: the
statement's frame, the serializer's timestamp format, the paginator's view of such a list (BuiltPages) and the
cache of public pages.

A public page is cached under the version of the data it shows: database triggers add a row to a change log at
the commit of each transaction that changed that data, and the version (the log's total and newest id) is read by
the page's own statement, so it is the version of exactly the data the page was built from. A page is stored only
if that version is the one its key was made with, so a change committed meanwhile never leaves an old page under a
newer version; never from inside a transaction, whose changes are not yet everyone's; and under the statement's
own format, so that pages made by older code are never read.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache as store
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property

from .renderers import RawJSON


def available() -> bool:
    return connection.vendor == "postgresql"


def timestamp_sql(column: str) -> str:
    """A timestamp as DRF writes it (TIME_ZONE is UTC): ISO 8601 with `Z`, microseconds only when there are any;
    NULL stays NULL."""
    return (
        f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN extract(microseconds FROM {column})::integer %% 1000000 = 0 THEN ''"
        f" ELSE to_char({column} AT TIME ZONE 'UTC', '.US') END || 'Z'"
    )


def one_column(rows: QuerySet) -> QuerySet:
    """`rows` as a queryset whose ids a statement can take as one column: a DISTINCT one (facet and state filters
    make them) selects its ordering's columns too, so it is asked again over its ids, in the same order."""
    if not rows.query.distinct:
        return rows
    return rows.model.objects.filter(pk__in=rows.order_by().values("pk")).order_by(*rows.query.order_by)


class _Empty(Exception):
    """The page's filters can match nothing (an empty list of values): there is no statement to run."""


def _page_statement(page: list[int] | QuerySet, counted: QuerySet | None = None) -> tuple[str, str, list[Any]]:
    """The SQL of a page's ids (an array, in order: an ordered queryset, whole or sliced, or a list of ids), of the
    number of rows in `counted` (or NULL), and their parameters, count first. A statement unnests the ids WITH
    ORDINALITY. A sliced queryset must be one_column already (BuiltPages slices its rows so)."""
    count, params = "NULL", []
    if isinstance(page, QuerySet) and not page.query.is_sliced:
        page = one_column(page)
    try:
        if counted is not None:
            count_sql, count_params = counted.values("id").order_by().query.sql_with_params()
            count, params = f"(SELECT count(*) FROM ({count_sql}) AS counted)", list(count_params)
        if isinstance(page, QuerySet):
            ids_sql, ids_params = page.values("id").query.sql_with_params()
            return f"ARRAY({ids_sql})", count, params + list(ids_params)
    except EmptyResultSet:
        raise _Empty from None
    return "%s::bigint[]", count, [*params, list(page)]


def page_row(statement: str, page: list[int] | QuerySet, counted: QuerySet | None = None, **parts: str) -> tuple | None:
    """The one row of a page's statement: `statement` with its `{page}` (the page's ids, see _page_statement) and
    `{count}` (of `counted`, or NULL) filled in, and its other `parts`; None when the filters can match nothing."""
    try:
        ids, count, params = _page_statement(page, counted)
    except _Empty:
        return None
    with connection.cursor() as cursor:
        cursor.execute(statement.format(page=ids, count=count, **parts), params)
        return cursor.fetchone()


def log_version_sql(table: str) -> str:
    """The version a change log names (see the module's docstring): its rows' total and newest id."""
    return f"(SELECT coalesce(sum(n), 0) || '.' || coalesce(max(id), 0) FROM {table})"


def current_version(version_sql: str) -> str | None:
    """The version `version_sql` reads now, or None where change logs are not kept (SQLite)."""
    if not available():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {version_sql}")
        return cursor.fetchone()[0]


def change_log_fold(table: str) -> None:
    """Fold a change log's older rows into its newest, keeping their total and the newest id: the version stays
    the same (and so do the pages cached under it) while the log stays short. Rows other transactions are adding
    meanwhile are not yet visible here and stay as they are. PostgreSQL only."""
    if not available():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH newest AS (SELECT max(id) AS id FROM {table}),
                 folded AS (DELETE FROM {table} WHERE id < (SELECT id FROM newest) RETURNING n)
            UPDATE {table} SET n = n + (SELECT coalesce(sum(n), 0) FROM folded) WHERE id = (SELECT id FROM newest)
            """
        )


@dataclass(frozen=True)
class PageCache:
    """Where a list's pages are cached (a key made with `version`, the data's version when it was made) and for how
    many seconds."""

    key: str
    version: str
    seconds: int


def page_cache(*, name: str, statement: str, version_sql: str, params: QueryDict, seconds: int) -> PageCache | None:
    """The cache of the pages a request asks for: under the list's name, the statement's format, the version of the
    data now (read by `version_sql`) and the request's parameters; None when caching is off or no version is kept."""
    version = current_version(version_sql) if seconds else None
    if version is None:
        return None
    asked = urlencode(sorted((key, value) for key in params for value in params.getlist(key)))
    made_by = hashlib.sha256(statement.encode()).hexdigest()[:12]
    return PageCache(f"{name}:{made_by}:{version}:{hashlib.sha256(asked.encode()).hexdigest()}", version, seconds)


class BuiltPages:
    """A filtered list (made by `rows` when first needed) as the paginator counts and slices it
    (PageNumberPagination.paginate_built): the page the request asks for is counted and built in one statement
    (`first_page`) before the paginator asks, or taken from `cache`, where the filters are not even built (only a
    valid request's page is ever stored); any other slice is built on its own. `build(page, counted)` returns the
    page's JSON, the count of `counted` (None when not given) and the version of the data it read (None if none).
    """

    ordered = True  # the lists always have an order; the paginator checks

    def __init__(self, rows: Callable[[], QuerySet], build: Callable[..., tuple], *, cache: PageCache | None = None):
        self._rows = rows
        self._build = build
        self.cache = cache
        self._total: int | None = None
        self._built: tuple[slice, Any] | None = None

    @cached_property
    def rows(self) -> QuerySet:
        return one_column(self._rows())  # sliced into pages later

    def first_page(self, window: slice) -> None:
        key = f"{self.cache.key}:{window.start}:{window.stop}" if self.cache else None
        cached = store.get(key) if key else None
        if isinstance(cached, tuple) and len(cached) == 2:
            self._total, text = cached
            self._built = (window, RawJSON(text))
            return
        page, self._total, version = self._build(self.rows[window], counted=self.rows)
        self._built = (window, page)
        if key and version == self.cache.version and not connection.in_atomic_block:
            text = page if isinstance(page, RawJSON) else json.dumps(page, ensure_ascii=False)
            store.set(key, (self._total, str(text)), self.cache.seconds)

    def count(self) -> int:
        if self._total is None:
            self._total = self.rows.count()
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> Any:
        if self._built is not None:  # the same rows, unless the paginator cut the last page short at the count
            built, page = self._built
            if window.start == built.start and window.stop in (built.stop, min(built.stop, self.count())):
                return page
        return self._build(self.rows[window])[0]
