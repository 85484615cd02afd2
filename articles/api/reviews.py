"""Reviews: list, detail, adding one and starting its sync; a review's citations."""

from django.db.models import Subquery
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from cafex_portal import built_json
from cafex_portal.pagination import wants_cursor

from .. import citation_json, selectors
from ..filters import CitationFilter
from ..models import Citation, SyncRun
from ..serializers import (
    CitationSerializer,
    ReviewAddedSerializer,
    ReviewCreateInputSerializer,
    ReviewDetailSerializer,
    ReviewSerializer,
    SyncRunSerializer,
)
from ..services import review_add, review_sync_request


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """Reviews the portal curates, looked up by the review's PMID. Editors add reviews and start syncs."""

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

    @extend_schema(request=ReviewCreateInputSerializer, responses={202: ReviewAddedSerializer})
    def create(self, request):
        """Add a review by PMID (editors) and queue its first sync; answers 202 with the run to follow."""
        data = ReviewCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review, run, _ = review_add(pmid=data.validated_data["pmid"], user=request.user, trigger=SyncRun.Trigger.API)
        review = selectors.review_get(pmid=review.article.pmid)
        body = {
            "review": ReviewSerializer(review, context={"request": request}).data,
            "sync_run": SyncRunSerializer(run).data,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: SyncRunSerializer})
    @action(detail=True, methods=["post"])
    def sync(self, request, pmid=None):
        """Queue a sync of this review (editors); an already queued or running one is returned instead."""
        run = review_sync_request(review=self.get_object(), user=request.user, trigger=SyncRun.Trigger.API)
        return Response(SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ReviewCitationList(generics.ListAPIView):
    """A review's citations: references in the review's own order, citing papers newest first, similar by score;
    with `q`, best match first, each with a `snippet`. Filters combine with `q` and with each other."""

    serializer_class = CitationSerializer
    filterset_class = CitationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no pmid
            return Citation.objects.none()
        # The review is found inside the list's own statements (see _review_must_exist).
        review = Subquery(selectors.review_id_query(pmid=self.kwargs["pmid"])[:1])
        return selectors.citation_list(review=review, brief=True)

    def list(self, request, *args, **kwargs):
        """The page's citations come as JSON from PostgreSQL (articles.citation_json), the same objects the
        serializer makes at a fraction of the cost, or from the cache, where the filters are not even built (only
        a valid request's page is ever cached). Searches, which add snippets, and SQLite use the serializer."""
        try:
            results, empty = self._page(request)
        except NotFound:  # a page past the end: of a review that is not there, say so
            self._review_must_exist()
            raise
        if empty:
            self._review_must_exist()
        return self.get_paginated_response(results)

    def _review_must_exist(self) -> None:
        """The list's statements find the review themselves; only an empty answer asks whether it exists."""
        if selectors.review_id_by_pmid(pmid=self.kwargs["pmid"]) is None:
            raise NotFound("No review with this PMID.")

    def _page(self, request):
        """The page's results, and whether the whole list is empty."""
        cursor = wants_cursor(request)  # cursor pages are not counted: an empty one is an empty list
        if not built_json.available() or request.query_params.get("q"):
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            empty = not page if cursor else self.paginator.page.paginator.count == 0
            return self.get_serializer(page, many=True).data, empty
        if cursor:  # the cursor pager filters and orders a queryset itself
            page = self.paginate_queryset(self._rows().values("id"))
            return citation_json.citations_as_api_json([row["id"] for row in page]), not page
        pages = citation_json.CitationPages(
            self._rows, cache=citation_json.page_cache(pmid=self.kwargs["pmid"], params=request.query_params)
        )
        return self.paginator.paginate_built(pages, request), pages.count() == 0

    def _rows(self):
        """The citations asked for, filtered: the rows alone, for pages built by PostgreSQL."""
        return self.filter_queryset(self.get_queryset()).prefetch_related(None)
