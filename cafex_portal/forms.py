"""Ids from requests, parsed in one place: a bad one is a 400 that names the field, never a 500.

`str.isdigit()` is not a parse: it accepts '²' and other digits `int()` refuses, and `int()` refuses strings of
more than 4,300 digits. Only 1 to 19 ASCII digits within a database id's range are an id.
"""

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import BadRequest, ValidationError

MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """The id `value` spells, or None."""
    text = str(value).strip() if value is not None else ""
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def ids_parse(values: Iterable[object], *, field: str) -> list[int]:
    """Every value as an id, in order; BadRequest (400) naming `field` if any is not one."""
    ids = [parse_id(value) for value in values]
    if None in ids:
        raise BadRequest(f"{field}: every value must be an id (a positive whole number).")
    return ids  # type: ignore[return-value]


def optional_id(value: object, *, field: str) -> int | None:
    """An id that may be absent (None or empty); BadRequest (400) naming `field` if present but not an id."""
    if value in (None, ""):
        return None
    number = parse_id(value)
    if number is None:
        raise BadRequest(f"{field}: must be an id (a positive whole number).")
    return number


class IdListField(forms.Field):
    """Several ids under one name (checkboxes), parsed by `parse_id`."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        ids = [parse_id(item) for item in value or []]
        if None in ids:
            raise ValidationError("Every value must be an id (a positive whole number).", code="invalid")
        return ids


class IdFormField(forms.IntegerField):
    """A database id or a PMID: a whole number from 1 to `max_value` (a big-integer id's range by default)."""

    def __init__(self, *, max_value: int = MAX_ID, **kwargs) -> None:
        super().__init__(min_value=1, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise ValidationError("Give an id: a positive whole number.", code="invalid")
        return super().to_python(value)
