"""The one router every API viewset is registered on."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from articles.api import (
    ArticleViewSet,
    ReviewCitationExport,
    ReviewCitationList,
    ReviewImportView,
    SyncRunViewSet,
)
from curation.api import (
    AnnotationViewSet,
    AssignmentViewSet,
    CitationScreeningView,
    ReviewAnnotationExport,
    ReviewDataRelease,
    SearchCitationExport,
    VocabularyViewSet,
)
from curation.api.double import ReviewAgreementView, ReviewCurationSettingsView, ReviewCurationViewSet
from evidence.api import EvidenceExport, EvidenceViewSet, ReviewCitationsPerYear

router = DefaultRouter()
# Curation extends the review resource with its double-curation switches (PATCH).
router.register("reviews", ReviewCurationViewSet, basename="review")
router.register("articles", ArticleViewSet, basename="article")
router.register("sync-runs", SyncRunViewSet, basename="sync-run")
router.register("annotations", AnnotationViewSet, basename="annotation")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("vocabulary", VocabularyViewSet, basename="vocabulary-term")
router.register("evidence", EvidenceViewSet, basename="evidence")

app_name = "api"
urlpatterns = [
    path("reviews/<int:pmid>/citations/", ReviewCitationList.as_view(), name="review-citations"),
    path("reviews/<int:pmid>/export/", ReviewCitationExport.as_view(), name="review-export"),
    path("reviews/<int:pmid>/annotations/export/", ReviewAnnotationExport.as_view(), name="review-annotations-export"),
    path("reviews/<int:pmid>/release/", ReviewDataRelease.as_view(), name="review-release"),
    path("reviews/<int:pmid>/imports/", ReviewImportView.as_view(), name="review-imports"),
    path("reviews/<int:pmid>/citations-per-year/", ReviewCitationsPerYear.as_view(), name="review-citations-per-year"),
    path("search/export/", SearchCitationExport.as_view(), name="search-export"),
    path("evidence/export/", EvidenceExport.as_view(), name="evidence-export"),
    path("citations/<int:pk>/screening/", CitationScreeningView.as_view(), name="citation-screening"),
    path("reviews/<int:pmid>/agreement/", ReviewAgreementView.as_view(), name="review-agreement"),
    path(
        "reviews/<int:pmid>/curation-settings/", ReviewCurationSettingsView.as_view(), name="review-curation-settings"
    ),
    *router.urls,
]
