"""Query filters for the curation API: each parses its query parameters, so a bad value is a 400 naming it."""

import django_filters
from django.db.models import Exists, OuterRef, QuerySet

from articles.models import Citation
from articles.services.reviews import MAX_PMID
from cafex_portal.filters import FilterSet, IdFilter

from .models import AnnotationTerm, Assignment, Facet, MechanismAnnotation, Term
from .selectors import term_ids_matching, term_search_order


class FacetTermFilter(django_filters.CharFilter):
    """`?cargo=12` or `?cargo=miR-21`; several values, comma-separated, match any of them."""

    def __init__(self, facet: str, **kwargs) -> None:
        kwargs.setdefault("label", f"{Facet(facet).label}: term id or label; comma-separated values match any of them")
        super().__init__(**kwargs)
        self.facet = facet

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        ids = term_ids_matching(facet=self.facet, values=[v for v in value.split(",") if v.strip()])
        return qs.filter(Exists(AnnotationTerm.objects.filter(annotation=OuterRef("pk"), term_id__in=ids)))


class FacetFilterSet(FilterSet):
    """A filter per facet, for every list of mechanism annotations (the curation API, the evidence browser)."""

    cargo_type = FacetTermFilter(Facet.CARGO_TYPE)
    cargo = FacetTermFilter(Facet.CARGO)
    donor = FacetTermFilter(Facet.DONOR)
    recipient_cell = FacetTermFilter(Facet.RECIPIENT_CELL)
    cancer_type = FacetTermFilter(Facet.CANCER_TYPE)
    target = FacetTermFilter(Facet.TARGET)
    effect = FacetTermFilter(Facet.EFFECT)
    direction = FacetTermFilter(Facet.DIRECTION)
    drug = FacetTermFilter(Facet.DRUG)
    evidence = FacetTermFilter(Facet.EVIDENCE)
    role = FacetTermFilter(Facet.ROLE)


class AnnotationFilter(FacetFilterSet):
    review = IdFilter(field_name="citation__review__article__pmid", label="Review PMID", max_value=MAX_PMID)
    pmid = IdFilter(field_name="citation__article__pmid", label="Annotated article PMID", max_value=MAX_PMID)
    citation = IdFilter(field_name="citation_id", label="Citation id")
    relation = django_filters.ChoiceFilter(field_name="citation__relation", choices=Citation.Relation.choices)
    state = django_filters.MultipleChoiceFilter(choices=MechanismAnnotation.State.choices)
    author = django_filters.CharFilter(field_name="author__username", label="Author's username")
    confidence = django_filters.ChoiceFilter(choices=MechanismAnnotation.Confidence.choices)

    class Meta:
        model = MechanismAnnotation
        fields = ["review", "pmid", "citation", "relation", "state", "author", "confidence"]


class TermFilter(FilterSet):
    facet = django_filters.ChoiceFilter(choices=Facet.choices)
    status = django_filters.ChoiceFilter(choices=Term.Status.choices)
    q = django_filters.CharFilter(method="search", label="Label or synonym (case-insensitive; prefix matches first)")

    class Meta:
        model = Term
        fields = ["facet", "status", "q"]

    def search(self, queryset: QuerySet[Term], name: str, value: str) -> QuerySet[Term]:
        return term_search_order(queryset, value)


class AssignmentFilter(FilterSet):
    curator = django_filters.CharFilter(field_name="curator__username", label="Curator's username")
    review = IdFilter(field_name="citation__review__article__pmid", label="Review PMID", max_value=MAX_PMID)
    citation = IdFilter(field_name="citation_id", label="Citation id")

    class Meta:
        model = Assignment
        fields = ["curator", "review", "citation"]
