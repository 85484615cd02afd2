"""The editors' inbox of submitted annotations, with bulk accept."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cafex_portal.exceptions import ApplicationError

from .. import selectors, services
from ..models import MechanismAnnotation
from ._common import (
    PER_PAGE,
    comments_prefetch,
    decorate,
    editor_required,
    error_response,
)


@editor_required
@require_GET
def inbox(request):
    annotations = selectors.annotation_list_awaiting_review(user=request.user).prefetch_related(comments_prefetch())
    page = Paginator(annotations, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = decorate(page.object_list, request.user)
    return render(request, "curation/inbox.html", {"page": page})


@require_POST
@editor_required
def bulk_accept(request):
    ids = [int(pk) for pk in request.POST.getlist("annotations") if pk.isdigit()]
    back = reverse("curation-inbox")
    if not ids:
        messages.error(request, "Tick the annotations to accept first.")
        return redirect(back)
    try:
        accepted = services.annotation_bulk_accept(
            annotations=MechanismAnnotation.objects.filter(pk__in=ids), user=request.user
        )
    except ApplicationError as error:
        return error_response(request, error, back=back)
    count = len(accepted)
    messages.success(request, f"Accepted {count} annotation{'s' if count != 1 else ''}.")
    return redirect(back)
