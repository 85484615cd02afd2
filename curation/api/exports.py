"""Downloads of curated data: a review's annotations as CSV or JSON, its versioned data release (zip), and the
search page's results as citation files."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError

from articles import selectors as article_selectors
from articles.api.exports import (
    CITATION_RENDERERS,
    CITATION_WRITERS,
    TEXT,
    CSLJSONRenderer,
    CSVRenderer,
    FileExportView,
    FileRenderer,
    file_responses,
    format_parameter,
    rows,
)
from articles.models import Review

from .. import selectors
from ..exports import annotation_csv_chunks, annotation_json_chunks, annotations_for_export
from ..forms import SearchForm
from ..models import MechanismAnnotation
from ..release import release_build
from ._common import validated


class JSONFileRenderer(FileRenderer):
    media_type = "application/json"
    format = "json"
    extension = "json"


class ZipRenderer(FileRenderer):
    media_type = "application/zip"
    format = "zip"
    extension = "zip"


class AnnotationExportInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=MechanismAnnotation.State.choices, required=False, default=MechanismAnnotation.State.ACCEPTED
    )


def review_or_404(pmid: int) -> Review:
    review = article_selectors.review_by_pmid(pmid=pmid)
    if review is None:
        raise NotFound("No review with this PMID.")
    return review


ANNOTATION_RENDERERS = [CSVRenderer, JSONFileRenderer]
ANNOTATION_WRITERS = {"csv": annotation_csv_chunks, "json": annotation_json_chunks}


class ReviewAnnotationExport(FileExportView):
    """A review's mechanism annotations as a file, one mechanism per row or object."""

    renderer_classes = ANNOTATION_RENDERERS

    @extend_schema(
        operation_id="reviews_annotations_export",
        summary="Export a review's mechanism annotations",
        description="One row (CSV) or object (JSON) per mechanism: the citation (PMID, DOI, position in the "
        "review), every facet's term labels and public identifiers, the quote, figure and confidence. Accepted "
        "annotations by default; curators and editors may ask for another `state` and get those they can see.",
        parameters=[
            format_parameter(ANNOTATION_RENDERERS),
            OpenApiParameter(
                "state", str, enum=list(MechanismAnnotation.State.values), description="Default accepted."
            ),
        ],
        responses=file_responses(
            {"text/csv": {"type": "string"}, "application/json": {"type": "array", "items": {"type": "object"}}},
            "The annotations as a file (Content-Disposition: attachment).",
        ),
    )
    def get(self, request, pmid: int):
        review = review_or_404(pmid)
        state = validated(AnnotationExportInputSerializer, request.query_params)["state"]
        annotations = annotations_for_export(review=review, user=request.user, state=state)
        writer = ANNOTATION_WRITERS[request.accepted_renderer.format]
        suffix = "annotations" if state == MechanismAnnotation.State.ACCEPTED else f"annotations-{state}"
        return self.stream(writer(rows(annotations)), f"review-{pmid}-{suffix}")


class ReviewDataRelease(FileExportView):
    """A review's versioned data release: one zip of records, accepted annotations, vocabulary and manifest."""

    renderer_classes = [ZipRenderer]

    @extend_schema(
        operation_id="reviews_release",
        summary="Download a review's data release",
        description="A zip with the citations (CSL-JSON, CSV), the accepted annotations (CSV, JSON), the "
        "vocabulary (JSON) and manifest.json (release date = newest change in the data, counts, SHA-256 of each "
        "file, software version). The same data always gives the same bytes.",
        responses=file_responses({"application/zip": {"type": "string", "format": "binary"}}, "The release archive."),
    )
    def get(self, request, pmid: int):
        release = release_build(review=review_or_404(pmid))
        response = HttpResponse(release.content, content_type=ZipRenderer.media_type)
        response["Content-Disposition"] = f'attachment; filename="{release.filename}"'
        return response


class SearchCitationExport(FileExportView):
    """The search page's results as a citation file: the same parameters, the same citations, in the same order."""

    renderer_classes = CITATION_RENDERERS

    @extend_schema(
        operation_id="search_export",
        summary="Export search results",
        description="The citations the search page lists for the same parameters, as RIS, BibTeX, CSL-JSON or "
        "CSV, streamed as an attachment. Across reviews unless `review` is given; a citation that appears in "
        "two reviews appears twice. Unlike the page, a bad parameter is refused (400), not dropped.",
        parameters=[
            format_parameter(CITATION_RENDERERS),
            OpenApiParameter("q", str, description="Full text, as in the search box."),
            OpenApiParameter("review", int, description="A review's PMID."),
            OpenApiParameter("relation", str, enum=["reference", "cited_by", "similar"]),
            OpenApiParameter("year_min", int),
            OpenApiParameter("year_max", int),
            OpenApiParameter("journal", str),
            OpenApiParameter("publication_type", str),
            OpenApiParameter("retracted", str, enum=["yes", "no"]),
            OpenApiParameter("decision", str, enum=["undecided", "in_scope", "out_of_scope"]),
            OpenApiParameter("accepted", str, enum=["yes", "no"], description="Has an accepted mechanism."),
            OpenApiParameter("term", int, description="A vocabulary term of an accepted mechanism."),
        ],
        responses=file_responses(
            {
                **{renderer.media_type: TEXT for renderer in CITATION_RENDERERS},
                CSLJSONRenderer.media_type: {"type": "array", "items": {"type": "object"}},
            },
            "The matching citations as a file (Content-Disposition: attachment).",
        ),
    )
    def get(self, request):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        filters = form.search_filters()
        writer = CITATION_WRITERS[request.accepted_renderer.format]
        name = f"search-review-{filters.review}" if filters.review else "search"
        return self.stream(writer(rows(selectors.search_results(filters=filters)), review_pmid=filters.review), name)
