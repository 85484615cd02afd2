"""Reads of articles, reviews and citations, shaped for pages and the API without N+1 queries."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from .models import Article, Citation, EditorAlert, Review, SyncRun


def review_list() -> QuerySet[Review]:
    relation = Citation.Relation
    return (
        Review.objects.select_related("article")
        .annotate(
            reference_count=Count("citations", filter=Q(citations__relation=relation.REFERENCE)),
            cited_by_count=Count("citations", filter=Q(citations__relation=relation.CITED_BY)),
            similar_count=Count("citations", filter=Q(citations__relation=relation.SIMILAR)),
            unresolved_count=Count(
                "citations", filter=Q(citations__relation=relation.REFERENCE, citations__article__isnull=True)
            ),
        )
        .order_by("created_at", "pk")
    )


def review_get(*, pmid: int) -> Review | None:
    """The review with its counts per relation, for its page and the API."""
    return review_list().filter(article__pmid=pmid).first()


def review_by_pmid(*, pmid: int) -> Review | None:
    """The review alone (with its article), for checks and writes that need no counts."""
    return Review.objects.select_related("article").filter(article__pmid=pmid).first()


def citation_list(*, review: Review, relation: str | None = None) -> QuerySet[Citation]:
    """Citations of a review: references in the review's order, citing papers newest first, similar by score."""
    citations = Citation.objects.filter(review=review).select_related("article")
    return citations_of_relation(citations, relation) if relation else citations.order_by("relation", "position", "pk")


def citations_of_relation(citations: QuerySet[Citation], relation: str) -> QuerySet[Citation]:
    """The citations of one relation, in that relation's own order."""
    citations = citations.filter(relation=relation)
    if relation == Citation.Relation.CITED_BY:
        return citations.order_by("-article__pub_year", "-article__pmid")
    if relation == Citation.Relation.SIMILAR:
        return citations.order_by("-score", "-article__pub_year", "article__pmid")
    return citations.order_by("position", "pk")


def citation_get(*, pk: int) -> Citation | None:
    return Citation.objects.select_related("article", "review__article").filter(pk=pk).first()


def citations_by_id(*, ids: list[int], review: Review | None = None) -> dict[int, Citation]:
    """The citations with these ids (of `review`, when given), keyed by id; missing ids are simply absent."""
    citations = Citation.objects.select_related("article")
    if review is not None:
        citations = citations.filter(review=review)
    return citations.in_bulk(ids)


def article_list() -> QuerySet[Article]:
    return Article.objects.all()


def article_get(*, pk: int) -> Article | None:
    """One article with its notices, for its page."""
    return Article.objects.prefetch_related("notices").filter(pk=pk).first()


def article_citing_reviews(*, article: Article) -> QuerySet[Citation]:
    """Where the article stands in the portal's reviews: each review and relation it belongs to."""
    return article.citations.select_related("review__article").order_by("review", "relation")


def sync_run_list() -> QuerySet[SyncRun]:
    """Sync runs, newest first, with what their summaries show."""
    return SyncRun.objects.select_related("review__article", "started_by").order_by("-created_at", "-pk")


def sync_run_get(*, pk: int) -> SyncRun | None:
    return sync_run_list().filter(pk=pk).first()


def sync_run_latest(*, review: Review) -> SyncRun | None:
    return SyncRun.objects.filter(review=review).select_related("started_by").order_by("-created_at", "-pk").first()


def editor_alerts_open(*, review: Review) -> list[EditorAlert]:
    """Unacknowledged alerts about papers in this review's network."""
    return list(
        EditorAlert.objects.filter(acknowledged_at__isnull=True, article__citations__review=review)
        .select_related("article")
        .distinct()
        .order_by("-created_at")
    )


def articles_by_doi(dois: list[str]) -> dict[str, Article]:
    """Stored articles holding any of `dois`, keyed by the lower-cased DOI (a DOI is unique ignoring case)."""
    wanted = {doi.lower() for doi in dois if doi}
    if not wanted:
        return {}
    holders = Article.objects.annotate(doi_lower=Lower("doi")).filter(doi_lower__in=wanted)
    return {article.doi_lower: article for article in holders}
