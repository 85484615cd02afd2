"""Curation models: vocabulary, screening, assignments and mechanism annotations with their history."""

from .annotations import AnnotationComment, AnnotationRevision, AnnotationTerm, MechanismAnnotation
from .changes import AnnotationListChange
from .double import ConflictResolution, CuratorScreening, ReviewCurationSettings
from .screening import Assignment, OutOfScopeReason, ScreeningDecision
from .vocabulary import (
    IDENTIFIER_SOURCES,
    SINGLE_VALUE_FACETS,
    Facet,
    Term,
    identifier_source,
    normalise_identifier,
    term_search_text,
)

__all__ = [
    "IDENTIFIER_SOURCES",
    "SINGLE_VALUE_FACETS",
    "AnnotationComment",
    "AnnotationListChange",
    "AnnotationRevision",
    "AnnotationTerm",
    "Assignment",
    "ConflictResolution",
    "CuratorScreening",
    "Facet",
    "MechanismAnnotation",
    "OutOfScopeReason",
    "ReviewCurationSettings",
    "ScreeningDecision",
    "Term",
    "identifier_source",
    "normalise_identifier",
    "term_search_text",
]
