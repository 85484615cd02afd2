"""The articles app's models, one module per concern."""

from .articles import Article, ArticleNotice, NoticeKind
from .reviews import Citation, CitationListVersion, Review
from .sync import ArticleChange, EditorAlert, SyncRun

__all__ = [
    "Article",
    "ArticleChange",
    "ArticleNotice",
    "Citation",
    "CitationListVersion",
    "EditorAlert",
    "NoticeKind",
    "Review",
    "SyncRun",
]
