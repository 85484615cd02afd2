"""Pages of an API list built as JSON by PostgreSQL, in one statement with the list's count.

A serializer defines what a list shows and states it in the schema; turning a page of rows into model instances
and serialising them costs several times what PostgreSQL needs to build the same objects (docs/benchmarks.md).
The busiest lists (articles.citation_json, curation.annotation_json) therefore have PostgreSQL pick the page and
build its JSON, which goes into the answer unparsed (cafex_portal.renderers.RawJSON). Each of them states its
serializer's rules in SQL and has a test that holds the two outputs equal. This module holds what they share: the
statement's frame, the serializer's timestamp format, and the paginator's view of such a list (BuiltPages).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property


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


class Empty(Exception):
    """The page's filters can match nothing (an empty list of values): there is no statement to run."""


def page_statement(page: list[int] | QuerySet, counted: QuerySet | None = None) -> tuple[str, str, list[Any]]:
    """The SQL of a page's ids (an array, in order: the sliced, ordered `page`, or a list of ids), of the number of
    rows in `counted` (or NULL), and their parameters, count first. A statement unnests the ids WITH ORDINALITY."""
    count, params = "NULL", []
    try:
        if counted is not None:
            count_sql, count_params = counted.values("id").order_by().query.sql_with_params()
            count, params = f"(SELECT count(*) FROM ({count_sql}) AS counted)", list(count_params)
        if isinstance(page, QuerySet):
            ids_sql, ids_params = page.values("id").query.sql_with_params()
            return f"ARRAY({ids_sql})", count, params + list(ids_params)
    except EmptyResultSet:
        raise Empty from None
    return "%s::bigint[]", count, [*params, list(page)]


class BuiltPages:
    """A filtered list (made by `rows` when first needed) as the paginator counts and slices it
    (PageNumberPagination.paginate_built): the page the request asks for is counted and built in one statement
    (`first_page`) before the paginator asks; any other slice is built on its own. `build(page, counted)` returns
    the page's JSON and the count of `counted` (None when not given), and may return more after them."""

    ordered = True  # the lists always have an order; the paginator checks

    def __init__(self, rows: Callable[[], QuerySet], build: Callable[..., tuple[Any, int | None]]) -> None:
        self._rows = rows
        self._build = build
        self._total: int | None = None
        self._built: tuple[slice, Any] | None = None

    @cached_property
    def rows(self) -> QuerySet:
        rows = self._rows()
        if rows.query.distinct:  # DISTINCT selects the ordering's columns too; the statement takes one column
            rows = rows.model.objects.filter(pk__in=rows.order_by().values("pk")).order_by(*rows.query.order_by)
        return rows

    def first_page(self, window: slice) -> None:
        page, self._total = self._build(self.rows[window], counted=self.rows)[:2]
        self._built = (window, page)

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
