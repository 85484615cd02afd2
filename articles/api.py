from django.shortcuts import get_object_or_404
from rest_framework import generics, viewsets

from . import selectors
from .filters import ArticleFilter, CitationFilter
from .models import Citation, Review
from .serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
    CitationSerializer,
    ReviewDetailSerializer,
    ReviewSerializer,
)


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """Reviews the portal curates, looked up by the review's PMID."""

    lookup_field = "article__pmid"
    lookup_url_kwarg = "pmid"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.review_list()

    def get_serializer_class(self):
        return ReviewDetailSerializer if self.action == "retrieve" else ReviewSerializer

    def get_object(self):
        review = get_object_or_404(self.get_queryset(), article__pmid=self.kwargs["pmid"])
        self.check_object_permissions(self.request, review)
        return review


class ReviewCitationList(generics.ListAPIView):
    """A review's citations: references in the review's own order, citing papers newest first, similar by score."""

    serializer_class = CitationSerializer
    filterset_class = CitationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no pmid
            return Citation.objects.none()
        review = get_object_or_404(Review.objects.select_related("article"), article__pmid=self.kwargs["pmid"])
        return selectors.citation_list(review=review, relation=self.request.query_params.get("relation"))


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
