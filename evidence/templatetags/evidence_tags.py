"""How the evidence pages name a mechanism: its terms by facet, and the one-line chip."""

from django import template
from django.db.models import Model

from curation.models import Facet, MechanismAnnotation

register = template.Library()


@register.filter
def terms(annotation: MechanismAnnotation, facet: str) -> list:
    """The annotation's terms of one facet, from its prefetched `annotation_terms`."""
    return [link.term for link in annotation.annotation_terms.all() if link.term.facet == facet]


@register.filter
def labels(annotation: MechanismAnnotation, facet: str) -> str:
    return ", ".join(term.label for term in terms(annotation, facet))


@register.simple_tag
def chip(annotation: MechanismAnnotation) -> str:
    """cargo → target → direction effect · cancer type, as plain text (the template escapes it)."""
    cargo = labels(annotation, Facet.CARGO) or labels(annotation, Facet.CARGO_TYPE)
    effect = " ".join(part for part in (labels(annotation, Facet.DIRECTION), labels(annotation, Facet.EFFECT)) if part)
    steps = [part for part in (cargo, labels(annotation, Facet.TARGET), effect) if part]
    cancer = labels(annotation, Facet.CANCER_TYPE)
    return " → ".join(steps) + (f" · {cancer}" if cancer else "")


@register.simple_tag
def facet_rows(annotation: MechanismAnnotation) -> list[tuple[str, str, list[Model]]]:
    """(facet, its label, terms) for every facet the annotation holds a term of, in the vocabulary's order."""
    rows = [(facet, label, terms(annotation, facet)) for facet, label in Facet.choices]
    return [row for row in rows if row[2]]
