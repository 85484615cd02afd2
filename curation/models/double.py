"""Blind double curation: per-review modes, each curator's own screening decision, and resolved conflicts."""

from django.conf import settings
from django.db import models

from articles.models import Citation, Review

from .screening import OutOfScopeReason


class ReviewCurationSettings(models.Model):
    """How a review is curated. Without a row, or with both switches off, one curator's work is enough (the
    default); switched on, each citation is screened, or annotated, independently by two curators."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="curation_settings")
    double_screening = models.BooleanField(default=False)
    double_annotation = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "review curation settings"

    def __str__(self) -> str:
        on = [
            name
            for name, flag in (("screening", self.double_screening), ("annotation", self.double_annotation))
            if flag
        ]
        return f"review {self.review_id}: double {' and '.join(on) if on else 'nothing'}"


class CuratorScreening(models.Model):
    """One curator's own decision on a citation under double screening, hidden from the other curator until both
    have decided. The citation's ScreeningDecision is the resolved result: written when the two agree, or by an
    editor resolving their disagreement."""

    class Decision(models.TextChoices):
        IN_SCOPE = "in_scope", "In scope"
        OUT_OF_SCOPE = "out_of_scope", "Out of scope"

    # PROTECT: the originals are what agreement statistics and resolutions are computed from.
    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, related_name="curator_screenings")
    curator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    reason = models.CharField(max_length=16, choices=OutOfScopeReason.choices, blank=True, default="")
    note = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["citation", "decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["citation", "curator"], name="curator_screening_unique"),
            models.CheckConstraint(
                condition=models.Q(decision__in=["in_scope", "out_of_scope"]), name="curator_screening_decision_valid"
            ),
            models.CheckConstraint(
                condition=(models.Q(decision="out_of_scope") & models.Q(reason__in=OutOfScopeReason.values))
                | (~models.Q(decision="out_of_scope") & models.Q(reason="")),
                name="curator_screening_reason_iff_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.curator} on citation {self.citation_id}: {self.get_decision_display()}"


class ConflictResolution(models.Model):
    """An editor's resolution of a citation curated twice: both curators' originals as they stood, and the one
    accepted result. Screening and annotation are resolved separately, once each per citation."""

    class Kind(models.TextChoices):
        SCREENING = "screening", "Screening"
        ANNOTATION = "annotation", "Annotation"

    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, related_name="conflict_resolutions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(auto_now_add=True)
    had_conflict = models.BooleanField(help_text="False when the two agreed and the editor only accepted.")
    originals = models.JSONField(help_text="Each curator's work as it stood, in the order they finished.")
    result = models.JSONField(help_text="The accepted result.")
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["resolved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["citation", "kind"], name="conflict_resolution_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["screening", "annotation"]), name="conflict_resolution_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of citation {self.citation_id} resolved"
