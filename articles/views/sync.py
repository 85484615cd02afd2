"""Editors' pages: adding a review, starting a sync and following it, acknowledging alerts."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from cafex_portal.exceptions import ApplicationError, NotAllowedError
from cafex_portal.roles import is_editor

from .. import selectors, services
from ..forms import AlertAcknowledgeForm, ReviewAddForm
from ..models import SyncRun
from ._common import found


def review_add_page(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_editor(request.user):
        raise PermissionDenied("Only editors can add reviews.")
    form = ReviewAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review, _, created = services.review_add(
                pmid=form.cleaned_data["pmid"], user=request.user, trigger=SyncRun.Trigger.PAGE
            )
        except ApplicationError as exc:
            form.add_error("pmid", exc.message)
        else:
            messages.success(
                request, "Review added; its sync has started." if created else "Review exists; sync started."
            )
            return redirect("review-detail", pmid=review.article.pmid)
    return render(request, "articles/review_add.html", {"form": form})


@require_POST
def review_sync_now(request, pmid: int):
    review = found(selectors.review_by_pmid(pmid=pmid), "No review with this PMID.")
    try:
        run = services.review_sync_request(review=review, user=request.user, trigger=SyncRun.Trigger.PAGE)
    except NotAllowedError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.info(request, f"Sync {run.get_state_display().lower()}.")
    return redirect("review-detail", pmid=pmid)


def sync_run_status(request, pk: int):
    """The progress panel of one run; htmx polls it while the run is active."""
    run = found(selectors.sync_run_get(pk=pk), "No sync run with this id.")
    return render(request, "articles/_sync_status.html", {"run": run, "is_editor": is_editor(request.user)})


@require_POST
def alert_acknowledge(request, pmid: int):
    review = found(selectors.review_by_pmid(pmid=pmid), "No review with this PMID.")
    form = AlertAcknowledgeForm(request.POST)
    if not form.is_valid():
        raise BadRequest("Pick the alerts to acknowledge from the list.")
    try:
        count = services.editor_alert_acknowledge(
            alert_ids=form.cleaned_data["alert"], user=request.user, review=review
        )
    except NotAllowedError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, f"{count} alert{pluralize(count)} acknowledged.")
    return redirect("review-detail", pmid=pmid)
