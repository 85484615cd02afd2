"""How every API list is paged: numbered pages by default, a cursor for clients that walk a whole list.

Numbered pages (`page`, `page_size`) come with a `count`, which costs a COUNT(*), and an offset that grows with
the page number; rows added meanwhile shift later pages. A client that reads a list to its end asks for a cursor
instead (`pagination=cursor`, then follows `next`, which carries `cursor`): the list comes in id order, each page
starts after the last id of the one before (an index range, however deep), nothing is counted, and no row is seen
twice. With `q` the rows are then in id order rather than by relevance.

`page_size` is a whole number from 1; above MAX_PAGE_SIZE it is cut to MAX_PAGE_SIZE, and anything else is a 400.
"""

import re

from django.core.paginator import InvalidPage
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

MAX_PAGE_SIZE = 500
_SIZE = re.compile(r"[0-9]{1,12}")
_POSITION = re.compile(r"[0-9]{1,19}")
PAGINATION_STYLES = ("page", "cursor")


def page_size(request, default: int) -> int:
    """The page size the request asks for, at most MAX_PAGE_SIZE; the default when it asks for none."""
    raw = request.query_params.get("page_size", "").strip()
    if not raw:
        return default
    if not _SIZE.fullmatch(raw) or int(raw) < 1:
        raise ValidationError({"page_size": [f"A whole number from 1 to {MAX_PAGE_SIZE}."]})
    return min(int(raw), MAX_PAGE_SIZE)


def wants_cursor(request) -> bool:
    style = request.query_params.get("pagination", "").strip()
    if style and style not in PAGINATION_STYLES:
        raise ValidationError({"pagination": [f"One of: {', '.join(PAGINATION_STYLES)}."]})
    return style == "cursor" or "cursor" in request.query_params


class CursorPagination(pagination.CursorPagination):
    """Pages in id order, each after the last id of the one before: stable, and no COUNT(*)."""

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return page_size(request, self.page_size)

    def decode_cursor(self, request):
        """A cursor this API did not give (or an edited one) is a 400, not a 404 or a 500."""
        message = {"cursor": ["Not a cursor from this API: follow the `next` or `previous` link."]}
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError(message) from None
        if cursor is not None and cursor.position is not None and not _POSITION.fullmatch(cursor.position):
            raise ValidationError(message)
        return cursor


class PageNumberPagination(pagination.PageNumberPagination):
    """Numbered pages, or the cursor when the request asks for it (see the module's docstring)."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_class = CursorPagination

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_pager = self.cursor_class() if wants_cursor(request) else None
        if self.cursor_pager is None:
            return super().paginate_queryset(queryset, request, view)
        page = self.cursor_pager.paginate_queryset(queryset, request, view)
        self.display_page_controls = self.cursor_pager.display_page_controls
        return page

    def get_page_size(self, request) -> int:
        return page_size(request, self.page_size)

    def paginate_built(self, source, request):
        """paginate_queryset for a source whose slice is a whole page already built (articles.citation_json), which
        DRF's own would take apart as a list of rows; numbered pages only. The source is told the page asked for
        first (`first_page`), so that it can count the list and build that page together."""
        self.cursor_pager = None
        self.request = request
        size = self.get_page_size(request)
        paginator = self.django_paginator_class(source, size)
        number = self.get_page_number(request, paginator)
        if _SIZE.fullmatch(str(number)) and int(number) >= 1:  # counted and built in one statement
            source.first_page(slice((int(number) - 1) * size, int(number) * size))
        else:  # filters are checked (a bad one is a 400) before the page number, as in a queryset's list
            source.count()
        try:
            self.page = paginator.page(number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=number, message=str(exc))) from None
        self.display_page_controls = paginator.num_pages > 1 and self.template is not None  # the browsable API
        return self.page.object_list

    def get_paginated_response(self, data):
        if self.cursor_pager is not None:
            return self.cursor_pager.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_html_context(self):
        if getattr(self, "cursor_pager", None) is not None:
            return self.cursor_pager.get_html_context()
        return super().get_html_context()

    def get_paginated_response_schema(self, schema: dict) -> dict:
        described = super().get_paginated_response_schema(schema)
        described["required"] = ["results"]
        described["properties"]["count"]["description"] = "How many there are in all; numbered pages only."
        described["properties"]["next"]["description"] = "The next page, or null on the last."
        described["properties"]["previous"]["description"] = "The previous page, or null on the first."
        return described

    def get_schema_operation_parameters(self, view) -> list[dict]:
        def parameter(name: str, description: str, schema: dict) -> dict:
            return {"name": name, "required": False, "in": "query", "description": description, "schema": schema}

        return [
            parameter("page", "A page number (numbered pages).", {"type": "integer", "minimum": 1}),
            parameter(
                "page_size",
                f"Results per page, 1 to {MAX_PAGE_SIZE} (larger values are cut to {MAX_PAGE_SIZE}).",
                {"type": "integer", "minimum": 1},
            ),
            parameter(
                "pagination",
                "`cursor` walks the list in id order without counting it (for reading a whole list): follow "
                "`next`. The answer then has no `count`, and `q` filters without ordering by relevance.",
                {"type": "string", "enum": list(PAGINATION_STYLES)},
            ),
            parameter(
                "cursor", "Where a cursor page starts: taken from a `next` or `previous` link.", {"type": "string"}
            ),
        ]
