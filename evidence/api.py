"""The public evidence as JSON: accepted mechanisms with the browser's filters, their counts, and the pictures' data."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.exports import FileExportView, file_responses, format_parameter, rows
from curation.api.exports import ANNOTATION_RENDERERS, ANNOTATION_WRITERS

from . import selectors
from .filters import EvidenceFilter
from .serializers import (
    EvidenceFacetsSerializer,
    EvidenceSerializer,
    MatrixInputSerializer,
    MatrixSerializer,
    NetworkSerializer,
    YearCountSerializer,
)


class EvidenceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Accepted mechanism annotations across every review: the evidence browser's rows.

    Filter by review or paper PMID, relation, publication years and any facet by term id or label
    (`?cancer_type=gastric cancer&cargo_type=miRNA`; commas match any of several values); `sort` orders the rows.
    Drafts, submissions and rejections are never listed.
    """

    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilter

    def get_queryset(self):
        return selectors.evidence_rows(selectors.accepted_annotations())

    def _filtered(self):
        # The counts and pictures need the filtered annotations only, not the rows' related records.
        return self.filter_queryset(selectors.accepted_annotations())

    @extend_schema(responses=EvidenceFacetsSerializer)
    @action(detail=False, pagination_class=None)
    def facets(self, request: Request) -> Response:
        """How many mechanisms, papers and reviews match, and per facet each term's number of mechanisms."""
        annotations = self._filtered()
        data = {**selectors.evidence_summary(annotations), "facets": selectors.evidence_facet_counts(annotations)}
        return Response(EvidenceFacetsSerializer(data).data)

    @extend_schema(parameters=[MatrixInputSerializer], responses=MatrixSerializer)
    @action(detail=False, pagination_class=None)
    def matrix(self, request: Request) -> Response:
        """Papers per pair of terms of two facets (`rows`, `columns`; cargo type × effect by default)."""
        wanted = MatrixInputSerializer(data=request.query_params)
        wanted.is_valid(raise_exception=True)
        matrix = selectors.evidence_matrix(self._filtered(), wanted.validated_data["rows"],
                                           wanted.validated_data["columns"])  # fmt: skip
        data = {
            "rows_facet": matrix.rows_facet,
            "columns_facet": matrix.columns_facet,
            "rows": matrix.rows,
            "columns": matrix.columns,
            "cells": [{"row": row, "column": column, "papers": n} for (row, column), n in matrix.cells.items()],
        }
        return Response(MatrixSerializer(data).data)

    @extend_schema(responses=NetworkSerializer)
    @action(detail=False, pagination_class=None)
    def network(self, request: Request) -> Response:
        """CAF → cargo → target/pathway → effect: an edge's `papers`, and `disagree` where some of its papers say
        the cargo promotes the effect and others that it suppresses it."""
        return Response(selectors.evidence_network(self._filtered()))


class ReviewCitationsPerYear(APIView):
    """A review's references and the papers citing it, counted per year of publication."""

    @extend_schema(responses=YearCountSerializer(many=True))
    def get(self, request: Request, pmid: int) -> Response:
        review = selectors.public_review(pmid=pmid)
        if review is None:
            raise Http404("No review with this PMID.")
        return Response(YearCountSerializer(selectors.citations_per_year(review=review), many=True).data)


class EvidenceExport(FileExportView):
    """The evidence browser's rows as a file: the same filters and order, every matching mechanism."""

    renderer_classes = ANNOTATION_RENDERERS
    filterset_class = EvidenceFilter

    def get_queryset(self):
        return selectors.evidence_rows(selectors.accepted_annotations())

    @extend_schema(
        operation_id="evidence_export",
        summary="Export the evidence",
        description="Accepted mechanisms matching the evidence browser's filters (any facet, review, paper, "
        "relation, years, `sort`), one row (CSV) or object (JSON) per mechanism, streamed as an attachment: the "
        "citation, every facet's labels and identifiers, the quote, figure, experimental system and evidence level.",
        parameters=[format_parameter(ANNOTATION_RENDERERS), OpenApiParameter("sort", str)],
        responses=file_responses(
            {"text/csv": {"type": "string"}, "application/json": {"type": "array", "items": {"type": "object"}}},
            "The mechanisms as a file (Content-Disposition: attachment).",
        ),
    )
    def get(self, request: Request):
        annotations = self.filter_queryset(self.get_queryset())
        writer = ANNOTATION_WRITERS[request.accepted_renderer.format]
        return self.stream(writer(rows(annotations)), "evidence")
