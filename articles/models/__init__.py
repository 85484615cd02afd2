"""The articles app's models, one module per concern."""

from .articles import Article, ArticleNotice, NoticeKind
from .reviews import Citation, CitationListChange, Review
from .sync import ArticleChange, EditorAlert, SyncRun

__all__ = [
    "Article",
    "ArticleChange",
    "ArticleNotice",
    "Citation",
    "CitationListChange",
    "EditorAlert",
    "NoticeKind",
    "Review",
    "SyncRun",
]
