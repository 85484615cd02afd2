"""Helpers for the annotation service tests: a seeded vocabulary term by label, the field errors of a failure."""

from curation.models import Term

from .factories import ensure_seed


def term(facet: str, label: str) -> Term:
    ensure_seed()
    return Term.objects.get(facet=facet, label=label)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.extra["errors"]
