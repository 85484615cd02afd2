"""The public evidence pages, and the fragments the review and article pages load from here.

The articles app must not import curation or evidence, so its pages hold empty slots that htmx fills on load
(`hx-get`, `hx-trigger="load"`) from the fragments below: the dependency stays one-way, and the fragments are
rendered here, server-side, from the same selectors as the evidence browser.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.models import Article
from articles.selectors import review_list
from cafex_portal.forms import ids_parse
from curation.models import Facet

from . import selectors
from .filters import SORTS, EvidenceFilter

PER_PAGE = 50
FACET_VALUES_SHOWN = 40
MAX_CHIP_CITATIONS = 200  # the review page shows 100 citations a page
MECHANISMS_SHOWN = 100  # the Mechanisms tab's first rows; the evidence browser pages through the rest
MATRICES = [(Facet.CARGO_TYPE, Facet.EFFECT), (Facet.CANCER_TYPE, Facet.EFFECT)]
NETWORK_FILTERS = ("cancer_type", "recipient_cell")
# The browser form's own fields; the facet filters travel with it as hidden fields.
PAPER_FILTERS = ("review", "relation", "year_min", "year_max", "sort", "page")


def _found(thing, message: str):
    if thing is None:
        raise Http404(message)
    return thing


def _filtered(request) -> tuple[EvidenceFilter, int]:
    """The request's filters over the accepted annotations, and the status to answer with (400 if any is bad)."""
    filterset = EvidenceFilter(request.GET, queryset=selectors.accepted_annotations())
    return filterset, 200 if filterset.is_valid() else 400


def _chosen(request, facets: list[selectors.FacetCounts]) -> list[tuple[str, str]]:
    """(facet label, value) of every facet filter in the request: the term's label where the counts name it."""
    chosen = []
    for counts in facets:
        wanted = request.GET.get(counts.facet)
        if wanted:
            named = [value.label for value in counts.values if value.active]
            chosen.append((counts.label, ", ".join(named) or wanted))
    return chosen


@require_GET
def evidence_browser(request):
    filterset, status = _filtered(request)
    annotations = filterset.qs if status == 200 else selectors.accepted_annotations().none()
    summary = selectors.evidence_summary(annotations)
    paginator = Paginator(selectors.evidence_rows(annotations), PER_PAGE)
    paginator.count = summary["mechanisms"]  # counted with the summary already
    facets = selectors.evidence_facet_counts(annotations)
    for counts in facets:
        counts.values = counts.values[:FACET_VALUES_SHOWN]
        _link_values(request, counts)
    context = {
        "filterset": filterset,
        "page": paginator.get_page(request.GET.get("page")),
        "summary": summary,
        "facets": facets,
        "chosen": _chosen(request, facets),
        "sorts": [(value, label) for value, (label, _) in SORTS.items()],
        "sort": request.GET.get("sort") or "newest",
        "query": request.GET.urlencode(),
        "kept_out": PAPER_FILTERS,
    }
    return render(request, "evidence/browser.html", context, status=status)


def _link_values(request, counts: selectors.FacetCounts) -> None:
    """Each value links to the current filters with it added, or, when already chosen, without it."""
    chosen = {value.strip().casefold() for value in request.GET.get(counts.facet, "").split(",")}
    for value in counts.values:
        query = request.GET.copy()
        query.pop("page", None)
        value.active = str(value.id) in chosen or value.label.casefold() in chosen
        if value.active:
            query.pop(counts.facet, None)
        else:
            query[counts.facet] = str(value.id)
        value.href = f"?{query.urlencode()}"


@require_GET
def evidence_pictures(request):
    """The citations per year of a review, the two mechanism matrices and the mechanism network."""
    filterset, status = _filtered(request)
    annotations = filterset.qs if status == 200 else selectors.accepted_annotations().none()
    reviews = list(review_list())
    review = next((r for r in reviews if str(r.article.pmid) == request.GET.get("review")), None)
    review = review or (reviews[0] if reviews else None)
    years = selectors.citations_per_year(review=review) if review else []
    network_choices = selectors.evidence_facet_counts(selectors.accepted_annotations(), facets=list(NETWORK_FILTERS))
    for counts in network_choices:
        for value in counts.values:
            value.active = str(value.id) == request.GET.get(counts.facet)
    network_query = urlencode({name: request.GET[name] for name in NETWORK_FILTERS if request.GET.get(name)})
    context = {
        "filterset": filterset,
        "reviews": reviews,
        "review": review,
        "years": years,
        "bars": year_bars(years),
        "matrices": [selectors.evidence_matrix(annotations, rows, columns) for rows, columns in MATRICES],
        # The network's own filters offer every value of the public record, whatever the page's filters.
        "network_choices": network_choices,
        "network_query": network_query,
    }
    return render(request, "evidence/pictures.html", context, status=status)


# The bar chart's geometry, in SVG user units.
CHART_HEIGHT = 160
BAR_WIDTH = 18
BAR_GAP = 6


def year_bars(years: list[dict]) -> dict:
    """Stacked bars (references below, citing papers above) laid out for an inline SVG; no script needed."""
    most = max((year["reference"] + year["cited_by"] for year in years), default=0)
    scale = CHART_HEIGHT / most if most else 0
    bars = []
    for index, year in enumerate(years):
        x = index * (BAR_WIDTH + BAR_GAP)
        reference = round(year["reference"] * scale, 1)
        cited_by = round(year["cited_by"] * scale, 1)
        bars.append(
            {
                **year,
                "x": x,
                "label_x": x + BAR_WIDTH / 2,
                "reference_y": CHART_HEIGHT - reference,
                "reference_h": reference,
                "cited_by_y": CHART_HEIGHT - reference - cited_by,
                "cited_by_h": cited_by,
            }
        )
    return {
        "bars": bars,
        "width": max(len(years) * (BAR_WIDTH + BAR_GAP), 1),
        "height": CHART_HEIGHT,
        "bar_width": BAR_WIDTH,
        "most": most,
    }


@require_GET
def term_page(request, facet: str, label: str):
    if facet not in Facet.values:
        raise Http404("No such facet.")
    term = _found(selectors.term_by_label(facet=facet, label=label), "No term with this name.")
    annotations = selectors.term_annotations(term=term)
    summary = selectors.evidence_summary(annotations)
    paginator = Paginator(selectors.evidence_rows(annotations).order_by(*SORTS["newest"][1]), PER_PAGE)
    paginator.count = summary["mechanisms"]
    context = {
        "term": term,
        "facet_label": Facet(facet).label,
        "summary": summary,
        "page": paginator.get_page(request.GET.get("page")),
        "co_occurring": selectors.term_co_occurring(term=term),
    }
    return render(request, "evidence/term.html", context)


# --- fragments for the articles pages ----------------------------------------------------------------------------


@require_GET
def review_citation_chips(request, pmid: int):
    """Out-of-band swaps, one per listed citation: its screening decision and its accepted mechanisms as chips."""
    review = _found(selectors.public_review(pmid=pmid), "No review with this PMID.")
    ids = ids_parse([value for value in request.GET.get("ids", "").split(",") if value], field="ids")
    if len(ids) > MAX_CHIP_CITATIONS:
        return HttpResponse(f"ids: at most {MAX_CHIP_CITATIONS} citations.", status=400, content_type="text/plain")
    citations = selectors.citation_evidence(review=review, citation_ids=ids)
    count = selectors.review_evidence(review=review).count()
    return render(request, "evidence/_citation_chips.html", {"citations": citations, "mechanism_count": count})


@require_GET
def review_mechanisms(request, pmid: int):
    """The review page's Mechanisms tab: every accepted mechanism of the review, in the review's order."""
    review = _found(selectors.public_review(pmid=pmid), "No review with this PMID.")
    annotations = selectors.review_evidence(review=review)
    rows = selectors.evidence_rows(annotations).order_by(*SORTS["review"][1])[:MECHANISMS_SHOWN]
    context = {"review": review, "annotations": rows, "total": annotations.count()}
    return render(request, "evidence/_review_mechanisms.html", context)


@require_GET
def article_mechanisms(request, pk: int):
    article = get_object_or_404(Article.objects.only("pk"), pk=pk)
    annotations = selectors.article_mechanisms(article=article)
    return render(request, "evidence/_article_mechanisms.html", {"annotations": annotations})
