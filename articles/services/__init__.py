"""Writes to articles, reviews, citations and sync runs; one module per concern, every public name importable from
here."""

from .citations import citations_link, references_store
from .reviews import demo_review_load, editor_alert_acknowledge, pmid_validate, review_get_or_create
from .sync_runs import (
    review_add,
    review_sync_request,
    sync_run_execute,
    sync_run_finish,
    sync_run_start,
    sync_runs_close_stale,
    sync_runs_schedule,
)
from .upsert import article_upsert_many

__all__ = [
    "article_upsert_many",
    "citations_link",
    "demo_review_load",
    "editor_alert_acknowledge",
    "pmid_validate",
    "references_store",
    "review_add",
    "review_get_or_create",
    "review_sync_request",
    "sync_run_execute",
    "sync_run_finish",
    "sync_run_start",
    "sync_runs_close_stale",
    "sync_runs_schedule",
]
