"""Actions on one annotation (submit, review, delete, comment), its history, and the term pick lists."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cafex_portal import roles
from cafex_portal.exceptions import ApplicationError
from cafex_portal.forms import ids_parse, optional_id

from .. import access, selectors, services
from ..forms import TEXT_SUFFIX, AcceptForm, CommentForm, RejectForm
from ..models import Facet
from ._common import (
    TERM_SUGGESTIONS,
    annotation_card,
    annotation_or_404,
    curator_required,
    error_response,
    field_labels,
    forbidden,
    is_htmx,
    safe_next,
    show_value,
    to_login,
    workspace_url,
)

ACTIONS = ("submit", "accept", "reject", "delete", "comment")


@require_POST
@curator_required
def annotation_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404("No such action.")
    annotation = annotation_or_404(pk)
    if not access.can_view(request.user, annotation):
        raise Http404("No such annotation.")
    back = safe_next(request, workspace_url(annotation.citation, anchor=f"annotation-{pk}"))
    user = request.user
    # The version the page showed: acting on a version someone has changed since is a conflict, not a surprise.
    expected = optional_id(request.POST.get("version"), field="version")
    try:
        if action == "submit":
            services.annotation_submit(annotation=annotation, user=user, expected_version=expected)
            messages.success(request, f"Annotation {pk} submitted for review.")
        elif action == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(form.errors["comment"][0])
            services.annotation_accept(
                annotation=annotation, user=user, comment=form.cleaned_data["comment"], expected_version=expected
            )
            messages.success(request, f"Annotation {pk} accepted.")
        elif action == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(form.errors["comment"][0])
            services.annotation_reject(
                annotation=annotation, user=user, comment=form.cleaned_data["comment"], expected_version=expected
            )
            messages.success(request, f"Annotation {pk} rejected; the curator sees your comment.")
        elif action == "delete":
            services.annotation_delete(annotation=annotation, user=user)
            messages.success(request, f"Annotation {pk} deleted.")
        else:
            form = CommentForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(form.errors["text"][0])
            services.comment_add(annotation=annotation, user=user, text=form.cleaned_data["text"])
            messages.success(request, "Comment added.")
    except ApplicationError as error:
        return error_response(request, error, back=back)
    if not is_htmx(request):
        return redirect(back)
    if request.POST.get("partial") == "inbox":
        return annotation_card(request, pk, "curation/_inbox_item.html", reviewed=True)
    return annotation_card(request, pk)


@require_GET
def annotation_history(request, pk: int):
    if not request.user.is_authenticated:  # before the lookup: whether an annotation exists is not for visitors
        return to_login(request)
    annotation = annotation_or_404(pk)
    if not access.can_view(request.user, annotation):  # the same answer as for one that does not exist
        raise Http404("No such annotation.")
    if not access.can_read_history(request.user, annotation):
        return forbidden(request, "Only the annotation's author and editors can read its history.")
    labels = field_labels()
    revisions = list(selectors.annotation_history(annotation=annotation, newest_first=True))
    for revision in revisions:
        revision.rows = [
            (
                labels.get(name, name.replace("_", " ").capitalize()),
                show_value(change.get("from")),
                show_value(change.get("to")),
            )
            for name, change in (revision.changes or {}).items()
        ]
    return render(
        request,
        "curation/history.html",
        {
            "annotation": annotation,
            "citation": annotation.citation,
            "revisions": revisions,
            "can_revert": access.can_revert(request.user, annotation),
        },
    )


@require_POST
@curator_required
def annotation_revert(request, pk: int, revision_id: int):
    annotation = annotation_or_404(pk)
    if not access.can_view(request.user, annotation):
        raise Http404("No such annotation.")
    revision = selectors.annotation_revision_get(annotation=annotation, pk=revision_id)
    if revision is None:
        raise Http404("No such revision of this annotation.")
    back = reverse("curation-annotation-history", args=[pk])
    try:
        services.annotation_revert(annotation=annotation, user=request.user, revision=revision)
    except ApplicationError as error:
        return error_response(request, error, back=back)
    messages.success(request, f"Annotation {pk} restored to version {revision.version}.")
    return redirect(back)


@require_GET
def term_search(request, facet: str):
    """Suggestions for one facet's pick list, as <li> options; retired and merged terms are never offered."""
    if not roles.is_curator(request.user):
        return HttpResponseForbidden("Log in as a curator to pick terms.")
    if facet not in Facet.values:
        raise Http404("No such facet.")
    q = (request.GET.get("q") or request.GET.get(facet + TEXT_SUFFIX) or "").strip()
    chosen = set(ids_parse(request.GET.getlist(facet), field=facet))
    terms = [
        term
        for term in selectors.term_search(facet=facet, q=q, limit=TERM_SUGGESTIONS + len(chosen), user=request.user)
        if term.pk not in chosen
    ][:TERM_SUGGESTIONS]
    return render(request, "curation/_term_options.html", {"terms": terms, "facet": facet, "q": q})
