import django_filters
from django.db.models import QuerySet

from cafex_portal.filters import IdFilter, YearFilter

from .models import Article, Citation, SyncRun
from .selectors import citations_of_relation


class ArticleFilter(django_filters.FilterSet):
    pmid = IdFilter(field_name="pmid")
    doi = django_filters.CharFilter(field_name="doi", lookup_expr="iexact", label="DOI (case-insensitive)")
    pmcid = django_filters.CharFilter(field_name="pmcid", lookup_expr="iexact")
    year = YearFilter(field_name="pub_year")
    retracted = django_filters.BooleanFilter(field_name="is_retracted")

    class Meta:
        model = Article
        fields = ["pmid", "doi", "pmcid", "year", "retracted"]


class CitationFilter(django_filters.FilterSet):
    relation = django_filters.ChoiceFilter(
        choices=Citation.Relation.choices, method="of_relation", label="Relation, listed in its own order"
    )
    resolved = django_filters.BooleanFilter(field_name="article", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Citation
        fields = ["relation", "resolved"]

    def of_relation(self, queryset: QuerySet[Citation], name: str, value: str) -> QuerySet[Citation]:
        return citations_of_relation(queryset, value)


class SyncRunFilter(django_filters.FilterSet):
    review = IdFilter(field_name="review__article__pmid", label="Review PMID")
    state = django_filters.MultipleChoiceFilter(choices=SyncRun.State.choices)

    class Meta:
        model = SyncRun
        fields = ["review", "state"]
