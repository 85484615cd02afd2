from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/add/", views.review_add_page, name="review-add"),
    path("reviews/<int:pmid>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pmid>/sync/", views.review_sync_now, name="review-sync"),
    path("reviews/<int:pmid>/import/", views.review_import_page, name="review-import"),
    path("reviews/<int:pmid>/alerts/acknowledge/", views.alert_acknowledge, name="review-alerts-acknowledge"),
    path("sync-runs/<int:pk>/status/", views.sync_run_status, name="sync-run-status"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
]
