"""The articles pages, one module per concern."""

from .imports import review_import_page
from .pages import article_detail, home, review_detail
from .sync import alert_acknowledge, review_add_page, review_sync_now, sync_run_status

__all__ = [
    "alert_acknowledge",
    "article_detail",
    "home",
    "review_add_page",
    "review_detail",
    "review_import_page",
    "review_sync_now",
    "sync_run_status",
]
