"""A review's curation queue, assignments, and a curator's own queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles.selectors import citations_by_id
from cafex_portal import roles
from cafex_portal.exceptions import ApplicationError
from cafex_portal.forms import ids_parse, optional_id

from .. import selectors, services
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


@require_GET
def queue(request, pmid: int):
    review = review_or_404(pmid)
    can_curate = roles.is_curator(request.user)
    form, filters = queue_filters(request, can_curate=can_curate)
    page = Paginator(selectors.curation_queue(review=review, **filters), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "article": review.article,
        "form": form,
        "page": page,
        "nav": nav_query(request.GET),
        "can_curate": can_curate,
        "is_editor": roles.is_editor(request.user),
        "filtered": bool(filters),
    }
    if context["is_editor"]:
        context["curators"] = selectors.curator_list()
    if is_htmx(request) and request.headers.get("HX-Target") == "queue-results":
        return render(request, "curation/_queue_results.html", context)
    context["counts"] = selectors.queue_counts(review=review)
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


@curator_required
@require_GET
def my_queue(request):
    page = Paginator(selectors.citation_list_assigned(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "curation/my_queue.html", {"page": page})
