"""What every curation page shares: access checks, htmx-aware responses and the lookups pages are built from."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from articles.models import Citation, Review
from articles.selectors import review_by_pmid
from cafex_portal import roles
from cafex_portal.exceptions import ApplicationError, NotAllowedError

from .. import access, selectors
from ..forms import QueueFilterForm
from ..highlight import Highlighter
from ..models import Facet, MechanismAnnotation

PER_PAGE = 50
TERM_SUGGESTIONS = 12


# --- access -------------------------------------------------------------------------------------------------------


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def forbidden(request, message: str) -> HttpResponse:
    if is_htmx(request):
        messages.error(request, message)
        return flash_response(request, status=403)
    return render(request, "curation/forbidden.html", {"message": message}, status=403)


def to_login(request) -> HttpResponse:
    # Our own login page (LOGIN_URL): the admin's refuses curators who are not staff. Closed public reads are
    # the PrivateReadMiddleware's business, for every page at once.
    return redirect_to_login(request.get_full_path())


def role_required(check, message: str):
    """Log in first; then a clear 403 page for someone whose role does not allow the page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if is_htmx(request):
                    messages.error(request, "Your session has ended: log in again.")
                    return flash_response(request, status=401)
                return to_login(request)
            if not check(request.user):
                return forbidden(request, message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


curator_required = role_required(
    roles.is_curator, "Only curators can do this. Ask an editor to add you to the curators."
)
editor_required = role_required(roles.is_editor, "Only editors review annotations.")


# --- responses ----------------------------------------------------------------------------------------------------


def flash_response(request, *, status: int = 200) -> HttpResponse:
    """The pending messages alone, swapped into #flash: htmx swaps 4xx answers there (see the page's htmx-config)."""
    response = render(request, "curation/_flash.html", status=status)
    response["HX-Retarget"] = "#flash"
    response["HX-Reswap"] = "innerHTML"
    return response


def error_response(request, error: ApplicationError, *, back: str) -> HttpResponse:
    if isinstance(error, NotAllowedError):
        return forbidden(request, error.message)
    messages.error(request, error.message)
    if is_htmx(request):
        return flash_response(request, status=error.status_code)
    return redirect(back)


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def nav_query(data) -> str:
    """The queue filters of a query string, re-encoded: they ride along from the queue into the workspace."""
    pairs = [(name, data.get(name)) for name in QueueFilterForm.FIELDS if data.get(name)]
    return urlencode(pairs)


def workspace_url(citation: Citation, nav: str = "", anchor: str = "") -> str:
    url = reverse("curation-workspace", args=[citation.review.article.pmid, citation.pk])
    return url + (f"?{nav}" if nav else "") + (f"#{anchor}" if anchor else "")


# --- lookups ------------------------------------------------------------------------------------------------------


def review_or_404(pmid: int) -> Review:
    review = review_by_pmid(pmid=pmid)
    if review is None:
        raise Http404("No review with this PMID.")
    return review


def citation_or_404(review: Review, citation_id: int) -> Citation:
    citation = selectors.citation_in_review(review=review, pk=citation_id)
    if citation is None:
        raise Http404("No such citation in this review.")
    return citation


def annotation_or_404(pk: int) -> MechanismAnnotation:
    annotation = selectors.annotation_with_citation(pk=pk)
    if annotation is None:
        raise Http404("No such annotation.")
    return annotation


def queue_filters(request, *, can_curate: bool) -> tuple[QueueFilterForm, dict]:
    form = QueueFilterForm(request.GET, readers_only=not can_curate)
    filters = form.filters()
    if "assignee" in filters:
        filters["assignee"] = {"me": request.user, "none": "none"}.get(filters["assignee"], filters["assignee"])
    return form, filters


def decorate(annotations, user) -> list[MechanismAnnotation]:
    """Attach what a card shows: facet rows in the vocabulary's order and the actions this user may take."""
    labels = dict(Facet.choices)
    annotations = list(annotations)
    can_curate = roles.is_curator(user)
    for annotation in annotations:
        grouped = annotation.values_by_facet()
        annotation.facet_rows = [(labels[facet], terms) for facet, terms in grouped.items() if terms]
        annotation.perms = access.annotation_permissions(user, annotation)
        # "Duplicate this record" starts a new record of the user's own from one they can see.
        annotation.can_duplicate = can_curate and annotation.perms["view"]
    return annotations


def annotation_card(request, pk: int, template: str = "curation/_annotation.html", **context) -> HttpResponse:
    annotation = decorate(selectors.annotation_cards(user=request.user, pk=pk), request.user)
    if not annotation:
        # Deleted, or no longer visible to this user: swap the card out and say what happened.
        return render(request, "curation/_flash_oob.html")
    return render(request, template, {"annotation": annotation[0], "oob_flash": True, **context})


def highlighter_for(citation: Citation) -> Highlighter | None:
    """Marks the vocabulary in the title and abstract with the selector's pattern, compiled once per vocabulary
    state: the page scans each text once, while marking it."""
    if citation.article is None:
        return None
    index = selectors.term_highlight_index()
    return Highlighter(index.pattern, index.terms)


def neighbours(request, review: Review, citation: Citation, *, can_curate: bool) -> dict:
    """Links to the previous and next citation of the queue the curator came from (selectors.queue_place)."""
    _, filters = queue_filters(request, can_curate=can_curate)
    place = selectors.queue_place(review=review, citation=citation, filters=filters, user=request.user)
    nav = nav_query(request.GET)
    suffix = f"?{nav}" if nav else ""

    def url(pk: int | None) -> str:
        return reverse("curation-workspace", args=[review.article.pmid, pk]) + suffix if pk else ""

    return {
        "previous_url": url(place.previous_id),
        "next_url": url(place.next_id),
        "position": place.position,
        "total": place.total,
        "nav": nav,
        "queue_url": reverse("curation-queue", args=[review.article.pmid]) + suffix,
    }


def field_labels() -> dict[str, str]:
    return dict(Facet.choices) | {
        "quote": "Quote",
        "figure": "Figure",
        "confidence": "Confidence",
        "notes": "Notes",
        "cell_lines": "Cell lines (in vitro)",
        "animal_model": "Animal model (in vivo)",
        "species": "Species",
        "patient_samples": "Patient samples",
        "clinical_cohort": "Clinical cohort",
    }


def show_value(value) -> str:
    """A snapshot value as text: term lists by label, everything else as is."""
    if isinstance(value, list | tuple):
        return "; ".join(str(item.get("label", item)) if isinstance(item, dict) else str(item) for item in value)
    return str(value or "")
