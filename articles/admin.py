"""Admin for articles, reviews and syncs: the sync and the services write these records; people read them here
and act through the admin's actions (sync now, acknowledge), which call the services. No raw form writes any of
them, a superuser's included."""

from django.contrib import admin, messages
from django.utils.html import format_html

from cafex_portal.admin import ReadOnlyAdmin
from cafex_portal.exceptions import ApplicationError, NotAllowedError

from . import selectors
from .models import Article, ArticleChange, ArticleNotice, Citation, EditorAlert, Review, SyncRun
from .services import editor_alert_acknowledge, review_archive, review_restore, review_sync_request


class ArticleNoticeInline(admin.TabularInline):
    model = ArticleNotice
    extra = 0
    fields = ["kind", "notice_pmid", "source", "first_seen_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["pmid", "short_title", "journal_iso", "pub_year", "is_retracted", "synced_at"]
    list_filter = ["is_retracted", "language", ("synced_at", admin.EmptyFieldListFilter), "pub_year"]
    search_fields = ["=pmid", "doi", "pmcid", "title", "journal_title", "journal_iso"]
    inlines = [ArticleNoticeInline]
    list_per_page = 50
    show_full_result_count = False  # an exact COUNT(*) over a million rows on every page load is not worth it

    @admin.display(description="title", ordering="title")
    def short_title(self, obj: Article) -> str:
        return obj.plain_title[:100]


@admin.register(ArticleNotice)
class ArticleNoticeAdmin(ReadOnlyAdmin):
    list_display = ["article", "kind", "notice_pmid", "source", "first_seen_at"]
    list_filter = ["kind"]
    search_fields = ["=article__pmid", "=notice_pmid", "source"]
    raw_id_fields = ["article"]
    list_select_related = ["article"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviews are added by `review_add` (the editor pages, the API, the command), which fetches them from NCBI."""

    list_display = [
        "pmid",
        "title",
        "reference_count",
        "cited_by_count",
        "similar_count",
        "unresolved_count",
        "created_at",
        "archived_at",
        "archived_by",
    ]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["=article__pmid", "article__title"]
    raw_id_fields = ["article", "added_by"]
    actions = ["sync_now", "archive", "restore"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a review holds its citations' curated work: never deleted from here

    @admin.action(description="Sync selected reviews with NCBI now")
    def sync_now(self, request, queryset):
        for review in queryset:
            try:
                run = review_sync_request(review=review, user=request.user, trigger=SyncRun.Trigger.ADMIN)
            except NotAllowedError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            state = run.get_state_display().lower()
            self.message_user(request, f"Review PMID {review.article.pmid}: sync {run.pk} {state}.")

    @admin.action(description="Archive selected reviews (hidden from the public, data kept)")
    def archive(self, request, queryset):
        self._each(request, queryset, review_archive, "archived")

    @admin.action(description="Restore selected archived reviews")
    def restore(self, request, queryset):
        self._each(request, queryset, review_restore, "restored")

    def _each(self, request, queryset, service, done: str) -> None:
        for review in queryset:
            try:
                service(review=review, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            self.message_user(request, f"Review PMID {review.article.pmid} {done}.", messages.SUCCESS)

    def get_queryset(self, request):
        return selectors.review_list(include_archived=True).select_related("archived_by")

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
    """The sync writes citations; one nobody has worked on may be deleted (screening and assignments protect the
    others)."""

    list_display = ["review", "relation", "position", "article", "short_text", "score"]
    list_filter = ["relation", ("article", admin.EmptyFieldListFilter), "review"]
    search_fields = ["=article__pmid", "citation_text", "cited_doi", "article__title"]
    raw_id_fields = ["review", "article"]
    list_select_related = ["review__article", "article"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Screening and assignments protect a citation: that is why it stays, whoever asks (they are read-only in
        # the admin too, which alone would only say "no permission").
        return deleted, model_count, set() if protected else perms_needed, protected

    @admin.display(description="citation text")
    def short_text(self, obj: Citation) -> str:
        return obj.citation_text[:80]


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = [
        "pk", "review", "state", "progress", "new_count", "updated_count", "unchanged_count", "unresolved_count",
        "failed_count", "requests_made", "duration_seconds", "trigger", "started_by", "created_at",
    ]  # fmt: skip
    list_filter = ["state", "trigger"]
    search_fields = ["=review__article__pmid", "message"]
    list_select_related = ["review__article", "started_by"]

    @admin.display(description="progress")
    def progress(self, run: SyncRun) -> str:
        return format_html(
            '<progress max="{}" value="{}"></progress> {}/{}', run.total or 1, run.done, run.done, run.total
        )


@admin.register(ArticleChange)
class ArticleChangeAdmin(ReadOnlyAdmin):
    list_display = ["article", "fields_changed", "sync_run", "changed_at"]
    search_fields = ["=article__pmid"]
    list_select_related = ["article", "sync_run__review__article"]

    @admin.display(description="fields")
    def fields_changed(self, change: ArticleChange) -> str:
        return ", ".join(change.changes)


@admin.register(EditorAlert)
class EditorAlertAdmin(ReadOnlyAdmin):
    list_display = ["message", "kind", "paper", "created_at", "acknowledged_by", "acknowledged_at"]
    list_filter = ["kind", ("acknowledged_at", admin.EmptyFieldListFilter)]
    search_fields = ["=article__pmid", "message"]
    readonly_fields = ["article", "kind", "message", "sync_run", "created_at", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["acknowledged_by", "article"]
    actions = ["acknowledge"]

    @admin.display(description="paper")
    def paper(self, alert: EditorAlert):
        return format_html('<a href="{}">PMID {}</a>', f"/articles/{alert.article_id}/", alert.article.pmid)

    @admin.action(description="Acknowledge selected alerts")
    def acknowledge(self, request, queryset):
        try:
            count = editor_alert_acknowledge(alert_ids=list(queryset.values_list("pk", flat=True)), user=request.user)
        except NotAllowedError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"{count} alert(s) acknowledged.", messages.SUCCESS)
