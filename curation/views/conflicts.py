"""The editors' conflict queue for blind double curation: each citation's two curators side by side, resolved
into one accepted result, and the review's switches for double screening and double annotation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles.selectors import review_list
from cafex_portal.exceptions import ApplicationError

from ..double_forms import AnnotationResolveForm, CurationSettingsForm, ScreeningResolveForm
from ..models import Facet, OutOfScopeReason
from ..selectors import double as double_selectors
from ..services import double as double_services
from ._common import citation_or_404, editor_required, error_response, review_or_404


def _conflicts_url(pmid: int) -> str:
    return reverse("curation-conflicts", args=[pmid])


def _form_error(form) -> ApplicationError:
    field, errors = next(iter(form.errors.items()))
    name = "" if field == "__all__" else f"{field}: "
    return ApplicationError(f"{name}{errors[0]}")


@require_GET
@editor_required
def conflict_reviews(request) -> HttpResponse:
    """Every review with its open conflicts, so the navigation's one link reaches each review's queue."""
    rows = []
    for review in review_list():
        current = double_selectors.review_settings(review=review)
        screening, annotation = double_selectors.conflicts_open(review=review)
        rows.append({"review": review, "settings": current, "screening": len(screening), "annotation": len(annotation)})
    return render(request, "curation/conflicts_reviews.html", {"rows": rows})


@require_GET
@editor_required
def conflicts(request, pmid: int) -> HttpResponse:
    review = review_or_404(pmid)
    screening, annotation = double_selectors.conflicts_open(review=review)
    context = {
        "review": review,
        "settings": double_selectors.review_settings(review=review),
        "screening_conflicts": screening,
        "annotation_pairs": annotation,
        "facets": Facet.choices,
        "reasons": OutOfScopeReason.choices,
    }
    return render(request, "curation/conflicts.html", context)


@require_POST
@editor_required
def curation_settings(request, pmid: int) -> HttpResponse:
    review = review_or_404(pmid)
    form = CurationSettingsForm(request.POST)
    form.is_valid()  # two check boxes: absent is off, so every input is valid
    try:
        double_services.review_curation_settings_set(review=review, user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return error_response(request, error, back=_conflicts_url(pmid))
    messages.success(request, "Curation modes saved.")
    return redirect(_conflicts_url(pmid))


@require_POST
@editor_required
def screening_resolve(request, pmid: int) -> HttpResponse:
    review = review_or_404(pmid)
    form = ScreeningResolveForm(request.POST)
    if not form.is_valid():
        return error_response(request, _form_error(form), back=_conflicts_url(pmid))
    citation = citation_or_404(review, form.cleaned_data["citation"])
    try:
        double_services.screening_conflict_resolve(
            citation=citation,
            user=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        return error_response(request, error, back=_conflicts_url(pmid))
    messages.success(request, f"Screening of citation {citation.pk} resolved.")
    return redirect(_conflicts_url(pmid))


@require_POST
@editor_required
def annotation_resolve(request, pmid: int) -> HttpResponse:
    review = review_or_404(pmid)
    form = AnnotationResolveForm(request.POST)
    if not form.is_valid():
        return error_response(request, _form_error(form), back=_conflicts_url(pmid))
    citation = citation_or_404(review, form.cleaned_data["citation"])
    try:
        double_services.annotation_conflict_resolve(
            citation=citation, user=request.user, keep=form.cleaned_data["keep"], note=form.cleaned_data["note"]
        )
    except ApplicationError as error:
        return error_response(request, error, back=_conflicts_url(pmid))
    messages.success(request, f"Mechanisms of citation {citation.pk} resolved.")
    return redirect(_conflicts_url(pmid))
