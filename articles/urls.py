from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/<int:pmid>/", views.review_detail, name="review-detail"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
]
