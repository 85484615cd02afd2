"""Helpers for tests of database constraints."""

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import UniqueConstraint

_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>.+)")
_SQLITE_UNIQUE_INDEX = re.compile(r"UNIQUE constraint failed: index '(?P<name>[^']+)'")
_SQLITE_UNIQUE_COLUMNS = re.compile(r"UNIQUE constraint failed: (?P<columns>[^']+)")


@dataclass(frozen=True)
class _Constraint:
    table: str
    columns: frozenset[str]  # empty for a CHECK constraint or a unique index on expressions


def violates_constraint(name: str, make: Callable[[], object]) -> bool:
    """Whether the database refuses what `make` writes, and the constraint that refuses it is `name`.

    The refusal is rolled back and the test goes on. A write that goes through gives False; a write refused by
    any other constraint (or a NOT NULL or foreign key) fails the test, since it would pass for the wrong reason.
    `name` is a constraint from a model's Meta.constraints, or "<table>_<column>_key" for a field declared
    `unique=True` (the name PostgreSQL gives it).
    """
    constraint = _constraints().get(name)
    if constraint is None:
        raise LookupError(f"No model declares a constraint named {name!r}.")
    try:
        with transaction.atomic():
            make()
    except IntegrityError as exc:
        if _fired(exc, name, constraint):
            return True
        raise AssertionError(f"Expected constraint {name!r} to refuse the write; the database said: {exc}") from exc
    return False


def _fired(exc: IntegrityError, name: str, constraint: _Constraint) -> bool:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # PostgreSQL through psycopg: the server names the constraint (or unique index)
        return diag.constraint_name == name
    message = str(cause or exc)
    if not isinstance(cause, sqlite3.Error):
        return name in message
    # SQLite names CHECK constraints and unique indexes on expressions, and lists the columns of the others.
    if match := _SQLITE_CHECK.fullmatch(message):
        return match["name"] == name
    if match := _SQLITE_UNIQUE_INDEX.fullmatch(message):
        return match["name"] == name
    if match := _SQLITE_UNIQUE_COLUMNS.fullmatch(message):
        qualified = [column.strip().rpartition(".") for column in match["columns"].split(",")]
        tables = {table for table, _, _ in qualified}
        columns = frozenset(column for _, _, column in qualified)
        return bool(constraint.columns) and tables == {constraint.table} and columns == constraint.columns
    return False


@cache
def _constraints() -> dict[str, _Constraint]:
    """Every constraint the models declare, by name: Meta.constraints and the UNIQUE of unique fields."""
    found: dict[str, _Constraint] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        for constraint in meta.constraints:
            fields = constraint.fields if isinstance(constraint, UniqueConstraint) else ()
            columns = frozenset(meta.get_field(field).column for field in fields)
            found[constraint.name] = _Constraint(meta.db_table, columns)
        for field in meta.local_concrete_fields:
            if field.unique and not field.primary_key:
                found[f"{meta.db_table}_{field.column}_key"] = _Constraint(meta.db_table, frozenset({field.column}))
    return found
