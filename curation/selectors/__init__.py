"""Reads of curation data, shaped for pages and the API without N+1 queries."""

from .annotations import (
    annotation_comments,
    annotation_get,
    annotation_history,
    annotation_list,
    annotation_list_awaiting_review,
    annotation_prefetch,
    annotation_visible_to,
)
from .queue import NOT_ANNOTATED, RELATION_RANK, assignment_list, citation_list_assigned, curation_queue, queue_counts
from .vocabulary import (
    HIGHLIGHT_FACETS,
    HighlightIndex,
    term_highlight_index,
    term_highlights,
    term_ids_matching,
    term_list,
    term_search,
    term_search_order,
)

__all__ = [
    "HIGHLIGHT_FACETS",
    "NOT_ANNOTATED",
    "RELATION_RANK",
    "HighlightIndex",
    "annotation_comments",
    "annotation_get",
    "annotation_history",
    "annotation_list",
    "annotation_list_awaiting_review",
    "annotation_prefetch",
    "annotation_visible_to",
    "assignment_list",
    "citation_list_assigned",
    "curation_queue",
    "queue_counts",
    "term_highlight_index",
    "term_highlights",
    "term_ids_matching",
    "term_list",
    "term_search",
    "term_search_order",
]
