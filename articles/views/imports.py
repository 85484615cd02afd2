"""Editors' page for importing citations into a review: the input, its preview, then the import as previewed."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from cafex_portal.exceptions import ApplicationError, ConflictError, NotAllowedError
from cafex_portal.roles import is_editor

from .. import selectors, services
from ..forms import CitationImportForm
from ..imports import MAX_BYTES, format_guess, text_decode
from ..models import Citation
from ._common import found

TEMPLATE = "articles/import.html"


def review_import_page(request, pmid: int):
    """GET: the form. POST: a preview with an "Import these N" button, which posts the same input back with the
    preview's digest; the import then writes exactly what was previewed, or shows the new preview if that changed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_editor(request.user):
        raise PermissionDenied("Only editors can import citations.")
    review = found(selectors.review_by_pmid(pmid=pmid), "No review with this PMID.")
    form = CitationImportForm(request.POST or None, request.FILES or None)
    context = {"review": review, "article": review.article, "form": form}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    data = form.cleaned_data
    try:
        text, format = _input_text(data)
        entries = services.import_entries_read(user=request.user, data=text, format=format, field="text")
        report = _import(request, review, data, entries)
    except NotAllowedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        form.add_error("file" if data.get("file") else "text", exc.message)
        return render(request, TEMPLATE, context, status=exc.status_code)
    if report.dry_run:
        context |= {"report": report, "text": text, "format": format, "positions": data["positions"]}
        return render(request, TEMPLATE, context)
    counts = report.counts
    written = counts["added"] + counts["merged"]
    label = Citation.Relation(report.relation).label.lower()
    messages.success(
        request,
        f"Imported {written} citation{pluralize(written)} into the {label} list: {counts['added']} added, "
        f"{counts['merged']} merged, {counts['skipped']} skipped.",
    )
    return redirect(f"{reverse('review-detail', kwargs={'pmid': pmid})}?tab={report.relation}")


def _input_text(data: dict) -> tuple[str, str]:
    """The input as text (an upload decoded, so the confirmation can post it back) and the format to read it as."""
    upload = data.get("file")
    if upload is None:
        return data["text"], data["format"] or format_guess("", data["text"])
    if upload.size > MAX_BYTES:
        raise ApplicationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    raw = upload.read()
    format = data["format"] or format_guess(upload.name or "", raw)
    what = {"ris": "a RIS file", "nbib": "a PubMed MEDLINE (.nbib) file"}.get(format, "a list of PMIDs and DOIs")
    try:
        return text_decode(raw, what=what), format
    except ValueError as exc:
        raise ApplicationError(str(exc)) from None


def _import(request, review, data: dict, entries):
    options = {"review": review, "relation": data["relation"], "entries": entries, "user": request.user}
    options["positions"] = data["positions"]
    if not data["confirm"]:
        return services.citations_import(**options, dry_run=True)
    try:
        return services.citations_import(**options, confirm=data["confirm"])
    except ConflictError as exc:
        messages.warning(request, exc.message)
        return services.citations_import(**options, dry_run=True)
