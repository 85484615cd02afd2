"""Helpers for tests of database constraints."""

from collections.abc import Callable

from django.db import IntegrityError, transaction


def violates_constraint(make: Callable[[], object]) -> bool:
    """Whether the database refuses what `make` writes (the refusal is rolled back, the test goes on)."""
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False
