"""The search page's reads: citations found by text (articles.search) and facets, with counts by facet.

The page lists citations, not articles: review, relation and screening belong to an article's place in a review,
and a curator opens that place's workspace. Only citations linked to a PubMed record are searched (an unresolved
reference has no title or abstract to match). Facet counts describe the current results and are aggregate
queries, a fixed number whatever the size of the page or of the portal.
"""

import html
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import strip_tags

from articles import search
from articles.models import Citation
from articles.selectors import ListHas, list_item_counts

from ..models import AnnotationTerm, Facet, MechanismAnnotation, ScreeningDecision
from .queue import RELATION_RANK, _annotation_count

ACCEPTED = MechanismAnnotation.State.ACCEPTED
Decision = ScreeningDecision.Decision
FACET_VALUES = 12  # the commonest values shown for journals and publication types
FACET_TERMS = 30  # the commonest mechanism terms shown, over every vocabulary facet


@dataclass(frozen=True)
class SearchFilters:
    """What the page was asked for; every field is optional."""

    q: str = ""
    review: int | None = None  # the review's PMID
    relation: str = ""
    year_min: int | None = None
    year_max: int | None = None
    journal: str = ""
    publication_type: str = ""
    retracted: bool | None = None
    decision: str = ""  # a ScreeningDecision.Decision; "undecided" includes never screened
    accepted: bool | None = None  # has an accepted mechanism annotation
    term: int | None = None  # a vocabulary term of an accepted annotation


@dataclass
class SearchFacets:
    """Counts over the current results, for the page's facet lists."""

    total: int = 0
    counts: dict[str, Any] = field(default_factory=dict)
    reviews: list[dict] = field(default_factory=list)
    journals: list[tuple[str, int]] = field(default_factory=list)
    publication_types: list[tuple[str, int]] = field(default_factory=list)
    terms: list[tuple[str, list[dict]]] = field(default_factory=list)  # (facet label, terms with counts)


def _accepted_annotation() -> Exists:
    return Exists(MechanismAnnotation.objects.filter(citation=OuterRef("pk"), state=ACCEPTED))


def search_citations(*, filters: SearchFilters) -> QuerySet[Citation]:
    """The citations matching `filters`, unordered and unannotated: what the facets count."""
    citations = Citation.objects.filter(article__isnull=False, review__archived_at__isnull=True)  # public reviews
    if filters.review:
        citations = citations.filter(review__article__pmid=filters.review)
    if filters.relation:
        citations = citations.filter(relation=filters.relation)
    if filters.year_min:
        citations = citations.filter(article__pub_year__gte=filters.year_min)
    if filters.year_max:
        citations = citations.filter(article__pub_year__lte=filters.year_max)
    if filters.journal:
        journal = filters.journal
        citations = citations.filter(
            Q(article__journal_title__iexact=journal) | Q(article__journal_iso__iexact=journal)
        )
    if filters.publication_type:
        citations = citations.filter(ListHas("article__publication_types", filters.publication_type))
    if filters.retracted is not None:
        citations = citations.filter(article__is_retracted=filters.retracted)
    if filters.decision == Decision.UNDECIDED:
        citations = citations.filter(Q(screening__isnull=True) | Q(screening__decision=Decision.UNDECIDED))
    elif filters.decision:
        citations = citations.filter(screening__decision=filters.decision)
    if filters.accepted is not None:
        citations = citations.filter(_accepted_annotation() if filters.accepted else ~_accepted_annotation())
    if filters.term:
        with_term = AnnotationTerm.objects.filter(
            annotation__citation=OuterRef("pk"), annotation__state=ACCEPTED, term_id=filters.term
        )
        citations = citations.filter(Exists(with_term))
    return search.matching(citations, filters.q, path="article__") if filters.q else citations


def search_results(*, filters: SearchFilters) -> QuerySet[Citation]:
    """The matching citations as the page lists them: by relevance with `q` (with `search_snippet` and
    `search_title`), else review by review in the queue's order; each with its article, review, screening decision
    (`decision_value`) and `accepted_count`."""
    citations = search_citations(filters=filters)
    if filters.q:
        citations = search.ranked(citations, filters.q, path="article__", with_title=True)
    else:
        citations = citations.order_by(
            "review_id", RELATION_RANK, "position", F("score").desc(nulls_last=True), "-article__pub_year", "pk"
        )
    return citations.select_related("article", "review__article", "screening").annotate(
        decision_value=Coalesce(F("screening__decision"), Value(Decision.UNDECIDED)),
        accepted_count=_annotation_count(ACCEPTED),
    )


def search_facets(*, filters: SearchFilters) -> SearchFacets:
    """Counts by facet over the citations matching `filters`: five aggregate queries."""
    citations = search_citations(filters=filters)
    counts = citations.aggregate(
        total=Count("pk"),
        **{relation: Count("pk", filter=Q(relation=relation)) for relation in Citation.Relation.values},
        retracted=Count("pk", filter=Q(article__is_retracted=True)),
        in_scope=Count("pk", filter=Q(screening__decision=Decision.IN_SCOPE)),
        out_of_scope=Count("pk", filter=Q(screening__decision=Decision.OUT_OF_SCOPE)),
        accepted=Count("pk", filter=_accepted_annotation()),
        year_min=Min("article__pub_year"),
        year_max=Max("article__pub_year"),
    )
    counts["undecided"] = counts["total"] - counts["in_scope"] - counts["out_of_scope"]
    counts["not_retracted"] = counts["total"] - counts["retracted"]
    counts["not_accepted"] = counts["total"] - counts["accepted"]
    return SearchFacets(
        total=counts["total"],
        counts=counts,
        reviews=_review_counts(citations),
        journals=_journal_counts(citations),
        publication_types=list_item_counts(citations, "article__publication_types", limit=FACET_VALUES),
        terms=_term_counts(citations),
    )


def _review_counts(citations: QuerySet[Citation]) -> list[dict]:
    """Reviews by PMID with their titles as plain text (stored titles are HTML) and their counts."""
    rows = (
        citations.order_by()
        .values("review__article__pmid", "review__article__title")
        .annotate(n=Count("pk"))
        .order_by("-n", "review__article__pmid")
    )
    return [
        {
            "pmid": row["review__article__pmid"],
            "title": html.unescape(strip_tags(row["review__article__title"])),
            "n": row["n"],
        }
        for row in rows
    ]


def _journal_counts(citations: QuerySet[Citation]) -> list[tuple[str, int]]:
    journal = Coalesce(NullIf("article__journal_title", Value("")), "article__journal_iso")
    rows = (
        citations.order_by()
        .annotate(journal=journal)
        .exclude(journal="")
        .values("journal")
        .annotate(n=Count("pk"))
        .order_by("-n", "journal")[:FACET_VALUES]
    )
    return [(row["journal"], row["n"]) for row in rows]


def _term_counts(citations: QuerySet[Citation]) -> list[tuple[str, list[dict]]]:
    """The commonest terms of accepted annotations on these citations, grouped by facet in the vocabulary's
    order; each counts the citations holding it."""
    rows = (
        AnnotationTerm.objects.filter(annotation__state=ACCEPTED, annotation__citation__in=citations.values("pk"))
        .values("term_id", "term__facet", "term__label")
        .annotate(n=Count("annotation__citation", distinct=True))
        .order_by("-n", "term__label")[:FACET_TERMS]
    )
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["term__facet"], []).append(
            {"id": row["term_id"], "label": row["term__label"], "n": row["n"]}
        )
    labels = dict(Facet.choices)
    return [(labels[facet], grouped[facet]) for facet in Facet.values if facet in grouped]
