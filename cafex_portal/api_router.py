"""The one router every API viewset is registered on."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from articles.api import ArticleViewSet, ReviewCitationList, ReviewViewSet

router = DefaultRouter()
router.register("reviews", ReviewViewSet, basename="review")
router.register("articles", ArticleViewSet, basename="article")

app_name = "api"
urlpatterns = [
    path("reviews/<int:pmid>/citations/", ReviewCitationList.as_view(), name="review-citations"),
    *router.urls,
    path("", include("curation.api_urls")),
]
