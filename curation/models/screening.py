"""Screening decisions and assignments: which citations are in scope, and who annotates them."""

from django.conf import settings
from django.db import models

from articles.models import Citation


class OutOfScopeReason(models.TextChoices):
    NOT_CAF = "not_caf", "Not about CAFs"
    NOT_EV = "not_ev", "Not about exosomes / EVs"
    NOT_PRIMARY = "not_primary", "Not primary research"
    NO_MECHANISM = "no_mechanism", "No mechanism reported"
    DUPLICATE = "duplicate", "Duplicate"
    OTHER = "other", "Other"


class ScreeningDecision(models.Model):
    """Whether a citation is about CAF exosomes at all: the first pass over a review's citations.

    A citation without a row is undecided, the same as a row saying so.
    """

    class Decision(models.TextChoices):
        UNDECIDED = "undecided", "Undecided"
        IN_SCOPE = "in_scope", "In scope"
        OUT_OF_SCOPE = "out_of_scope", "Out of scope"

    Reason = OutOfScopeReason

    # PROTECT, like annotations: a curator's decision must not vanish with a citation deleted in the admin.
    citation = models.OneToOneField(Citation, on_delete=models.PROTECT, related_name="screening")
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.UNDECIDED)
    reason = models.CharField(
        max_length=16, choices=OutOfScopeReason.choices, blank=True, default="", help_text="Out of scope only."
    )
    note = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=["undecided", "in_scope", "out_of_scope"]),
                name="screening_decision_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reason="") | models.Q(reason__in=OutOfScopeReason.values),
                name="screening_reason_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(decision="out_of_scope") & ~models.Q(reason=""))
                | (~models.Q(decision="out_of_scope") & models.Q(reason="")),
                name="screening_reason_iff_out_of_scope",
            ),
        ]
        indexes = [models.Index(fields=["decision"], name="screening_decision_idx")]

    def __str__(self) -> str:
        text = self.get_decision_display()
        if self.reason:
            text += f": {self.get_reason_display()}"
        return f"{text} (citation {self.citation_id})"


class Assignment(models.Model):
    """A citation an editor gave a curator to annotate. Several curators may hold the same citation."""

    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, related_name="assignments")
    curator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="curation_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["citation", "curator"], name="assignment_unique_citation_curator")
        ]
        indexes = [models.Index(fields=["curator", "assigned_at"], name="assignment_curator_idx")]

    def __str__(self) -> str:
        return f"citation {self.citation_id} → {self.curator}"
