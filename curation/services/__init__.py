"""Every write to curation data. Keyword-only, typed, one transaction each; errors are ApplicationError
(400, with `extra={"errors": {field: [message]}}` where a field is at fault), NotAllowedError (403) or
ConflictError (409, `extra={"current": …, "yours": …}`)."""

from .annotations import annotation_claim, annotation_create, annotation_delete, annotation_update, comment_add
from .assignments import assignment_create, assignment_delete
from .changes import annotation_list_changes_fold
from .history import annotation_snapshot
from .screening import screening_set
from .vocabulary import term_create, term_merge, term_reactivate, term_retire, term_update
from .workflow import annotation_accept, annotation_bulk_accept, annotation_reject, annotation_revert, annotation_submit

__all__ = [
    "annotation_accept",
    "annotation_bulk_accept",
    "annotation_claim",
    "annotation_create",
    "annotation_delete",
    "annotation_list_changes_fold",
    "annotation_reject",
    "annotation_revert",
    "annotation_snapshot",
    "annotation_submit",
    "annotation_update",
    "assignment_create",
    "assignment_delete",
    "comment_add",
    "screening_set",
    "term_create",
    "term_merge",
    "term_reactivate",
    "term_retire",
    "term_update",
]
