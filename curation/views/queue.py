"""A review's curation queue, assignments, and a curator's own queue."""

from __future__ import annotations

import time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles.selectors import citations_by_id
from cafex_portal import roles
from cafex_portal.exceptions import ApplicationError
from cafex_portal.forms import ids_parse, optional_id

from .. import selectors, services
from ..forms import BulkScreeningForm, QueueFilterForm
from ..models import OutOfScopeReason
from ..selectors.queue import queue_next_undecided as next_undecided_find
from ..services.screening import screening_set_many
from ._common import (
    PER_PAGE,
    curator_required,
    editor_required,
    error_response,
    is_htmx,
    nav_query,
    queue_filters,
    review_or_404,
    safe_next,
)

# The out-of-scope reasons in the order of their keys ("o" then 1…6 in a queue row), with short labels for buttons.
REASON_SHORT = {
    OutOfScopeReason.NOT_CAF: "no CAF",
    OutOfScopeReason.NOT_EV: "no EV",
    OutOfScopeReason.NOT_PRIMARY: "not primary",
    OutOfScopeReason.NO_MECHANISM: "no mechanism",
    OutOfScopeReason.DUPLICATE: "duplicate",
    OutOfScopeReason.OTHER: "other (say what in the note)",
}
REASON_KEYS = [(str(number), value, REASON_SHORT[value]) for number, value in enumerate(OutOfScopeReason.values, 1)]
RESET = "reset"  # ?reset=1 shows the whole queue and forgets the remembered filters


def _filters_key(pmid: int) -> str:
    return f"curation-queue-filters:{pmid}"


def _remembered_filters(request, pmid: int) -> HttpResponse | None:
    """The queue remembers its filters per review in the session: opening it bare brings them back; filtering
    or ?reset=1 replaces them. A redirect to the remembered filters, or None to show what was asked."""
    if not request.user.is_authenticated:
        return None
    key = _filters_key(pmid)
    asked = any(name in request.GET for name in QueueFilterForm.FIELDS)
    if asked or RESET in request.GET:
        request.session[key] = nav_query(request.GET)
        return None
    if not request.GET and request.session.get(key):
        return redirect(f"{request.path}?{request.session[key]}")
    return None


def _queue_context(request, review, filters, form, page) -> dict:
    can_curate = roles.is_curator(request.user)
    return {
        "review": review,
        "article": review.article,
        "form": form,
        "page": page,
        "nav": nav_query(request.GET),
        "can_curate": can_curate,
        "is_editor": roles.is_editor(request.user),
        "filtered": bool(filters),
        "reason_keys": REASON_KEYS,
    }


@require_GET
def queue(request, pmid: int):
    review = review_or_404(pmid)
    if remembered := _remembered_filters(request, pmid):
        return remembered
    can_curate = roles.is_curator(request.user)
    form, filters = queue_filters(request, can_curate=can_curate)
    page = Paginator(selectors.curation_queue(review=review, user=request.user, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = _queue_context(request, review, filters, form, page)
    if context["is_editor"]:
        context["curators"] = selectors.curator_list()
    if is_htmx(request) and request.headers.get("HX-Target") == "queue-results":
        return render(request, "curation/_queue_results.html", context)
    context["counts"] = selectors.queue_counts(review=review, user=request.user)
    return render(request, "curation/queue.html", context)


@require_POST
@editor_required
def assign(request, pmid: int):
    review = review_or_404(pmid)
    back = safe_next(request, reverse("curation-queue", args=[pmid]))
    ids = ids_parse(request.POST.getlist("citations"), field="citations")
    curator_id = optional_id(request.POST.get("curator"), field="curator")
    curator = selectors.curator_list().filter(pk=curator_id).first() if curator_id else None
    citations = list(citations_by_id(ids=ids, review=review).values())
    if not citations or curator is None:
        messages.error(request, "Tick some citations and choose a curator to assign them to.")
        return redirect(back)
    try:
        services.assignment_create(citations=citations, curator=curator, user=request.user)
    except ApplicationError as error:
        return error_response(request, error, back=back)
    count = len(citations)
    messages.success(request, f"Assigned {count} citation{'s' if count != 1 else ''} to {curator}.")
    return redirect(back)


@require_POST
@curator_required
def queue_screen(request, pmid: int):
    """Screen one row or the ticked rows of the queue with one decision, reason and note. htmx gets the changed
    rows back (swapped in out of band) with the message; a plain form post goes back to the queue."""
    started = time.perf_counter()
    review = review_or_404(pmid)
    back = safe_next(request, reverse("curation-queue", args=[pmid]))
    form = BulkScreeningForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return error_response(request, ApplicationError(first), back=back)
    data = form.cleaned_data
    citations = citations_by_id(ids=data["citations"], review=review)
    if missing := [pk for pk in data["citations"] if pk not in citations]:
        return error_response(
            request, ApplicationError(f"No citation {missing[0]} in this review.", status_code=404), back=back
        )
    try:
        decided = screening_set_many(
            citations=[citations[pk] for pk in data["citations"]],
            user=request.user,
            decision=data["decision"],
            reason=data["reason"],
            note=data["note"],
        )
    except ApplicationError as error:
        return error_response(request, error, back=back)
    first = decided[0]
    text = first.get_decision_display() + (f" ({first.get_reason_display().lower()})" if first.reason else "")
    count = len(decided)
    messages.success(request, f"Screening: {text}" + (f", {count} citations." if count > 1 else "."))
    if not is_htmx(request):
        return redirect(back)
    rows = selectors.curation_queue(review=review, user=request.user).filter(pk__in=data["citations"])
    form_filters = QueueFilterForm(request.GET, readers_only=False)
    context = _queue_context(request, review, form_filters.filters(), form_filters, None) | {"rows": rows}
    context["counts"] = selectors.queue_counts(review=review, user=request.user)  # the progress, swapped in too
    response = render(request, "curation/_queue_rows_oob.html", context)
    response["HX-Retarget"] = "#flash"
    response["HX-Reswap"] = "innerHTML"
    # The time the server spent on the decision, for the browser's network panel and the screening benchmark.
    response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


@require_GET
def queue_next_undecided(request, pmid: int):
    """`n` past the last undecided row of a page: the queue page holding the next undecided citation."""
    review = review_or_404(pmid)
    _, filters = queue_filters(request, can_curate=roles.is_curator(request.user))
    after = optional_id(request.GET.get("after"), field="after")
    found = next_undecided_find(review=review, filters=filters, after=after, user=request.user)
    nav = nav_query(request.GET)
    url = reverse("curation-queue", args=[pmid])
    if found is None:
        messages.info(request, "Every citation in this list is screened.")
        return redirect(f"{url}?{nav or RESET}")
    citation_id, position = found
    page = (position - 1) // PER_PAGE + 1
    query = "&".join(part for part in (nav, f"page={page}" if page > 1 else "", f"focus={citation_id}") if part)
    return redirect(f"{url}?{query}#citation-{citation_id}")


@curator_required
@require_GET
def my_queue(request):
    page = Paginator(selectors.citation_list_assigned(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "curation/my_queue.html", {"page": page})
