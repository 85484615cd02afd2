"""Writes to articles, reviews and citations; one module per concern, every public name importable from here."""

from .citations import citations_link, references_store
from .reviews import demo_review_load, editor_alert_acknowledge, pmid_validate, review_create
from .upsert import UpsertResult, article_upsert_many, record_fields

__all__ = [
    "UpsertResult",
    "article_upsert_many",
    "citations_link",
    "demo_review_load",
    "editor_alert_acknowledge",
    "pmid_validate",
    "record_fields",
    "references_store",
    "review_create",
]
