"""Bibliographic records."""

from rest_framework import viewsets

from .. import selectors
from ..filters import ArticleFilter
from ..serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
)


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Bibliographic records, filterable by PMID, DOI (case-insensitive), PMCID, year and retraction."""

    lookup_field = "pmid"
    lookup_value_regex = r"\d+"
    filterset_class = ArticleFilter

    def get_queryset(self):
        queryset = selectors.article_list()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("notices")
        return queryset

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer
