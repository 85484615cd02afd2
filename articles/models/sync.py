"""Sync runs with NCBI and what they leave behind: recorded changes and alerts for editors."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .articles import Article
from .reviews import Review


class SyncRun(models.Model):
    """One synchronisation of a review's citation network with NCBI: who started it, how far it got, what failed."""

    class Trigger(models.TextChoices):
        COMMAND = "command", "Management command"
        API = "api", "API"
        ADMIN = "admin", "Admin"
        PAGE = "page", "Editor page"
        SCHEDULE = "schedule", "Schedule"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Finished with errors"
        FAILED = "failed", "Failed"

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=100, blank=True, default="", help_text="What the run is doing now.")
    message = models.TextField(blank=True, default="", help_text="The outcome, in a sentence a person can act on.")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField("new", default=0)
    updated_count = models.PositiveIntegerField("updated", default=0)
    unchanged_count = models.PositiveIntegerField("unchanged", default=0)
    unresolved_count = models.PositiveIntegerField("unresolved", default=0)
    failed_count = models.PositiveIntegerField("failed", default=0)
    requests_made = models.PositiveIntegerField(default=0)
    errors = models.JSONField(blank=True, default=list)
    failed_pmids = models.JSONField(blank=True, default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(
        max_length=100, blank=True, default="", help_text="The process running the sync (see articles.locks)."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one queued or running sync per review: the database, not a race, decides.
            models.UniqueConstraint(
                fields=["review"],
                condition=models.Q(state__in=["queued", "running"]),
                name="syncrun_one_active_per_review",
            ),
            models.CheckConstraint(condition=models.Q(done__lte=models.F("total")), name="syncrun_done_le_total"),
        ]
        indexes = [models.Index(fields=["review", "-created_at"], name="syncrun_review_created_idx")]

    def __str__(self) -> str:
        return f"Sync {self.pk} of review {self.review_id}: {self.get_state_display()}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    def is_stale(self) -> bool:
        """A running run whose worker stopped beating for SYNC_STALE_SECONDS (it beats every few seconds), or a
        queued one no worker took up within SYNC_QUEUED_STALE_SECONDS (its message was lost)."""
        if self.state == self.State.RUNNING:
            last_sign_of_life = self.heartbeat_at or self.started_at or self.created_at
            return timezone.now() - last_sign_of_life > timedelta(seconds=settings.SYNC_STALE_SECONDS)
        if self.state == self.State.QUEUED:
            return timezone.now() - self.created_at > timedelta(seconds=settings.SYNC_QUEUED_STALE_SECONDS)
        return False

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if not self.is_active else 0)

    @property
    def duration_seconds(self) -> float | None:
        if not self.started_at:
            return None
        end = self.finished_at or self.heartbeat_at or self.started_at
        return round((end - self.started_at).total_seconds(), 3)


class ArticleChange(models.Model):
    """What a sync changed in an already stored article: {field: [old, new]}."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="changes")
    sync_run = models.ForeignKey(SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    changes = models.JSONField()
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["article", "-changed_at"], name="articlechange_article_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}: {', '.join(self.changes)}"


class EditorAlert(models.Model):
    """A cited paper that became retracted, corrected or subject to concern: editors must look at it."""

    class Kind(models.TextChoices):
        RETRACTION = "retraction", "Retraction"
        ERRATUM = "erratum", "Erratum"
        EXPRESSION_OF_CONCERN = "expression_of_concern", "Expression of concern"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    message = models.CharField(max_length=500)
    sync_run = models.ForeignKey(SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["article", "kind"], name="editoralert_once_per_kind")]
        indexes = [models.Index(fields=["acknowledged_at", "-created_at"], name="editoralert_open_idx")]

    def __str__(self) -> str:
        return self.message
