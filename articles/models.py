from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.html import strip_tags

from .ncbi.records import author_name


class Article(models.Model):
    """One bibliographic record, stored once however many reviews and relations point at it.

    Lists that are read whole with the article (authors, MeSH, keywords, types, abstract sections)
    are JSON; they are never joined on, and keeping them inline spares a million-row table a join
    per author.
    """

    pmid = models.PositiveIntegerField("PMID", null=True, blank=True, unique=True)
    doi = models.CharField("DOI", max_length=255, blank=True, default="")
    pmcid = models.CharField("PMCID", max_length=20, blank=True, default="", db_index=True)
    title = models.TextField(blank=True, default="", help_text="Sanitised HTML: only i, b, u, sup and sub.")
    abstract = models.JSONField(
        blank=True,
        default=list,
        help_text='Sections in order: [{"label", "category", "text"}]; text is sanitised HTML.',
    )
    journal_title = models.CharField(max_length=500, blank=True, default="")
    journal_iso = models.CharField("journal (ISO)", max_length=255, blank=True, default="")
    volume = models.CharField(max_length=50, blank=True, default="")
    issue = models.CharField(max_length=50, blank=True, default="")
    pages = models.CharField(max_length=100, blank=True, default="")
    pub_year = models.PositiveSmallIntegerField("year", null=True, blank=True, db_index=True)
    pub_month = models.PositiveSmallIntegerField("month", null=True, blank=True)
    pub_day = models.PositiveSmallIntegerField("day", null=True, blank=True)
    pub_date_text = models.CharField(
        "date as printed", max_length=100, blank=True, default="", help_text="NCBI's MedlineDate or Season text."
    )
    authors = models.JSONField(
        blank=True,
        default=list,
        help_text='In order: [{"last_name", "fore_name", "initials", "collective_name", "affiliations", "orcid"}].',
    )
    publication_types = models.JSONField(blank=True, default=list)
    mesh_headings = models.JSONField(blank=True, default=list)
    keywords = models.JSONField(blank=True, default=list)
    language = models.CharField(max_length=20, blank=True, default="")
    is_retracted = models.BooleanField(
        default=False, db_index=True, help_text="Kept in step with the notices by the sync, for cheap filtering."
    )
    synced_at = models.DateTimeField("last synced", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pub_year", "pmid"]
        constraints = [
            models.UniqueConstraint(Lower("doi"), condition=~models.Q(doi=""), name="article_doi_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(pub_month__isnull=True) | models.Q(pub_month__gte=1, pub_month__lte=12),
                name="article_pub_month_range",
            ),
            models.CheckConstraint(
                condition=models.Q(pub_day__isnull=True) | models.Q(pub_day__gte=1, pub_day__lte=31),
                name="article_pub_day_range",
            ),
        ]

    def __str__(self) -> str:
        label = f"PMID {self.pmid}" if self.pmid else (self.doi or f"article {self.pk}")
        return f"{label}: {self.plain_title[:80]}"

    @property
    def plain_title(self) -> str:
        return strip_tags(self.title)

    @property
    def author_names(self) -> list[str]:
        fields = ("last_name", "fore_name", "initials", "collective_name")
        return [author_name(**{field: author.get(field) or "" for field in fields}) for author in self.authors]

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pmc_url(self) -> str:
        return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{self.pmcid}/" if self.pmcid else ""

    @property
    def citation_line(self) -> str:
        """Journal. Year;Volume(Issue):Pages — the way PubMed prints a source."""
        source = self.journal_iso or self.journal_title
        date = str(self.pub_year or "") if not self.pub_date_text else self.pub_date_text
        if self.pub_year and self.pub_date_text and str(self.pub_year) not in self.pub_date_text:
            date = f"{self.pub_year} {self.pub_date_text}"
        line = f"{source}. {date}".strip(". ")
        if self.volume:
            line += f";{self.volume}"
            if self.issue:
                line += f"({self.issue})"
        if self.pages:
            line += f":{self.pages}"
        return line


class NoticeKind(models.TextChoices):
    RETRACTION_IN = "retraction_in", "Retracted in"
    RETRACTION_OF = "retraction_of", "Retraction of"
    RETRACTED_AND_REPUBLISHED_IN = "retracted_and_republished_in", "Retracted and republished in"
    RETRACTED_AND_REPUBLISHED_FROM = "retracted_and_republished_from", "Retracted and republished from"
    CORRECTED_AND_REPUBLISHED_IN = "corrected_and_republished_in", "Corrected and republished in"
    CORRECTED_AND_REPUBLISHED_FROM = "corrected_and_republished_from", "Corrected and republished from"
    ERRATUM_IN = "erratum_in", "Erratum in"
    ERRATUM_FOR = "erratum_for", "Erratum for"
    EXPRESSION_OF_CONCERN_IN = "expression_of_concern_in", "Expression of concern in"
    EXPRESSION_OF_CONCERN_FOR = "expression_of_concern_for", "Expression of concern for"
    UPDATE_IN = "update_in", "Updated in"
    UPDATE_OF = "update_of", "Update of"
    REPUBLISHED_IN = "republished_in", "Republished in"
    REPUBLISHED_FROM = "republished_from", "Republished from"


class ArticleNotice(models.Model):
    """A retraction, erratum, expression of concern or update linked to an article (PubMed CommentsCorrections)."""

    Kind = NoticeKind

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=40, choices=NoticeKind.choices)
    notice_pmid = models.PositiveIntegerField("notice PMID", null=True, blank=True)
    source = models.CharField(max_length=500, blank=True, default="")
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "kind", "notice_pmid", "source"], name="notice_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=NoticeKind.values), name="notice_kind_valid"),
        ]
        indexes = [models.Index(fields=["kind", "first_seen_at"], name="notice_kind_seen_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.notice_pmid or self.source}"


class Review(models.Model):
    """An article the portal curates, with its citation network."""

    article = models.OneToOneField(Article, on_delete=models.PROTECT, related_name="review")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return str(self.article)

    @property
    def pmid(self) -> int | None:
        return self.article.pmid


class Citation(models.Model):
    """A link between a review and an article: one of its references, a paper citing it, or a similar paper.

    A reference NCBI cannot resolve keeps its printed text and identifiers with no article.
    """

    class Relation(models.TextChoices):
        REFERENCE = "reference", "Reference"
        CITED_BY = "cited_by", "Cited by"
        SIMILAR = "similar", "Similar"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="citations")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="citations")
    relation = models.CharField(max_length=16, choices=Relation.choices)
    position = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number in the review's own reference list (references only)."
    )
    citation_text = models.TextField(blank=True, default="", help_text="The reference as the review prints it.")
    cited_pmid = models.PositiveIntegerField("PMID as cited", null=True, blank=True)
    cited_doi = models.CharField("DOI as cited", max_length=255, blank=True, default="")
    cited_pmcid = models.CharField("PMCID as cited", max_length=20, blank=True, default="")
    score = models.FloatField(null=True, blank=True, help_text="PubMed's similarity score (similar only).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "relation", "position", "pk"]
        constraints = [
            # A review's own list may cite one paper twice; cited-by and similar lists name each paper once.
            models.UniqueConstraint(
                fields=["review", "relation", "article"],
                condition=models.Q(article__isnull=False) & ~models.Q(relation="reference"),
                name="citation_unique_article_per_relation",
            ),
            models.UniqueConstraint(
                fields=["review", "position"],
                condition=models.Q(relation="reference"),
                name="citation_unique_reference_position",
            ),
            models.CheckConstraint(
                condition=models.Q(relation__in=["reference", "cited_by", "similar"]), name="citation_relation_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(relation="reference", position__isnull=False)
                | (~models.Q(relation="reference") & models.Q(position__isnull=True)),
                name="citation_position_iff_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(article__isnull=False) | models.Q(relation="reference"),
                name="citation_unresolved_only_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["review", "relation", "position"], name="citation_review_rel_pos_idx"),
            models.Index(fields=["article", "relation"], name="citation_article_rel_idx"),
        ]

    def __str__(self) -> str:
        where = f"#{self.position}" if self.position else self.get_relation_display()
        return f"{where} of review {self.review_id}: {self.article or self.citation_text[:60]}"


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
