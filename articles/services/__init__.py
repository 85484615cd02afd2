"""Writes to articles, reviews, citations and sync runs; one module per concern, every public name importable from
here."""

from .citations import citation_list_changes_fold, citations_link, references_store
from .imports import ImportReport, citations_import, import_entries_read
from .reviews import (
    demo_review_load,
    editor_alert_acknowledge,
    pmid_validate,
    review_archive,
    review_delete,
    review_get_or_create,
    review_restore,
)
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
    "ImportReport",
    "article_upsert_many",
    "citation_list_changes_fold",
    "citations_import",
    "citations_link",
    "demo_review_load",
    "editor_alert_acknowledge",
    "import_entries_read",
    "pmid_validate",
    "references_store",
    "review_add",
    "review_archive",
    "review_delete",
    "review_get_or_create",
    "review_restore",
    "review_sync_request",
    "sync_run_execute",
    "sync_run_finish",
    "sync_run_start",
    "sync_runs_close_stale",
    "sync_runs_schedule",
]
