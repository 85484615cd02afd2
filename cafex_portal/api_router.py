"""The one router every API viewset is registered on."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from articles.api import (
    ArticleViewSet,
    ReviewCitationExport,
    ReviewCitationList,
    ReviewImportView,
    ReviewViewSet,
    SyncRunViewSet,
)
from curation.api import (
    AnnotationViewSet,
    AssignmentViewSet,
    CitationScreeningView,
    ReviewAnnotationExport,
    ReviewDataRelease,
    VocabularyViewSet,
)

router = DefaultRouter()
router.register("reviews", ReviewViewSet, basename="review")
router.register("articles", ArticleViewSet, basename="article")
router.register("sync-runs", SyncRunViewSet, basename="sync-run")
router.register("annotations", AnnotationViewSet, basename="annotation")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("vocabulary", VocabularyViewSet, basename="vocabulary-term")

app_name = "api"
urlpatterns = [
    path("reviews/<int:pmid>/citations/", ReviewCitationList.as_view(), name="review-citations"),
    path("reviews/<int:pmid>/export/", ReviewCitationExport.as_view(), name="review-export"),
    path("reviews/<int:pmid>/annotations/export/", ReviewAnnotationExport.as_view(), name="review-annotations-export"),
    path("reviews/<int:pmid>/release/", ReviewDataRelease.as_view(), name="review-release"),
    path("reviews/<int:pmid>/imports/", ReviewImportView.as_view(), name="review-imports"),
    path("citations/<int:pk>/screening/", CitationScreeningView.as_view(), name="citation-screening"),
    *router.urls,
]
