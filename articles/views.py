from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import selectors
from .models import Article, Citation

TABS = [
    (Citation.Relation.REFERENCE, "References"),
    (Citation.Relation.CITED_BY, "Cited by"),
    (Citation.Relation.SIMILAR, "Similar"),
]
CITATIONS_PER_PAGE = 100


def home(request):
    return render(request, "articles/home.html", {"reviews": selectors.review_list()})


def review_detail(request, pmid: int):
    review = selectors.review_get(pmid=pmid)
    if review is None:
        raise Http404("No review with this PMID.")
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
    return render(
        request,
        "articles/review_detail.html",
        {
            "review": review,
            "article": review.article,
            "tabs": [(value, label, counts[value]) for value, label in TABS],
            "relation": relation,
            "page": page,
        },
    )


def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.prefetch_related("notices"), pk=pk)
    citations = article.citations.select_related("review__article").order_by("review", "relation")
    return render(request, "articles/article_detail.html", {"article": article, "citations": citations})
