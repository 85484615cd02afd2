"""The public pages: home, a review with its citation tabs, an article."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cafex_portal.forms import optional_id
from cafex_portal.roles import is_curator, is_editor

from .. import selectors
from ..models import Citation
from ._common import found
from .citation_filters import CitationFilterForm

TABS = [
    (Citation.Relation.REFERENCE, "References"),
    (Citation.Relation.CITED_BY, "Cited by"),
    (Citation.Relation.SIMILAR, "Similar"),
]
CITATIONS_PER_PAGE = 100
# The tab the evidence app fills (accepted mechanisms); the page holds only its slot, see review_detail.html.
MECHANISMS_TAB = "mechanisms"


def home(request):
    editor = is_editor(request.user)
    return render(
        request,
        "articles/home.html",
        {
            "reviews": selectors.review_list_named(),
            "is_editor": editor,
            # A PMID NCBI did not know has no name to show: only editors see it, to retry or discard it.
            "unnamed": selectors.review_list_unnamed() if editor else [],
        },
    )


def review_detail(request, pmid: int):
    review = found(selectors.review_get(pmid=pmid), "No review with this PMID.")
    relation = request.GET.get("tab", Citation.Relation.REFERENCE)
    if relation not in [*Citation.Relation.values, MECHANISMS_TAB]:
        relation = Citation.Relation.REFERENCE
    filters = CitationFilterForm(request.GET)
    filters.is_valid()
    page = None
    if relation != MECHANISMS_TAB:
        citations = filters.apply(selectors.citation_list(review=review, relation=relation))
        wanted = optional_id(request.GET.get("citation"), field="citation")
        number = _page_of(citations, wanted) if wanted and not request.GET.get("page") else request.GET.get("page")
        page = Paginator(citations, CITATIONS_PER_PAGE).get_page(number)
    counts = {
        Citation.Relation.REFERENCE: review.reference_count,
        Citation.Relation.CITED_BY: review.cited_by_count,
        Citation.Relation.SIMILAR: review.similar_count,
    }
    editor = is_editor(request.user)
    return render(
        request,
        "articles/review_detail.html",
        {
            "review": review,
            "article": review.article,
            "tabs": [(value, label, counts[value]) for value, label in TABS],
            "relation": relation,
            "mechanisms_tab": MECHANISMS_TAB,
            "page": page,
            "citation_ids": ",".join(str(citation.pk) for citation in page) if page else "",
            "filters": filters,
            "is_editor": editor,
            "is_curator": is_curator(request.user),
            "run": selectors.sync_run_latest(review=review),
            "alerts": selectors.editor_alerts_open(review=review) if editor else [],
        },
    )


def _page_of(citations, citation_id: int) -> int:
    """The page number that shows `citation_id` in this list (the first page if it is not in it): the evidence
    pages link to a citation's place in its review."""
    ids = list(citations.values_list("pk", flat=True))
    return ids.index(citation_id) // CITATIONS_PER_PAGE + 1 if citation_id in ids else 1


def article_detail(request, pk: int):
    article = found(selectors.article_get(pk=pk), "No article with this id.")
    citations = selectors.article_citing_reviews(article=article)
    return render(request, "articles/article_detail.html", {"article": article, "citations": citations})
