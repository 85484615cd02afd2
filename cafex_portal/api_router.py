"""The one router every API viewset is registered on."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from articles.api import ArticleViewSet, ReviewCitationList, ReviewViewSet, SyncRunViewSet

router = DefaultRouter()
router.register("reviews", ReviewViewSet, basename="review")
router.register("articles", ArticleViewSet, basename="article")
router.register("sync-runs", SyncRunViewSet, basename="sync-run")

app_name = "api"
urlpatterns = [
    path("reviews/<int:pmid>/citations/", ReviewCitationList.as_view(), name="review-citations"),
    *router.urls,
    path("", include("curation.api_urls")),
]
