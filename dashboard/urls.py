from django.urls import path

from . import feeds, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/alerts/<int:pk>/dismiss/", views.alert_dismiss, name="dashboard-alert-dismiss"),
    path("dashboard/reviews/", views.review_list, name="dashboard-reviews"),
    path("dashboard/reviews/<int:pmid>/citing-seen/", views.citing_papers_seen, name="dashboard-citing-seen"),
    path("dashboard/reviews/<int:pmid>/archive/", views.review_archive, name="dashboard-review-archive"),
    path("dashboard/reviews/<int:pmid>/restore/", views.review_restore, name="dashboard-review-restore"),
    path("dashboard/reviews/<int:pmid>/delete/", views.review_delete, name="dashboard-review-delete"),
    path("dashboard/feed/<str:token>/", feeds.ActivityFeed(), name="dashboard-feed"),
]
