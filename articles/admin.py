from django.contrib import admin
from django.utils.html import format_html

from . import selectors
from .models import Article, ArticleNotice, Citation, Review


class ArticleNoticeInline(admin.TabularInline):
    model = ArticleNotice
    extra = 0
    fields = ["kind", "notice_pmid", "source", "first_seen_at"]
    readonly_fields = ["first_seen_at"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["pmid", "short_title", "journal_iso", "pub_year", "is_retracted", "synced_at"]
    list_filter = ["is_retracted", "language", ("synced_at", admin.EmptyFieldListFilter), "pub_year"]
    search_fields = ["=pmid", "doi", "pmcid", "title", "journal_title", "journal_iso"]
    readonly_fields = ["created_at", "updated_at", "synced_at"]
    inlines = [ArticleNoticeInline]
    list_per_page = 50
    show_full_result_count = False  # an exact COUNT(*) over a million rows on every page load is not worth it

    @admin.display(description="title", ordering="title")
    def short_title(self, obj: Article) -> str:
        return obj.plain_title[:100]


@admin.register(ArticleNotice)
class ArticleNoticeAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "notice_pmid", "source", "first_seen_at"]
    list_filter = ["kind"]
    search_fields = ["=article__pmid", "=notice_pmid", "source"]
    raw_id_fields = ["article"]
    list_select_related = ["article"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = [
        "pmid",
        "title",
        "reference_count",
        "cited_by_count",
        "similar_count",
        "unresolved_count",
        "created_at",
    ]
    search_fields = ["=article__pmid", "article__title"]
    raw_id_fields = ["article", "added_by"]

    def get_queryset(self, request):
        return selectors.review_list()

    @admin.display(description="PMID", ordering="article__pmid")
    def pmid(self, obj: Review) -> int | None:
        return obj.article.pmid

    @admin.display(description="title")
    def title(self, obj: Review) -> str:
        return format_html('<a href="{}">{}</a>', f"/reviews/{obj.article.pmid}/", obj.article.plain_title[:90])

    @admin.display(description="references", ordering="reference_count")
    def reference_count(self, obj: Review) -> int:
        return obj.reference_count

    @admin.display(description="cited by", ordering="cited_by_count")
    def cited_by_count(self, obj: Review) -> int:
        return obj.cited_by_count

    @admin.display(description="similar", ordering="similar_count")
    def similar_count(self, obj: Review) -> int:
        return obj.similar_count

    @admin.display(description="unresolved", ordering="unresolved_count")
    def unresolved_count(self, obj: Review) -> int:
        return obj.unresolved_count


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["review", "relation", "position", "article", "short_text", "score"]
    list_filter = ["relation", ("article", admin.EmptyFieldListFilter), "review"]
    search_fields = ["=article__pmid", "citation_text", "cited_doi", "article__title"]
    raw_id_fields = ["review", "article"]
    list_select_related = ["review__article", "article"]

    @admin.display(description="citation text")
    def short_text(self, obj: Citation) -> str:
        return obj.citation_text[:80]
