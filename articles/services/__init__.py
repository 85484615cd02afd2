"""Writes to articles, reviews and citations; one module per concern, every public name importable from here."""

from .citations import citations_link, references_store
from .reviews import demo_review_load, editor_alert_acknowledge, pmid_validate, review_create
from .upsert import article_upsert_many

__all__ = [
    "article_upsert_many",
    "citations_link",
    "demo_review_load",
    "editor_alert_acknowledge",
    "pmid_validate",
    "references_store",
    "review_create",
]
