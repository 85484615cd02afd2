"""Curation's scheduled work (Celery beat)."""

from celery import shared_task

from .services import annotation_list_changes_fold


@shared_task
def fold_annotation_list_changes() -> None:
    """Keep the annotation list's change log short; it grows by a row for each accepted change."""
    annotation_list_changes_fold()
