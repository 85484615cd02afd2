"""The editors' dashboard and the review list they manage: thin views over dashboard.selectors and the services."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from articles import services as article_services
from cafex_portal.exceptions import ApplicationError
from cafex_portal.roles import is_editor

from . import selectors, services
from .feeds import feed_token
from .forms import DashboardFilterForm
from .svg import bar_chart

REFUSED = "The dashboard is for editors. Ask an editor to give you the editor role if you need it."


def editor_page(view):
    """Log in first; then a 403 page for anyone who is not an editor (the selectors and services check again)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_editor(request.user):
            return render(request, "dashboard/forbidden.html", {"message": REFUSED}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _review_or_404(request, pmid: int | None):
    if pmid is None:
        return None
    review = selectors.review_for_dashboard(user=request.user, pmid=pmid)
    if review is None:
        raise Http404("No review with this PMID.")
    return review


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@editor_page
def dashboard(request):
    form = DashboardFilterForm(request.GET)
    if not form.is_valid():
        raise BadRequest("; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
    review = _review_or_404(request, form.cleaned_data["review"])
    person_id = form.cleaned_data["person"]
    user = request.user
    rows, total = selectors.progress(user=user, review=review)
    people, weeks = selectors.curator_stats(user=user, review=review)
    throughput = selectors.weekly_totals(people)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "review": review,
            "person_id": person_id,
            "rows": rows,
            "total": total,
            "people": people,
            "weeks": weeks,
            "chart": bar_chart(throughput, [week.strftime("%d %b") for week in weeks]),
            "alerts": selectors.alerts(user=user, review=review),
            "term_proposals": selectors.term_proposals_waiting(user=user),
            "activity": selectors.activity(user=user, review=review, person_id=person_id),
            "person_choices": [row.person for row in people],
            "review_choices": selectors.review_choices(user=user),
            "feed_url": request.build_absolute_uri(reverse("dashboard-feed", args=[feed_token(user)]))
            + (f"?{request.GET.urlencode()}" if request.GET else ""),
        },
    )


@require_POST
@editor_page
def alert_dismiss(request, pk: int):
    if selectors.alert_get(user=request.user, pk=pk) is None:
        raise Http404("No alert with this id.")
    if services.alert_dismiss(alert_id=pk, user=request.user):
        messages.success(request, "Alert dismissed.")
    else:
        messages.info(request, "Someone had already dismissed this alert.")
    return redirect(_back(request, reverse("dashboard")))


@require_POST
@editor_page
def citing_papers_seen(request, pmid: int):
    review = _review_or_404(request, pmid)
    services.citing_papers_seen(review=review, user=request.user)
    messages.success(request, f"New citing papers of PMID {pmid} marked as seen.")
    return redirect(_back(request, reverse("dashboard")))


@editor_page
def review_list(request):
    return render(request, "dashboard/reviews.html", {"reviews": selectors.review_list_managed(user=request.user)})


def _review_action(action, done: str):
    @require_POST
    @editor_page
    def view(request, pmid: int):
        review = _review_or_404(request, pmid)
        try:
            action(review=review, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done.format(pmid=pmid))
        return redirect(_back(request, reverse("dashboard-reviews")))

    return view


review_archive = _review_action(article_services.review_archive, "Review PMID {pmid} archived: hidden from the public.")
review_restore = _review_action(article_services.review_restore, "Review PMID {pmid} restored: public again.")
review_delete = _review_action(article_services.review_delete, "Review PMID {pmid} deleted.")
