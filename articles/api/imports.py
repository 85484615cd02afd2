"""Importing citations into a review: pasted PMIDs/DOIs, a RIS file or a PubMed MEDLINE (.nbib) file (editors)."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cafex_portal.exceptions import ApplicationError
from cafex_portal.roles import require_editor

from .. import selectors, services
from ..imports import FORMATS, MAX_BYTES
from ..models import Citation
from ..services.imports import ADDED, MERGED, POSITIONS, SKIPPED, ImportReport

MEGABYTES = MAX_BYTES // (1024 * 1024)


class ImportTextInputSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(choices=Citation.Relation.choices, default=Citation.Relation.REFERENCE)
    format = serializers.ChoiceField(
        choices=FORMATS, required=False, help_text="How to read the input; guessed from the file name or content."
    )
    text = serializers.CharField(
        required=False, trim_whitespace=False, max_length=MAX_BYTES,
        help_text="PMIDs or DOIs, one a line or separated by commas or spaces (or RIS/MEDLINE text with `format`).",
    )  # fmt: skip
    dry_run = serializers.BooleanField(default=False, help_text="Only say what the import would do; write nothing.")
    positions = serializers.ChoiceField(
        choices=POSITIONS, default="append",
        help_text="References: number new ones after the last (`append`) or as the input numbers them (`file`).",
    )  # fmt: skip
    confirm = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text="The `digest` of a preview: the import is refused (409) unless it would do exactly that.",
    )  # fmt: skip


class ImportInputSerializer(ImportTextInputSerializer):
    file = serializers.FileField(
        required=False, allow_empty_file=True, help_text=f"A RIS, .nbib or text file of at most {MEGABYTES} MB."
    )

    def validate(self, data: dict) -> dict:
        if ("text" in data) == ("file" in data):
            raise serializers.ValidationError("Send either `text` or a `file`.")
        return data


class ImportOutcomeSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The entry's place in the input, from 1.")
    source = serializers.CharField(help_text="What the input said, shortened.")
    outcome = serializers.ChoiceField(choices=[ADDED, MERGED, SKIPPED])
    reason = serializers.CharField()
    pmid = serializers.IntegerField(allow_null=True)
    doi = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    position = serializers.IntegerField(allow_null=True, help_text="The reference's number (references only).")
    unresolved = serializers.BooleanField(help_text="Kept as a reference with no PubMed record.")


class ImportCountsSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    merged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    unresolved = serializers.IntegerField()
    total = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    review = serializers.IntegerField(source="review_pmid")
    relation = serializers.ChoiceField(choices=Citation.Relation.choices)
    dry_run = serializers.BooleanField()
    counts = ImportCountsSerializer()
    digest = serializers.CharField(help_text="Send it back as `confirm` to import exactly what this preview says.")
    requests_made = serializers.IntegerField(help_text="Requests made to NCBI.")
    errors = serializers.ListField(child=serializers.CharField(), help_text="What PubMed refused or sent broken.")
    entries = ImportOutcomeSerializer(many=True)


class ImportErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ReviewImportView(APIView):
    """Add citations to a review's references, citing or similar papers (editors)."""

    @extend_schema(
        request={"application/json": ImportTextInputSerializer, "multipart/form-data": ImportInputSerializer},
        responses={
            200: OpenApiResponse(ImportReportSerializer, description="The preview (`dry_run`): nothing written."),
            201: OpenApiResponse(ImportReportSerializer, description="Imported: what was written, entry by entry."),
            409: OpenApiResponse(ImportErrorSerializer, description="The list or PubMed changed since the preview."),
            503: OpenApiResponse(ImportErrorSerializer, description="PubMed did not answer; nothing was written."),
        },
    )
    def post(self, request: Request, pmid: int) -> Response:
        """Import PMIDs/DOIs (`text`), or a RIS or MEDLINE `file`, as `relation`; `dry_run` previews. DOIs and
        titles are looked up in PubMed; duplicates (PMID, DOI, title) of the list or of each other are skipped."""
        require_editor(request.user, "import citations")
        review = selectors.review_by_pmid(pmid=pmid)
        if review is None:
            raise NotFound("No review with this PMID.")
        data = ImportInputSerializer(data=_payload(request))
        data.is_valid(raise_exception=True)
        options = data.validated_data
        entries = services.import_entries_read(user=request.user, format=options.get("format", ""), **_input(options))
        report: ImportReport = services.citations_import(
            review=review, relation=options["relation"], entries=entries, user=request.user,
            dry_run=options["dry_run"], positions=options["positions"], confirm=options.get("confirm", ""),
        )  # fmt: skip
        body = ImportReportSerializer(report).data
        return Response(body, status=status.HTTP_200_OK if report.dry_run else status.HTTP_201_CREATED)


def _input(options: dict) -> dict:
    upload = options.get("file")
    if upload is None:
        return {"data": options["text"], "field": "text"}
    if upload.size > MAX_BYTES:
        message = f"The file is larger than {MEGABYTES} MB; split it."
        raise ApplicationError(message, extra={"errors": {"file": [message]}})
    return {"data": upload.read(), "filename": upload.name or "", "field": "file"}


def _payload(request: Request):
    """The request's data; a body past Django's limit for form fields and JSON is a 400 in the API's shape."""
    try:
        return request.data
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        raise ApplicationError(
            f"Text sent in the request body is limited to {limit:g} MB; upload a file instead (up to {MEGABYTES} MB)."
        ) from None
