"""Admin for curation data: people read it here, and every change goes through the services, as everywhere else.

Bulk actions: assign citations to a curator, accept submitted annotations (the four-eyes rule is the service's: an
editor's own or co-written work is refused, and the refusal shows as a message), remove assignments, merge, retire
and reactivate terms.

Annotations, their terms, comments and revisions, screening decisions and assignments are read-only for everyone,
superusers included: their rules live in the services, and the admin's actions call those. Vocabulary terms are
edited here, saved by `term_create` and `term_update`.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from articles.admin import CitationAdmin
from articles.models import Citation, Review
from cafex_portal.admin import ReadOnlyAdmin, ReadOnlyInline
from cafex_portal.exceptions import ApplicationError
from cafex_portal.forms import parse_id
from cafex_portal.roles import is_editor

from . import selectors, services
from .models import (
    AnnotationComment,
    AnnotationRevision,
    AnnotationTerm,
    Assignment,
    ConflictResolution,
    CuratorScreening,
    MechanismAnnotation,
    ReviewCurationSettings,
    ScreeningDecision,
    Term,
)
from .selectors.double import annotation_hidden
from .services.vocabulary import EDITABLE_FIELDS, term_fields_check


class ReviewFilter(admin.SimpleListFilter):
    """Filter by a citation's review. Django's own related filter reads each review's article in a query of its
    own; this one lists them in one."""

    title = "review"
    # One word: the admin refuses a parameter that spells a lookup across relations it does not list.
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [(review.pk, str(review)) for review in Review.objects.select_related("article")]

    def queryset(self, request, queryset):
        review_id = parse_id(self.value()) if self.value() else None
        return queryset.filter(citation__review_id=review_id) if review_id else queryset


class AssignActionForm(ActionForm):
    curator = forms.ModelChoiceField(
        queryset=selectors.curator_list(), required=False, label="to curator", empty_label="(pick a curator)"
    )


admin.site.unregister(Citation)  # the articles app's, replaced by the same admin with the curation action


@admin.register(Citation)
class CitationCurationAdmin(CitationAdmin):
    """The articles app's citation admin, with the curation action it cannot know about: assigning to a curator
    (articles imports nothing from curation, so the action is added here)."""

    action_form = AssignActionForm
    actions = ["assign_selected"]
    list_display = [*CitationAdmin.list_display, "queue_link"]

    @admin.action(description="Assign selected citations to the curator picked below")
    def assign_selected(self, request, queryset):
        try:
            curator = AssignActionForm.base_fields["curator"].clean(request.POST.get("curator") or None)
        except ValidationError:
            curator = None
        if curator is None:
            self.message_user(request, "Pick the curator to assign the citations to.", messages.ERROR)
            return
        try:
            assigned = services.assignment_create(citations=list(queryset), curator=curator, user=request.user)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(
            request, f"{len(assigned)} citation(s) assigned to {curator.get_username()}.", messages.SUCCESS
        )

    @admin.display(description="workspace")
    def queue_link(self, obj: Citation) -> str:
        return format_html(
            '<a href="{}">open</a>', reverse("curation-workspace", args=[obj.review.article.pmid, obj.pk])
        )


class TermActionForm(ActionForm):
    merge_into = forms.IntegerField(required=False, label="merge into term id")


class TermAdminForm(forms.ModelForm):
    """Runs the vocabulary rules before saving, so a clash or a bad identifier shows on the field."""

    class Meta:
        model = Term
        fields = ["facet", "label", "synonyms", "identifier", "description", "allows_drug"]

    def clean(self):
        cleaned = super().clean()
        facet = cleaned.get("facet") or (self.instance.facet if self.instance.pk else None)
        if not facet:
            return cleaned
        fields = {name: cleaned[name] for name in self.Meta.fields if name in cleaned and name != "facet"}
        try:
            term_fields_check(facet=facet, fields=fields, current=self.instance if self.instance.pk else None)
        except ApplicationError as error:
            for field, messages_ in error.extra.get("errors", {}).items():
                self.add_error(field if field in self.fields else None, messages_)
        return cleaned


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "facet", "status", "identifier", "merged_into", "allows_drug", "usage", "updated_at"]
    list_filter = ["facet", "status", "allows_drug"]
    search_fields = ["label", "search_text", "identifier", "description"]
    readonly_fields = ["status", "merged_into", "created_by", "created_at", "updated_at"]
    fields = [
        "facet", "label", "synonyms", "identifier", "description", "allows_drug", "status", "merged_into",
        "created_by", "created_at", "updated_at",
    ]  # fmt: skip
    list_select_related = ["merged_into"]
    form = TermAdminForm
    action_form = TermActionForm
    actions = ["merge_selected", "retire_selected", "reactivate_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(usage_count=Count("annotation_links"))

    # Only editors curate the vocabulary (term_create and term_update say so too); a term is merged or retired,
    # never deleted.
    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and is_editor(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and is_editor(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "facet"] if obj else self.readonly_fields

    @admin.display(description="annotations", ordering="usage_count")
    def usage(self, obj: Term) -> int:
        return obj.usage_count

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in form.changed_data if field in form.cleaned_data}
        try:
            if change:
                fields = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
                saved = services.term_update(term=obj, user=request.user, **fields)
            else:
                saved = services.term_create(
                    facet=obj.facet,
                    label=obj.label,
                    user=request.user,
                    synonyms=obj.synonyms or [],
                    identifier=obj.identifier,
                    description=obj.description,
                    allows_drug=obj.allows_drug,
                )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = saved.pk

    @admin.action(description="Merge selected terms into the term id given below")
    def merge_selected(self, request, queryset):
        target_id = parse_id(request.POST.get("merge_into"))
        target = Term.objects.filter(pk=target_id).first() if target_id else None
        if target is None:
            self.message_user(request, "Give the id of the term to merge into.", messages.ERROR)
            return
        merged = 0
        for source in queryset.exclude(pk=target.pk):
            try:
                services.term_merge(source=source, target=target, user=request.user)
                merged += 1
            except ApplicationError as error:
                self.message_user(request, f"{source.label}: {error.message}", messages.ERROR)
        if merged:
            self.message_user(request, f"Merged {merged} term(s) into “{target.label}”.", messages.SUCCESS)

    @admin.action(description="Retire selected terms")
    def retire_selected(self, request, queryset):
        self._each(request, queryset, services.term_retire, "Retired")

    @admin.action(description="Reactivate selected retired terms")
    def reactivate_selected(self, request, queryset):
        self._each(request, queryset, services.term_reactivate, "Reactivated")

    def _each(self, request, queryset, service, done: str) -> None:
        count = 0
        for term in queryset:
            try:
                service(term=term, user=request.user)
                count += 1
            except ApplicationError as error:
                self.message_user(request, f"{term.label}: {error.message}", messages.ERROR)
        if count:
            self.message_user(request, f"{done} {count} term(s).", messages.SUCCESS)


@admin.register(ScreeningDecision)
class ScreeningDecisionAdmin(ReadOnlyAdmin):
    list_display = ["citation", "decision", "reason", "decided_by", "decided_at"]
    list_filter = ["decision", "reason", ReviewFilter]
    search_fields = ["=citation__article__pmid", "citation__article__title", "note"]
    raw_id_fields = ["citation", "decided_by"]
    list_select_related = ["citation__article", "decided_by"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["citation", "curator", "assigned_by", "assigned_at"]
    list_filter = ["curator", ReviewFilter]
    search_fields = ["=citation__article__pmid", "curator__username"]
    raw_id_fields = ["citation", "curator", "assigned_by"]
    list_select_related = ["citation__article", "curator", "assigned_by"]
    actions = ["remove_selected"]

    @admin.action(description="Remove selected assignments")
    def remove_selected(self, request, queryset):
        removed = 0
        for assignment in queryset:
            try:
                services.assignment_delete(assignment=assignment, user=request.user)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
            removed += 1
        self.message_user(request, f"Removed {removed} assignment(s).", messages.SUCCESS)


class AnnotationTermInline(ReadOnlyInline):
    model = AnnotationTerm
    raw_id_fields = ["term"]


class AnnotationCommentInline(ReadOnlyInline):
    model = AnnotationComment
    fields = ["author", "text", "created_at"]
    readonly_fields = fields


class BlindAdmin(ReadOnlyAdmin):
    """Under double curation, the admin hides what the pages hide: another person's records on a citation whose two
    curators are not both done (and their history and comments), and a curator's screening decision until the other
    has decided. Superusers, who fix data, see everything. `annotation_path` leads from the row to its annotation."""

    annotation_path = ""

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        hidden = MechanismAnnotation.objects.filter(annotation_hidden(user=request.user)).values("pk")
        return rows.exclude(**{f"{self.annotation_path or 'pk'}__in": hidden})


@admin.register(MechanismAnnotation)
class MechanismAnnotationAdmin(BlindAdmin):
    """Read and review here; editing goes through the curation pages, which keep the history and versions."""

    list_display = [
        "id", "citation", "author", "state", "confidence", "version", "updated_at", "reviewed_by", "history_link",
    ]  # fmt: skip
    list_filter = ["state", "confidence", "citation__relation", ReviewFilter]
    search_fields = ["=id", "=citation__article__pmid", "author__username", "quote", "notes", "terms__label"]
    readonly_fields = [field.name for field in MechanismAnnotation._meta.concrete_fields]
    list_select_related = ["citation__article", "author", "reviewed_by"]
    inlines = [AnnotationTermInline, AnnotationCommentInline]
    actions = ["accept_selected"]

    @admin.display(description="history")
    def history_link(self, obj: MechanismAnnotation) -> str:
        return format_html('<a href="{}">history</a>', reverse("curation-annotation-history", args=[obj.pk]))

    @admin.action(description="Accept selected submitted annotations (all or none)")
    def accept_selected(self, request, queryset):
        try:
            accepted = services.annotation_bulk_accept(annotations=list(queryset), user=request.user)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, f"Accepted {len(accepted)} annotation(s).", messages.SUCCESS)


@admin.register(AnnotationRevision)
class AnnotationRevisionAdmin(BlindAdmin):
    annotation_path = "annotation"
    list_display = ["id", "annotation", "action", "version", "actor", "created_at"]
    list_filter = ["action"]
    search_fields = ["=annotation__id", "actor__username"]
    readonly_fields = [field.name for field in AnnotationRevision._meta.concrete_fields]
    list_select_related = ["annotation", "actor"]


@admin.register(AnnotationComment)
class AnnotationCommentAdmin(BlindAdmin):
    annotation_path = "annotation"
    list_display = ["id", "annotation", "author", "short_text", "created_at"]
    search_fields = ["=annotation__id", "author__username", "text"]
    raw_id_fields = ["annotation", "author"]
    list_select_related = ["annotation", "author"]

    @admin.display(description="text")
    def short_text(self, obj: AnnotationComment) -> str:
        return obj.text[:80]


@admin.register(ReviewCurationSettings)
class ReviewCurationSettingsAdmin(ReadOnlyAdmin):
    list_display = ["review", "double_screening", "double_annotation", "updated_by", "updated_at"]
    list_filter = ["double_screening", "double_annotation"]
    search_fields = ["=review__article__pmid"]
    list_select_related = ["review__article", "updated_by"]


@admin.register(CuratorScreening)
class CuratorScreeningAdmin(ReadOnlyAdmin):
    """Each curator's own decision under double screening; the resolved one is the ScreeningDecision."""

    list_display = ["citation", "curator", "decision", "reason", "decided_at"]
    list_filter = ["decision", "reason", "curator", ReviewFilter]
    search_fields = ["=citation__article__pmid", "curator__username", "note"]
    raw_id_fields = ["citation", "curator"]
    list_select_related = ["citation__article", "curator"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        # A decision is another person's secret until the citation's second curator has decided too.
        waiting = CuratorScreening.objects.values("citation").annotate(n=Count("pk")).filter(n__lt=2).values("citation")
        return rows.exclude(Q(citation__in=waiting) & ~Q(curator=request.user))


@admin.register(ConflictResolution)
class ConflictResolutionAdmin(ReadOnlyAdmin):
    list_display = ["citation", "kind", "had_conflict", "resolved_by", "resolved_at"]
    list_filter = ["kind", "had_conflict", ReviewFilter]
    search_fields = ["=citation__article__pmid", "resolved_by__username", "note"]
    raw_id_fields = ["citation", "resolved_by"]
    list_select_related = ["citation__article", "resolved_by"]
