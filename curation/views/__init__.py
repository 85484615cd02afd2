"""Curation pages: a review's queue, the citation workspace, a curator's queue and the editors' inbox.

Views validate input and call a service or a selector. An ApplicationError becomes a message on the page and a
NotAllowedError a 403 page, never a 500. A request from htmx gets the fragment it swaps in, with the messages
swapped into #flash out of band; without JavaScript the same forms post normally and get a redirect.
"""

from .annotations import annotation_action, annotation_history, annotation_revert, term_search
from .inbox import bulk_accept, inbox
from .queue import assign, my_queue, queue
from .search import search_page
from .workspace import annotation_create, annotation_update, screening, workspace

__all__ = [
    "annotation_action",
    "annotation_create",
    "annotation_history",
    "annotation_revert",
    "annotation_update",
    "assign",
    "bulk_accept",
    "inbox",
    "my_queue",
    "queue",
    "screening",
    "search_page",
    "term_search",
    "workspace",
]
