from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Article, Citation, Review, SyncRun
from .search import snippet_html
from .services.reviews import MAX_PMID


class SnippetField(serializers.CharField):
    """Where a full-text search (`q`) matched: passages as HTML, escaped, with the matches in <mark>. Present only
    in answers to `q` (it reads the search's annotation), so it is not required in the schema."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", "Only with `q`: matching passages as HTML, matches in <mark>, the rest escaped.")
        super().__init__(source="search_snippet", required=False, **kwargs)

    def to_representation(self, value) -> str:
        return str(snippet_html(value))


class _Slow(Exception):
    """This field, for this row, needs DRF's own lookup (a missing attribute, a callable, a dotted source)."""


_MISSING = object()


def _getter(field):
    """A fast way to read `field` from a row, or None to always take DRF's way."""
    if isinstance(field, serializers.SerializerMethodField):
        return getattr(field.parent, field.method_name)
    if field.source == "*" or len(field.source_attrs) != 1 or isinstance(field, serializers.ListSerializer):
        return None
    name = field.source_attrs[0]
    convert = _plan(field) if isinstance(field, serializers.BaseSerializer) else field.to_representation

    def read(row):
        value = getattr(row, name, _MISSING)
        if value is _MISSING or callable(value):
            raise _Slow
        return None if value is None else convert(value)

    return read


def _plan(serializer):
    """`serializer.to_representation`, with each field's way of reading a row worked out once for a whole list."""
    fields = [(field.field_name, field, _getter(field)) for field in serializer._readable_fields]

    def represent(row) -> dict:
        out = {}
        for name, field, read in fields:
            if read is not None:
                try:
                    out[name] = read(row)
                    continue
                except _Slow:
                    pass
            try:
                value = field.get_attribute(row)
            except serializers.SkipField:
                continue
            out[name] = None if value is None else field.to_representation(value)
        return out

    return represent


class PageListSerializer(serializers.ListSerializer):
    """A page of rows serialised with one plan for the whole page (`_plan`): DRF finds and checks each field's
    attribute again for every row, which is most of the cost of a 100-row page. The output is the child's own,
    field for field (tests/articles/test_filters.py compares the two)."""

    def to_representation(self, data) -> list[dict]:
        rows = data.all() if hasattr(data, "all") else data
        represent = _plan(self.child)
        return [represent(row) for row in rows]


class ArticleSerializer(serializers.ModelSerializer):
    """An article as other tools see it: plain-text title beside the sanitised HTML one."""

    title = serializers.CharField(source="plain_title", read_only=True)
    title_html = serializers.CharField(source="title", read_only=True)
    journal = serializers.SerializerMethodField()
    year = serializers.IntegerField(source="pub_year", read_only=True, allow_null=True)
    authors = serializers.ListField(source="author_names", child=serializers.CharField(), read_only=True)
    retracted = serializers.BooleanField(source="is_retracted", read_only=True)
    pub_date = serializers.SerializerMethodField()
    snippet = SnippetField()

    class Meta:
        model = Article
        fields = [
            "pmid", "doi", "pmcid", "title", "title_html", "journal", "journal_iso", "year", "pub_date",
            "volume", "issue", "pages", "authors", "publication_types", "retracted", "synced_at", "snippet",
        ]  # fmt: skip
        read_only_fields = fields
        list_serializer_class = PageListSerializer

    @extend_schema_field(OpenApiTypes.STR)
    def get_journal(self, article: Article) -> str:
        return article.journal_title or article.journal_iso

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_pub_date(self, article: Article) -> dict:
        return {
            "year": article.pub_year,
            "month": article.pub_month,
            "day": article.pub_day,
            "text": article.pub_date_text,
        }


class ArticleDetailSerializer(ArticleSerializer):
    """Everything stored about an article, including structured abstract, authors in full, MeSH and notices."""

    author_details = serializers.JSONField(source="authors", read_only=True)
    notices = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = ArticleSerializer.Meta.fields + [
            "abstract", "author_details", "mesh_headings", "keywords", "language", "notices",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_notices(self, article: Article) -> list[dict]:
        return [
            {"kind": notice.kind, "pmid": notice.notice_pmid, "source": notice.source}
            for notice in article.notices.all()
        ]


class CitationSerializer(serializers.ModelSerializer):
    article = ArticleSerializer(read_only=True, allow_null=True)
    snippet = SnippetField()

    class Meta:
        model = Citation
        fields = [
            "id", "relation", "position", "citation_text", "cited_pmid", "cited_doi", "score", "article", "snippet",
        ]  # fmt: skip
        read_only_fields = fields
        list_serializer_class = PageListSerializer


class ReviewSerializer(serializers.ModelSerializer):
    article = ArticleSerializer(read_only=True)
    pmid = serializers.IntegerField(source="article.pmid", read_only=True)
    title = serializers.CharField(source="article.plain_title", read_only=True)
    counts = serializers.SerializerMethodField()
    citations_url = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["pmid", "title", "counts", "citations_url", "article", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_counts(self, review: Review) -> dict:
        return {
            "reference": review.reference_count,
            "cited_by": review.cited_by_count,
            "similar": review.similar_count,
            "unresolved_references": review.unresolved_count,
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_citations_url(self, review: Review) -> str:
        url = reverse("api:review-citations", kwargs={"pmid": review.article.pmid})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ReviewDetailSerializer(ReviewSerializer):
    article = ArticleDetailSerializer(read_only=True)


class SyncRunSerializer(serializers.ModelSerializer):
    review_pmid = serializers.IntegerField(source="review.article.pmid", read_only=True)
    started_by = serializers.CharField(source="started_by.get_username", default=None, read_only=True)
    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()

    class Meta:
        model = SyncRun
        fields = [
            "id", "review_pmid", "trigger", "started_by", "state", "stage", "message", "progress", "counts",
            "requests_made", "duration_seconds", "errors", "failed_pmids", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_progress(self, run: SyncRun) -> dict:
        return {"done": run.done, "total": run.total, "percent": run.percent}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_counts(self, run: SyncRun) -> dict:
        return {
            "new": run.new_count,
            "updated": run.updated_count,
            "unchanged": run.unchanged_count,
            "unresolved": run.unresolved_count,
            "failed": run.failed_count,
        }


class ReviewCreateInputSerializer(serializers.Serializer):
    pmid = serializers.IntegerField(min_value=1, max_value=MAX_PMID)


class ReviewAddedSerializer(serializers.Serializer):
    review = ReviewSerializer()
    sync_run = SyncRunSerializer()
