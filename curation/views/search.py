"""The search page: full text over every review's citations, narrowed by facets with counts.

It lives in the curation app because its facets are curation data (screening, accepted mechanisms, vocabulary
terms); the text part is articles.search. Every facet value is a link that adds one query parameter, so the page
works without script, and a bad value in a shared link drops that filter instead of failing the page.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.models import Citation
from articles.search import snippet_html
from cafex_portal import roles

from .. import selectors
from ..forms import SearchForm
from ..models import ScreeningDecision, Term
from ..selectors.search import SearchFilters

PER_PAGE = 20
# Filters chosen by link, carried as hidden fields when the text or the years change.
KEPT = ("review", "relation", "journal", "publication_type", "retracted", "decision", "accepted", "term")


@require_GET
def search_page(request):
    form = SearchForm(request.GET)
    filters = form.search_filters()
    facets = selectors.search_facets(filters=filters)
    paginator = Paginator(selectors.search_results(filters=filters), PER_PAGE)
    paginator.count = facets.total  # counted with the facets already
    page = paginator.get_page(request.GET.get("page"))
    for citation in page.object_list:
        _mark(citation, searched=bool(filters.q))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "facets": facets,
        "can_curate": roles.is_curator(request.user),
        "relations": [(value, label, facets.counts.get(value, 0)) for value, label in Citation.Relation.choices],
        "decisions": [
            (value, label, facets.counts.get(value, 0)) for value, label in ScreeningDecision.Decision.choices
        ],
        "term": _chosen_term(filters, facets),
        "kept": [(name, request.GET[name]) for name in KEPT if request.GET.get(name)],
        "export_query": _export_query(request),
        "review_title": next((row["title"] for row in facets.reviews if row["pmid"] == filters.review), ""),
    }
    return render(request, "curation/search.html", context)


def _mark(citation: Citation, *, searched: bool) -> None:
    """The title and snippet as the page shows them: plain text, escaped, matches in <mark>."""
    article = citation.article
    citation.title_html = snippet_html(citation.search_title if searched else article.plain_title)
    citation.snippet_html = snippet_html(citation.search_snippet) if searched else ""
    # A title match's snippet is the title itself, shown already.
    citation.snippet_is_title = searched and citation.search_snippet == citation.search_title


def _chosen_term(filters: SearchFilters, facets) -> dict | Term | None:
    if not filters.term:
        return None
    listed = (term for _, terms in facets.terms for term in terms if term["id"] == filters.term)
    vocabulary = Term.objects.exclude(status__in=[Term.Status.PROPOSED, Term.Status.REFUSED])  # no proposals
    return next(listed, None) or vocabulary.filter(pk=filters.term).values("id", "label").first()


def _export_query(request) -> str:
    """The search's own parameters, for the download links (which add `format`)."""
    query = request.GET.copy()
    for name in ("page", "format"):
        query.pop(name, None)
    return query.urlencode()
