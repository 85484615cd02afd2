"""Curation pages, included at the site root."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    # The admin's login refuses accounts without staff status; curators log in here.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="curation/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="home"), name="logout"),
    path("reviews/<int:pmid>/curation/", views.queue, name="curation-queue"),
    path("reviews/<int:pmid>/curation/assign/", views.assign, name="curation-assign"),
    path("reviews/<int:pmid>/curation/<int:citation_id>/", views.workspace, name="curation-workspace"),
    path("reviews/<int:pmid>/curation/<int:citation_id>/screening/", views.screening, name="curation-screening"),
    path(
        "reviews/<int:pmid>/curation/<int:citation_id>/annotations/",
        views.annotation_create,
        name="curation-annotation-create",
    ),
    path("search/", views.search_page, name="search"),
    path("curation/my-queue/", views.my_queue, name="curation-my-queue"),
    path("curation/inbox/", views.inbox, name="curation-inbox"),
    path("curation/inbox/accept/", views.bulk_accept, name="curation-bulk-accept"),
    path("curation/terms/<str:facet>/", views.term_search, name="curation-term-search"),
    path("curation/annotations/<int:pk>/", views.annotation_update, name="curation-annotation-update"),
    path("curation/annotations/<int:pk>/history/", views.annotation_history, name="curation-annotation-history"),
    path(
        "curation/annotations/<int:pk>/revert/<int:revision_id>/",
        views.annotation_revert,
        name="curation-annotation-revert",
    ),
    path("curation/annotations/<int:pk>/<str:action>/", views.annotation_action, name="curation-annotation-action"),
]
