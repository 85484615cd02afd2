"""A review's citations as files for reference managers and screening tools: RIS, BibTeX, CSL-JSON and CSV.

DRF reserves `?format=` for choosing a renderer, so each file format is a renderer with its own `format` and media
type, and DRF's content negotiation picks it (by `?format=` or by Accept). The answer itself does not go through
`render()`: it is streamed, one database chunk at a time, so that thousands of citations start downloading at
once and are never held in memory whole. Errors (and OPTIONS) are rendered as JSON in the API's one error shape,
whatever format was asked for; an unknown format is a 404 that names the formats there are.
"""

import json
from collections.abc import Callable, Iterable, Iterator

from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cafex_portal.exceptions import ApplicationError

from .. import exports, selectors
from ..filters import CitationFilter
from ..models import Citation

# Rows fetched per database round trip while streaming (a server-side cursor on PostgreSQL).
EXPORT_CHUNK_SIZE = 500
# Bytes gathered before each write to the client, after the first record, which goes out at once.
STREAM_BUFFER_BYTES = 64 * 1024


class FileRenderer(BaseRenderer):
    """A downloadable file format. Export views stream their answer themselves; `render()` only serves a body
    that reaches it anyway, as JSON."""

    charset = "utf-8"
    extension = ""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


class RISRenderer(FileRenderer):
    media_type = "application/x-research-info-systems"
    format = "ris"
    extension = "ris"


class BibTeXRenderer(FileRenderer):
    media_type = "application/x-bibtex"
    format = "bibtex"
    extension = "bib"


class CSLJSONRenderer(FileRenderer):
    media_type = "application/vnd.citationstyles.csl+json"
    format = "csljson"
    extension = "json"


class CSVRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"
    extension = "csv"


def buffered(chunks: Iterable[str], size: int = STREAM_BUFFER_BYTES) -> Iterator[bytes]:
    """Text chunks as UTF-8 writes of about `size` bytes; the first chunk alone, so the download starts at once."""
    pending: list[bytes] = []
    pending_bytes = 0
    first = True
    for chunk in chunks:
        data = chunk.encode("utf-8")
        pending.append(data)
        pending_bytes += len(data)
        if first or pending_bytes >= size:
            yield b"".join(pending)
            pending, pending_bytes, first = [], 0, False
    if pending:
        yield b"".join(pending)


def rows(queryset: QuerySet) -> Iterator:
    """The queryset read in chunks rather than whole: the one place an export touches the database."""
    return queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)


class FileExportView(generics.GenericAPIView):
    """Base of the views that answer with a file: format by renderer, errors as JSON, the file streamed."""

    pagination_class = None

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:  # DRF's answer to a `?format=` no renderer has
            formats = ", ".join(renderer.format for renderer in self.get_renderers())
            asked = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE, "")
            raise ApplicationError(
                f"There is no export format {asked!r}; ask for one of: {formats}.",
                extra={"errors": {"format": [f"Pick one of: {formats}."]}},
                status_code=404,
            ) from None

    def finalize_response(self, request, response, *args, **kwargs):
        # Only errors and OPTIONS answer with a Response here; they are JSON, whichever file format was asked for.
        if isinstance(response, Response):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def stream(self, chunks: Iterable[str], filename: str) -> StreamingHttpResponse:
        """The chunks as a download named `filename` plus the chosen format's extension."""
        renderer = self.request.accepted_renderer
        response = StreamingHttpResponse(buffered(chunks), content_type=f"{renderer.media_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.{renderer.extension}"'
        return response


# The error component that cafex_portal.schema adds to the schema for every operation.
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def file_responses(media_types: dict[str, dict], description: str) -> dict:
    """The schema of a file export: one 200 body per media type, and JSON errors (406 for an unmet Accept)."""
    responses: dict = {
        (200, media_type): OpenApiResponse(schema, description=description)
        for media_type, schema in media_types.items()
    }
    responses[(406, "application/json")] = OpenApiResponse(
        ERROR_REF, description="None of the formats matches the Accept header."
    )
    return responses


def format_parameter(renderers: list[type[FileRenderer]]) -> OpenApiParameter:
    formats = [renderer.format for renderer in renderers]
    return OpenApiParameter(
        "format",
        str,
        enum=formats,
        description=f"The file format (default {formats[0]}); the Accept header may choose instead.",
    )


TEXT = {"type": "string"}
CITATION_RENDERERS = [RISRenderer, BibTeXRenderer, CSLJSONRenderer, CSVRenderer]
CITATION_WRITERS: dict[str, Callable[..., Iterator[str]]] = {
    "ris": exports.ris_chunks,
    "bibtex": exports.bibtex_chunks,
    "csljson": exports.csljson_chunks,
    "csv": exports.csv_chunks,
}
RELATION_FILE_NAMES = {
    Citation.Relation.REFERENCE: "references",
    Citation.Relation.CITED_BY: "cited-by",
    Citation.Relation.SIMILAR: "similar",
}


class ReviewCitationExport(FileExportView):
    """A review's citations as a file, filtered like the citation list (`relation`, `resolved`)."""

    renderer_classes = CITATION_RENDERERS
    filterset_class = CitationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Citation.objects.none()
        review = selectors.review_by_pmid(pmid=self.kwargs["pmid"])
        if review is None:
            raise NotFound("No review with this PMID.")
        return selectors.citation_list(review=review)

    @extend_schema(
        operation_id="reviews_export",
        summary="Export a review's citations",
        description="RIS, BibTeX, CSL-JSON or CSV of the review's citations, as Zotero, EndNote, ASReview and "
        "Rayyan import them, streamed as an attachment. References carry their position in the review (RIS C1 and "
        "N1, BibTeX note, CSL citation-number, CSV position).",
        parameters=[
            format_parameter(CITATION_RENDERERS),
            OpenApiParameter("relation", str, enum=list(Citation.Relation.values), description="One list only."),
            OpenApiParameter("resolved", bool, description="Only citations linked to a PubMed record, or only not."),
        ],
        responses=file_responses(
            {
                RISRenderer.media_type: TEXT,
                BibTeXRenderer.media_type: TEXT,
                CSLJSONRenderer.media_type: {"type": "array", "items": {"type": "object"}},
                CSVRenderer.media_type: TEXT,
            },
            "The citations as a file (Content-Disposition: attachment).",
        ),
    )
    def get(self, request, pmid: int):
        citations = self.filter_queryset(self.get_queryset())
        writer = CITATION_WRITERS[request.accepted_renderer.format]
        relation = RELATION_FILE_NAMES.get(request.query_params.get("relation", ""), "citations")
        return self.stream(writer(rows(citations), review_pmid=pmid), f"review-{pmid}-{relation}")
