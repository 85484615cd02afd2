"""Curation pages, included at the site root."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .views import agreement as agreement_views
from .views import conflicts as conflict_views
from .views.my_work import my_work
from .views.proposals import term_proposal_action, term_propose_view
from .views.queue import queue_next_undecided, queue_screen

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
    path("reviews/<int:pmid>/curation/screen/", queue_screen, name="curation-queue-screen"),
    path(
        "reviews/<int:pmid>/curation/next-undecided/",
        queue_next_undecided,
        name="curation-queue-next-undecided",
    ),
    path("reviews/<int:pmid>/curation/<int:citation_id>/", views.workspace, name="curation-workspace"),
    path("reviews/<int:pmid>/curation/<int:citation_id>/screening/", views.screening, name="curation-screening"),
    path(
        "reviews/<int:pmid>/curation/<int:citation_id>/annotations/",
        views.annotation_create,
        name="curation-annotation-create",
    ),
    path("reviews/<int:pmid>/curation/conflicts/", conflict_views.conflicts, name="curation-conflicts"),
    path(
        "reviews/<int:pmid>/curation/conflicts/screening/",
        conflict_views.screening_resolve,
        name="curation-resolve-screening",
    ),
    path(
        "reviews/<int:pmid>/curation/conflicts/annotations/",
        conflict_views.annotation_resolve,
        name="curation-resolve-annotations",
    ),
    path("reviews/<int:pmid>/curation/settings/", conflict_views.curation_settings, name="curation-settings"),
    path("reviews/<int:pmid>/curation/agreement/", agreement_views.agreement, name="curation-agreement"),
    path("curation/conflicts/", conflict_views.conflict_reviews, name="curation-conflict-reviews"),
    path("search/", views.search_page, name="search"),
    path("curation/my-queue/", views.my_queue, name="curation-my-queue"),
    path("curation/my-work/", my_work, name="curation-my-work"),
    path("curation/inbox/", views.inbox, name="curation-inbox"),
    path("curation/inbox/accept/", views.bulk_accept, name="curation-bulk-accept"),
    path("curation/terms/<str:facet>/", views.term_search, name="curation-term-search"),
    path("curation/proposals/", term_propose_view, name="curation-term-propose"),
    path(
        "curation/proposals/<int:pk>/<str:action>/",
        term_proposal_action,
        name="curation-term-proposal-action",
    ),
    path("curation/annotations/<int:pk>/", views.annotation_update, name="curation-annotation-update"),
    path("curation/annotations/<int:pk>/history/", views.annotation_history, name="curation-annotation-history"),
    path(
        "curation/annotations/<int:pk>/revert/<int:revision_id>/",
        views.annotation_revert,
        name="curation-annotation-revert",
    ),
    path("curation/annotations/<int:pk>/<str:action>/", views.annotation_action, name="curation-annotation-action"),
]
