"""Bibliographic records."""

from rest_framework import viewsets

from .. import selectors
from ..filters import ArticleFilter
from ..serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
)


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Bibliographic records, filterable by PMID, DOI (case-insensitive), PMCID, years, journal, publication type,
    retraction and annotations; `q` searches the full text, ranked, with a `snippet` for each."""

    lookup_field = "pmid"
    lookup_value_regex = r"\d+"
    filterset_class = ArticleFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.article_list().prefetch_related("notices")
        return selectors.article_list(brief=True)

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer
