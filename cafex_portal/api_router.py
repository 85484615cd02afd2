"""The one router every API viewset is registered on."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from articles.api import ArticleViewSet, ReviewCitationList, ReviewViewSet, SyncRunViewSet
from curation.api import AnnotationViewSet, AssignmentViewSet, CitationScreeningView, VocabularyViewSet

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
    path("citations/<int:pk>/screening/", CitationScreeningView.as_view(), name="citation-screening"),
    *router.urls,
]
