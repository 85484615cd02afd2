"""The evidence browser's filters, one FilterSet for the page and the API: a bad value is a 400 naming it."""

import django_filters
from django import forms
from django.db.models import QuerySet

from articles.models import Citation
from articles.services.reviews import MAX_PMID
from cafex_portal.filters import IdFilter, YearFilter
from curation.filters import FacetFilterSet
from curation.models import MechanismAnnotation

# How the browser may sort: (value, label, ORDER BY). Every order ends on the primary key so pages never overlap.
SORTS = {
    "newest": ("Newest paper first", ("-citation__article__pub_year", "-citation__article__pmid", "pk")),
    "oldest": ("Oldest paper first", ("citation__article__pub_year", "citation__article__pmid", "pk")),
    "review": (
        "Review order",
        ("citation__review_id", "citation__relation", "citation__position", "citation_id", "pk"),
    ),
    "accepted": ("Recently accepted", ("-reviewed_at", "-pk")),
    "journal": ("Journal", ("citation__article__journal_iso", "-citation__article__pub_year", "pk")),
}
DEFAULT_SORT = "newest"


class EvidenceFilter(FacetFilterSet):
    """Accepted mechanisms narrowed by review, paper, year and any facet (term id or label; commas match any)."""

    review = IdFilter(field_name="citation__review__article__pmid", label="Review PMID", max_value=MAX_PMID)
    pmid = IdFilter(field_name="citation__article__pmid", label="PMID of the paper", max_value=MAX_PMID)
    relation = django_filters.ChoiceFilter(field_name="citation__relation", choices=Citation.Relation.choices)
    year_min = YearFilter(field_name="citation__article__pub_year", lookup_expr="gte", label="Published from")
    year_max = YearFilter(field_name="citation__article__pub_year", lookup_expr="lte", label="Published until")
    sort = django_filters.ChoiceFilter(
        choices=[(value, label) for value, (label, _) in SORTS.items()],
        method="sort_by",
        empty_label=None,
        label="Order of the rows",
        widget=forms.Select,
    )

    class Meta:
        model = MechanismAnnotation
        fields = ["review", "pmid", "relation", "year_min", "year_max"]

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORTS[value or DEFAULT_SORT][1])

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Sorted even when `sort` is absent, so a page of rows is always a stable slice.
        return super().filter_queryset(queryset.order_by(*SORTS[DEFAULT_SORT][1]))
