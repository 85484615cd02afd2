"""Curation API routes, included under /api/v1/ by cafex_portal.api_router."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import AnnotationViewSet, AssignmentViewSet, CitationScreeningView, VocabularyViewSet

# SimpleRouter: the API root view belongs to the project router.
router = SimpleRouter()
router.register("annotations", AnnotationViewSet, basename="annotation")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("vocabulary", VocabularyViewSet, basename="vocabulary-term")

urlpatterns = [
    path("citations/<int:pk>/screening/", CitationScreeningView.as_view(), name="citation-screening"),
    *router.urls,
]
