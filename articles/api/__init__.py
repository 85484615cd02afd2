"""The articles API, one module per resource; every view is registered on cafex_portal.api_router."""

from .articles import ArticleViewSet
from .reviews import ReviewCitationList, ReviewViewSet
from .sync_runs import SyncRunViewSet

__all__ = ["ArticleViewSet", "ReviewCitationList", "ReviewViewSet", "SyncRunViewSet"]
