"""The citation workspace: screening and writing annotations, with the conflict view of a stale save."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles.models import Citation, Review
from cafex_portal import roles
from cafex_portal.exceptions import ApplicationError, ConflictError, NotAllowedError
from cafex_portal.forms import optional_id

from .. import access, selectors, services
from ..forms import TEXT_SUFFIX, AnnotationForm, ScreeningForm, TermProposalForm
from ..models import Facet
from ..selectors.double import screening_seen_by
from ._common import (
    annotation_or_404,
    citation_or_404,
    curator_required,
    decorate,
    error_response,
    field_labels,
    forbidden,
    highlighter_for,
    is_htmx,
    nav_query,
    neighbours,
    review_or_404,
    show_value,
    workspace_url,
)


def _render_workspace(
    request,
    review: Review,
    citation: Citation,
    *,
    form: AnnotationForm,
    editing=None,
    conflict=None,
    status=200,
    copy_from=None,
) -> HttpResponse:
    user = request.user
    can_curate = roles.is_curator(user)
    annotations = decorate(selectors.annotation_cards(user=user, citation=citation), user)
    context = {
        "review": review,
        "citation": citation,
        "article": citation.article,
        # Under double screening, until both decide, a curator sees their own decision and never the other's.
        "screening": screening_seen_by(citation=citation, user=user),
        "annotations": annotations,
        "latest_draft": next((a for a in reversed(annotations) if a.perms["submit"]), None),
        "form": form,
        "facet_rows": form.facet_rows() if can_curate else [],
        "editing": editing,
        "copy_from": copy_from,
        "conflict": conflict,
        "proposal_form": TermProposalForm(),
        "highlighter": highlighter_for(citation),
        "can_curate": can_curate,
        "is_editor": roles.is_editor(user),
        "screening_form": ScreeningForm(),
        "text_suffix": TEXT_SUFFIX,
        **neighbours(request, review, citation, can_curate=can_curate),
    }
    return render(request, "curation/workspace.html", context, status=status)


@require_GET
def workspace(request, pmid: int, citation_id: int):
    review = review_or_404(pmid)
    citation = citation_or_404(review, citation_id)
    editing = copy_from = None
    edit_id = optional_id(request.GET.get("edit"), field="edit")
    duplicate_id = optional_id(request.GET.get("duplicate"), field="duplicate")
    if edit_id and roles.is_curator(request.user):
        editing = decorate(selectors.annotation_cards(user=request.user, pk=edit_id, citation=citation), request.user)
        editing = editing[0] if editing and editing[0].perms["edit"] else None
    elif duplicate_id and roles.is_curator(request.user):
        # "Duplicate this record": a new form with the facets of one the curator can see, without its effect.
        copy_from = selectors.annotation_cards(user=request.user, pk=duplicate_id, citation=citation).first()
    form = AnnotationForm(annotation=editing, copy_from=copy_from, user=request.user)
    return _render_workspace(request, review, citation, form=form, editing=editing, copy_from=copy_from)


@require_POST
@curator_required
def screening(request, pmid: int, citation_id: int):
    review = review_or_404(pmid)
    citation = citation_or_404(review, citation_id)
    nav = nav_query(request.GET)
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return error_response(request, ApplicationError(first), back=workspace_url(citation, nav))
    try:
        decision = services.screening_set(citation=citation, user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return error_response(request, error, back=workspace_url(citation, nav))
    text = decision.get_decision_display()
    if decision.reason:
        text += f" ({decision.get_reason_display().lower()})"
    messages.success(request, f"Screening: {text}.")
    if is_htmx(request):
        context = {"citation": citation, "screening": decision, "can_curate": True, "nav": nav, "oob_flash": True}
        context["screening_form"] = ScreeningForm()
        return render(request, "curation/_screening.html", context)
    return redirect(workspace_url(citation, nav))


@require_POST
@curator_required
def annotation_create(request, pmid: int, citation_id: int):
    review = review_or_404(pmid)
    citation = citation_or_404(review, citation_id)
    form = AnnotationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            annotation = services.annotation_create(
                citation=citation,
                user=request.user,
                client_token=form.cleaned_data["client_token"],
                **form.service_kwargs(),
            )
        except NotAllowedError as error:
            return forbidden(request, error.message)
        except ApplicationError as error:
            form.apply_service_errors(error.extra.get("errors") or {})
            messages.error(request, error.message)
        else:
            messages.success(request, f"Annotation {annotation.pk} saved as a draft. Press s to submit it for review.")
            return redirect(workspace_url(citation, nav_query(request.GET), f"annotation-{annotation.pk}"))
    else:
        messages.error(request, _not_saved(form))
    return _render_workspace(request, review, citation, form=form, status=400)


@require_POST
@curator_required
def annotation_update(request, pk: int):
    annotation = annotation_or_404(pk)
    citation = annotation.citation
    review = citation.review
    citation = citation_or_404(review, citation.pk)
    nav = nav_query(request.GET)
    if not access.can_view(request.user, annotation):
        raise Http404("No such annotation.")
    form = AnnotationForm(request.POST, annotation=annotation, user=request.user)
    conflict = None
    status = 400
    if form.is_valid():
        try:
            services.annotation_update(
                annotation=annotation,
                user=request.user,
                expected_version=form.cleaned_data["expected_version"] or annotation.version,
                **form.service_kwargs(),
            )
        except NotAllowedError as error:
            return forbidden(request, error.message)
        except ConflictError as error:
            conflict = _conflict_rows(error.extra)
            # Keep what the user typed; saving again now means "mine wins" over the version they have seen.
            data = request.POST.copy()
            data["expected_version"] = str(conflict["current_version"] or annotation.version)
            form = AnnotationForm(data, annotation=annotation, user=request.user)
            form.is_valid()
            messages.error(request, error.message)
            status = 409
        except ApplicationError as error:
            form.apply_service_errors(error.extra.get("errors") or {})
            messages.error(request, error.message)
        else:
            messages.success(request, f"Annotation {annotation.pk} saved.")
            return redirect(workspace_url(citation, nav, f"annotation-{annotation.pk}"))
    else:
        messages.error(request, _not_saved(form))
    editing = decorate(selectors.annotation_cards(user=request.user, pk=annotation.pk), request.user)
    return _render_workspace(
        request,
        review,
        citation,
        form=form,
        editing=editing[0] if editing else annotation,
        conflict=conflict,
        status=status,
    )


def _conflict_rows(extra: dict) -> dict:
    """Both versions of a conflicting save, as rows of (field, saved, yours, differs) for a side-by-side table."""
    current = extra.get("current") or {}
    yours = extra.get("yours") or {}
    rows = []
    for name, label in field_labels().items():
        if name in Facet.values:
            saved_text = show_value((current.get("values") or {}).get(name, []))
            yours_text = show_value((yours.get("values") or {}).get(name, []))
        else:
            saved_text, yours_text = show_value(current.get(name)), show_value(yours.get(name))
        if saved_text or yours_text:
            rows.append((label, saved_text, yours_text, saved_text != yours_text))
    return {"rows": rows, "current_version": current.get("version")}


def _not_saved(form: AnnotationForm) -> str:
    """The message above the form: it names every field at fault, so a reader need not hunt for the marks."""
    names = list(dict.fromkeys(label or "the form" for label, _, _ in form.error_summary()))
    return f"The annotation was not saved: check {', '.join(names)} (marked below)."
