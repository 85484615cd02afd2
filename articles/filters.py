import django_filters

from .models import Article, Citation


class ArticleFilter(django_filters.FilterSet):
    pmid = django_filters.NumberFilter(field_name="pmid")
    doi = django_filters.CharFilter(field_name="doi", lookup_expr="iexact", label="DOI (case-insensitive)")
    pmcid = django_filters.CharFilter(field_name="pmcid", lookup_expr="iexact")
    year = django_filters.NumberFilter(field_name="pub_year")
    retracted = django_filters.BooleanFilter(field_name="is_retracted")

    class Meta:
        model = Article
        fields = ["pmid", "doi", "pmcid", "year", "retracted"]


class CitationFilter(django_filters.FilterSet):
    relation = django_filters.ChoiceFilter(choices=Citation.Relation.choices)
    resolved = django_filters.BooleanFilter(field_name="article", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Citation
        fields = ["relation", "resolved"]
