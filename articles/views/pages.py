"""The public pages: home, a review with its citation tabs, an article."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cafex_portal.roles import is_editor

from .. import selectors
from ..models import Citation
from ._common import found

TABS = [
    (Citation.Relation.REFERENCE, "References"),
    (Citation.Relation.CITED_BY, "Cited by"),
    (Citation.Relation.SIMILAR, "Similar"),
]
CITATIONS_PER_PAGE = 100


def home(request):
    return render(request, "articles/home.html", {"reviews": selectors.review_list()})


def review_detail(request, pmid: int):
    review = found(selectors.review_get(pmid=pmid), "No review with this PMID.")
    relation = request.GET.get("tab", Citation.Relation.REFERENCE)
    if relation not in Citation.Relation.values:
        relation = Citation.Relation.REFERENCE
    page = Paginator(selectors.citation_list(review=review, relation=relation), CITATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
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
            "page": page,
            "is_editor": editor,
            "run": selectors.sync_run_latest(review=review),
            "alerts": selectors.editor_alerts_open(review=review) if editor else [],
        },
    )


def article_detail(request, pk: int):
    article = found(selectors.article_get(pk=pk), "No article with this id.")
    citations = selectors.article_citing_reviews(article=article)
    return render(request, "articles/article_detail.html", {"article": article, "citations": citations})
