"""The dashboard's one record in the admin, to read: when each editor last looked at a review's citing papers."""

from django.contrib import admin

from cafex_portal.admin import ReadOnlyAdmin

from .models import CitingPapersSeen


@admin.register(CitingPapersSeen)
class CitingPapersSeenAdmin(ReadOnlyAdmin):
    list_display = ["user", "review", "seen_at"]
    list_filter = ["user"]
    search_fields = ["=review__article__pmid", "user__username"]
    list_select_related = ["user", "review__article"]
