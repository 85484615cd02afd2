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
    return review_list().filter(article__pmid=pmid).first()


def citation_list(*, review: Review, relation: str | None = None) -> QuerySet[Citation]:
    """Citations of a review: references in the review's order, citing papers newest first, similar by score."""
    citations = Citation.objects.filter(review=review).select_related("article")
    if relation:
        citations = citations.filter(relation=relation)
    if relation == Citation.Relation.CITED_BY:
        return citations.order_by("-article__pub_year", "-article__pmid")
    if relation == Citation.Relation.SIMILAR:
        return citations.order_by("-score", "-article__pub_year", "article__pmid")
    return citations.order_by("relation", "position", "pk")


def article_list() -> QuerySet[Article]:
    return Article.objects.all()


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
