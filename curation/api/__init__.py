"""Curation API: reads through selectors, writes through services, one small input serializer per write."""

from .annotations import AnnotationViewSet
from .assignments import AssignmentViewSet
from .exports import ReviewAnnotationExport, ReviewDataRelease, SearchCitationExport
from .screening import CitationScreeningView
from .vocabulary import VocabularyViewSet

__all__ = [
    "AnnotationViewSet",
    "AssignmentViewSet",
    "CitationScreeningView",
    "ReviewAnnotationExport",
    "ReviewDataRelease",
    "SearchCitationExport",
    "VocabularyViewSet",
]
