"""The editors' inbox of submitted annotations, with bulk accept."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cafex_portal.exceptions import ApplicationError
from cafex_portal.forms import ids_parse

from .. import selectors, services
from ..selectors.vocabulary import term_proposals
from ._common import (
    PER_PAGE,
    decorate,
    editor_required,
    error_response,
)


@editor_required
@require_GET
def inbox(request):
    waiting = selectors.annotation_list_awaiting_review(user=request.user)
    annotations = waiting.prefetch_related(selectors.comments_prefetch())
    page = Paginator(annotations, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = decorate(page.object_list, request.user)
    return render(request, "curation/inbox.html", {"page": page, "proposals": term_proposals()})


@require_POST
@editor_required
def bulk_accept(request):
    ids = ids_parse(request.POST.getlist("annotations"), field="annotations")
    back = reverse("curation-inbox")
    if not ids:
        messages.error(request, "Tick the annotations to accept first.")
        return redirect(back)
    try:
        found = selectors.annotations_by_id(ids=ids)
        accepted = services.annotation_bulk_accept(annotations=list(found.values()), user=request.user)
    except ApplicationError as error:
        return error_response(request, error, back=back)
    count = len(accepted)
    messages.success(request, f"Accepted {count} annotation{'s' if count != 1 else ''}.")
    return redirect(back)
