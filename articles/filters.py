"""Query parameters of the articles API, one FilterSet per list, so that the OpenAPI schema documents each of them.

Two parameters read curation data without importing the curation app (it depends on articles, never the
reverse): they follow the reverse relations curation's models declare on Citation, by name only —
`screening` (ScreeningDecision.citation) and `annotations` (MechanismAnnotation.citation). That keeps the
citation list one endpoint with one FilterSet; tests/articles/test_filters.py fails if curation renames them.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from rest_framework.exceptions import ValidationError

from cafex_portal import roles
from cafex_portal.filters import FilterSet, IdFilter, YearFilter

from . import search
from .models import Article, Citation, SyncRun
from .selectors import ListHas, articles_with_doi, citations_of_relation
from .services.reviews import MAX_PMID

# Curation's screening decisions and annotation states, by value (curation.models.ScreeningDecision.Decision and
# MechanismAnnotation.State); "none" is a citation without any annotation.
SCREENING_CHOICES = [("in_scope", "In scope"), ("out_of_scope", "Out of scope"), ("undecided", "Undecided")]
ANNOTATION_STATE_CHOICES = [
    ("none", "No annotation"),
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
]
ACCEPTED = "accepted"


def _may_see_unaccepted(request) -> bool:
    """Visitors see accepted annotations only (curation.selectors.annotation_visible_to), so they may not filter on
    the others either; curators see every state in the queue."""
    return roles.is_curator(getattr(request, "user", None))


class RankedSearchFilterSet(FilterSet):
    """`q` is applied after every other filter, so its ranking orders the answer whatever order another filter
    (such as `relation`) gave it."""

    search_path = ""  # from the FilterSet's model to the article

    q = django_filters.CharFilter(
        method="search_later",
        max_length=search.MAX_QUERY_CHARS,
        label='Full text (title, abstract, keywords, MeSH, authors): words, "phrases", OR, -word. Ranks the '
        "results by relevance and adds a `snippet` to each.",
    )

    def search_later(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        text = self.cleaned("q")
        return search.ranked(queryset, text, path=self.search_path) if text else queryset


class ArticleFilter(RankedSearchFilterSet):
    pmid = IdFilter(field_name="pmid", max_value=MAX_PMID)
    doi = django_filters.CharFilter(method="doi_is", label="DOI (case-insensitive; a doi.org URL works too)")
    pmcid = django_filters.CharFilter(field_name="pmcid", lookup_expr="iexact")
    year = YearFilter(field_name="pub_year", label="Published in this year")
    year_min = YearFilter(field_name="pub_year", lookup_expr="gte", label="Published in this year or later")
    year_max = YearFilter(field_name="pub_year", lookup_expr="lte", label="Published in this year or earlier")
    journal = django_filters.CharFilter(method="journal_is", label="Journal title or ISO abbreviation, exactly")
    journal_contains = django_filters.CharFilter(method="journal_has", label="Journal title or abbreviation contains")
    publication_type = django_filters.CharFilter(method="of_type", label='Publication type, e.g. "Review"')
    retracted = django_filters.BooleanFilter(field_name="is_retracted", label="Retracted articles only, or none")
    has_annotations = django_filters.BooleanFilter(
        method="annotated",
        label="Cited in a review with mechanism annotations (visitors: accepted ones only)",
    )

    class Meta:
        model = Article
        fields = ["pmid", "doi", "pmcid", "year", "retracted"]

    def doi_is(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        return articles_with_doi(queryset, value)

    def journal_is(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        return queryset.filter(Q(journal_title__iexact=value) | Q(journal_iso__iexact=value))

    def journal_has(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        return queryset.filter(Q(journal_title__icontains=value) | Q(journal_iso__icontains=value))

    def of_type(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        return queryset.filter(ListHas("publication_types", value))

    def annotated(self, queryset: QuerySet[Article], name: str, value: bool) -> QuerySet[Article]:
        # citations__annotations is curation's MechanismAnnotation, reached by its related name (see above).
        visible = {"annotations__isnull": False} if _may_see_unaccepted(self.request) else {}
        lookup = visible or {"annotations__state": ACCEPTED}
        cited = Exists(Citation.objects.filter(article=OuterRef("pk"), **lookup))
        return queryset.filter(cited) if value else queryset.exclude(cited)


class CitationFilter(RankedSearchFilterSet):
    search_path = "article__"

    relation = django_filters.ChoiceFilter(
        choices=Citation.Relation.choices, method="of_relation", label="Relation, listed in its own order"
    )
    resolved = django_filters.BooleanFilter(
        field_name="article", lookup_expr="isnull", exclude=True, label="Linked to a PubMed record, or not"
    )
    year = YearFilter(field_name="article__pub_year", label="Published in this year")
    year_min = YearFilter(field_name="article__pub_year", lookup_expr="gte", label="Published in this year or later")
    year_max = YearFilter(field_name="article__pub_year", lookup_expr="lte", label="Published in this year or earlier")
    journal = django_filters.CharFilter(method="journal_is", label="Journal title or ISO abbreviation, exactly")
    publication_type = django_filters.CharFilter(method="of_type", label='Publication type, e.g. "Review"')
    retracted = django_filters.BooleanFilter(
        field_name="article__is_retracted", label="Retracted articles only, or none"
    )
    screening = django_filters.ChoiceFilter(
        choices=SCREENING_CHOICES, method="screened", label="Screening decision (undecided: also never screened)"
    )
    annotation_state = django_filters.ChoiceFilter(
        choices=ANNOTATION_STATE_CHOICES,
        method="annotated",
        label="Has an annotation in this state (`none`: no annotation); visitors may ask for `accepted` only",
    )

    class Meta:
        model = Citation
        fields = ["relation", "resolved"]

    def of_relation(self, queryset: QuerySet[Citation], name: str, value: str) -> QuerySet[Citation]:
        return citations_of_relation(queryset, value)

    def journal_is(self, queryset: QuerySet[Citation], name: str, value: str) -> QuerySet[Citation]:
        return queryset.filter(Q(article__journal_title__iexact=value) | Q(article__journal_iso__iexact=value))

    def of_type(self, queryset: QuerySet[Citation], name: str, value: str) -> QuerySet[Citation]:
        return queryset.filter(ListHas("article__publication_types", value))

    def screened(self, queryset: QuerySet[Citation], name: str, value: str) -> QuerySet[Citation]:
        # `screening` is curation's ScreeningDecision (one per citation); no row counts as undecided.
        if value == "undecided":
            return queryset.filter(Q(screening__isnull=True) | Q(screening__decision=value))
        return queryset.filter(screening__decision=value)

    def annotated(self, queryset: QuerySet[Citation], name: str, value: str) -> QuerySet[Citation]:
        if value != ACCEPTED and not _may_see_unaccepted(self.request):
            raise ValidationError({name: ["Only curators may filter by annotations that are not accepted."]})
        # `annotations` is curation's MechanismAnnotation; Exists keeps one row per citation.
        if value == "none":
            return queryset.exclude(Exists(Citation.objects.filter(pk=OuterRef("pk"), annotations__isnull=False)))
        return queryset.filter(Exists(Citation.objects.filter(pk=OuterRef("pk"), annotations__state=value)))


class SyncRunFilter(FilterSet):
    review = IdFilter(field_name="review__article__pmid", label="Review PMID", max_value=MAX_PMID)
    state = django_filters.MultipleChoiceFilter(choices=SyncRun.State.choices)

    class Meta:
        model = SyncRun
        fields = ["review", "state"]
