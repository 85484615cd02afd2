"""Keeping the change log of what visitors see of the annotations short."""

from cafex_portal.built_json import change_log_fold

from ..models import AnnotationListChange


def annotation_list_changes_fold() -> None:
    """Fold the change log of what visitors see of the annotations (AnnotationListChange; cafex_portal.built_json)."""
    change_log_fold(AnnotationListChange._meta.db_table)
