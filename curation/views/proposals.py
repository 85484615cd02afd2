"""Term proposals: a curator proposes a missing term from the workspace; editors approve, merge or refuse it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cafex_portal.exceptions import ApplicationError

from ..forms import TermMergeForm, TermProposalForm, TermRefuseForm
from ..selectors import term_get, term_ids_matching
from ..services.vocabulary import term_approve, term_proposal_merge, term_propose, term_refuse
from ._common import curator_required, editor_required, error_response, flash_response, is_htmx, safe_next

ACTIONS = ("approve", "merge", "refuse")


def _first_error(form) -> ApplicationError:
    name, errors = next(iter(form.errors.items()))
    label = form.fields[name].label or name.capitalize() if name in form.fields else ""
    return ApplicationError(f"{label}: {errors[0]}" if label else errors[0], extra={"errors": form.errors})


@require_POST
@curator_required
def term_propose_view(request):
    """The new term comes back as a chip in its facet's pick list, so the draft being written can use it at once."""
    back = safe_next(request, reverse("curation-my-work"))
    form = TermProposalForm(request.POST)
    if not form.is_valid():
        return error_response(request, _first_error(form), back=back)
    try:
        term = term_propose(user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return error_response(request, error, back=back)
    messages.success(
        request,
        f"“{term.label}” proposed and added to the form you are writing; save it to keep it. An editor will add the "
        "term to the vocabulary.",
    )
    if not is_htmx(request):
        return redirect(back)
    return render(request, "curation/_proposed_chip.html", {"term": term}, status=201)


@require_POST
@editor_required
def term_proposal_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404("No such action.")
    term = term_get(pk=pk)
    if term is None:
        raise Http404("No such term.")
    back = reverse("curation-inbox") + "#proposals"
    try:
        if action == "approve":
            term_approve(term=term, user=request.user)
            messages.success(request, f"“{term.label}” is in the vocabulary now.")
        elif action == "refuse":
            form = TermRefuseForm(request.POST)
            if not form.is_valid():
                raise _first_error(form)
            term_refuse(term=term, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, f"“{term.label}” refused; its proposer sees why.")
        else:
            form = TermMergeForm(request.POST)
            if not form.is_valid():
                raise _first_error(form)
            named = form.cleaned_data["into"]
            found = term_ids_matching(facet=term.facet, values=[named])
            target = term_get(pk=found[0]) if len(found) == 1 else None
            if target is None or target.pk == term.pk:
                raise ApplicationError(
                    f"Merge into: no other {term.get_facet_display().lower()} term is named or numbered “{named}”.",
                    extra={"errors": {"into": ["Give the label or id of the term it duplicates."]}},
                )
            kept = term_proposal_merge(term=term, target=target, user=request.user)
            messages.success(request, f"“{term.label}” merged into “{kept.label}”; the drafts using it follow.")
    except ApplicationError as error:
        return error_response(request, error, back=back)
    if is_htmx(request):
        return flash_response(request)
    return redirect(back)
