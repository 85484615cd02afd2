"""The articles API, one module per resource; every view is registered on cafex_portal.api_router."""

from .articles import ArticleViewSet
from .exports import FileExportView, ReviewCitationExport
from .imports import ReviewImportView
from .reviews import ReviewCitationList, ReviewViewSet
from .sync_runs import SyncRunViewSet

__all__ = [
    "ArticleViewSet",
    "FileExportView",
    "ReviewCitationExport",
    "ReviewCitationList",
    "ReviewImportView",
    "ReviewViewSet",
    "SyncRunViewSet",
]
