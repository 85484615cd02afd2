"""The API's JSON parser: DRF's, refusing up front what would otherwise fail deep inside a view as a 500.

Two kinds of valid JSON cannot be served:

- nesting past the interpreter's recursion limit makes the decoder raise RecursionError, and nesting far below it
  still costs every recursive consumer after it (serializers, error flattening, rendering);
- NUL characters (``\\u0000``), which PostgreSQL refuses in text, so a lookup or write raises DataError.

Both become a ParseError here, which the exception handler turns into the usual ``{"detail": …}`` 400.
"""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 64  # far above any body the API takes, far below the recursion limit

TOO_DEEP = f"JSON parse error - arrays and objects nested deeper than {MAX_DEPTH} levels."
HAS_NUL = "JSON parse error - text may not contain NUL characters (\\u0000)."


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        refuse_unservable(data)
        return data


def refuse_unservable(data: Any) -> None:
    """Raise ParseError if parsed JSON nests deeper than MAX_DEPTH or holds a NUL in a key or string.

    Walks with its own stack, so the check itself cannot recurse too deep.
    """
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(HAS_NUL)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(TOO_DEEP)
            if isinstance(value, dict):
                if any("\x00" in key for key in value):
                    raise ParseError(HAS_NUL)
                value = value.values()
            pending.extend((item, depth + 1) for item in value)
