"""Factories for curation data, built on the article factories; the people come from tests.factories."""

import factory

from curation.models import (
    AnnotationTerm,
    Assignment,
    Facet,
    MechanismAnnotation,
    ScreeningDecision,
    Term,
    term_search_text,
)
from curation.vocabulary_seed import seed_vocabulary
from tests.articles.factories import ArticleFactory, CitationFactory, ReviewFactory
from tests.factories import PASSWORD, UserFactory, curator, editor, superuser

__all__ = [
    "ArticleFactory",
    "AssignmentFactory",
    "CitationFactory",
    "MechanismAnnotationFactory",
    "PASSWORD",
    "ReviewFactory",
    "ScreeningDecisionFactory",
    "TermFactory",
    "UserFactory",
    "complete_values",
    "curator",
    "editor",
    "ensure_seed",
    "superuser",
    "term",
]


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    facet = Facet.CARGO
    label = factory.Sequence(lambda n: f"test term {n}")
    synonyms = factory.LazyFunction(list)
    search_text = factory.LazyAttribute(lambda term: term_search_text(term.label, term.synonyms))


class ScreeningDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScreeningDecision

    citation = factory.SubFactory(CitationFactory)
    decision = ScreeningDecision.Decision.IN_SCOPE


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    citation = factory.SubFactory(CitationFactory)
    curator = factory.LazyFunction(curator)


class MechanismAnnotationFactory(factory.django.DjangoModelFactory):
    """A draft by a fresh curator; pass `terms=[…]` to attach vocabulary terms."""

    class Meta:
        model = MechanismAnnotation
        skip_postgeneration_save = True

    citation = factory.SubFactory(CitationFactory)
    author = factory.LazyFunction(curator)
    state = MechanismAnnotation.State.DRAFT

    @factory.post_generation
    def terms(self, create, extracted, **kwargs):
        for term in extracted or ():
            AnnotationTerm.objects.create(annotation=self, term=term)


def ensure_seed() -> None:
    """The starting vocabulary, back if a transactional test emptied the tables."""
    seed_vocabulary(Term)


def term(facet: str, label: str) -> Term:
    """A term of the starting vocabulary, by facet and exact label."""
    try:
        return Term.objects.get(facet=facet, label=label)
    except Term.DoesNotExist:
        ensure_seed()
        return Term.objects.get(facet=facet, label=label)


def complete_values(**overrides) -> dict[str, list[int]]:
    """Term ids for a mechanism that can be submitted: the worked example of docs/curation.md (miR-522, gastric cancer)."""
    ensure_seed()

    def ids(facet: str, *labels: str) -> list[int]:
        return [term(facet, label).pk for label in labels]

    values = {
        "cargo_type": ids("cargo_type", "miRNA"),
        "cargo": ids("cargo", "miR-522"),
        "donor": ids("donor", "CAF (unspecified)"),
        "recipient_cell": ids("recipient_cell", "cancer cell"),
        "cancer_type": ids("cancer_type", "gastric cancer"),
        "target": ids("target", "ALOX15"),
        "effect": ids("effect", "ferroptosis/apoptosis resistance", "chemoresistance"),
        "direction": ids("direction", "promotes"),
        "drug": ids("drug", "cisplatin", "paclitaxel"),
        "evidence": ids("evidence", "in vitro", "in vivo (mouse)", "patient samples"),
        "role": ids("role", "mechanism"),
    }
    values.update(overrides)
    return values
