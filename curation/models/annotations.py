"""Mechanism annotations, the terms they hold, their comments and their history."""

from django.conf import settings
from django.db import models

from articles.models import Citation

from .vocabulary import Facet, Term

SYSTEM_MAX = 300
SPECIES_MAX = 100


class EvidenceLevel(models.TextChoices):
    """How strong the experimental system behind a mechanism is, strongest first (the order of `EVIDENCE_RANK`)."""

    CLINICAL_COHORT = "clinical_cohort", "Clinical cohort"
    PATIENT_SAMPLES = "patient_samples", "Patient samples"
    IN_VIVO = "in_vivo", "In vivo"
    IN_VITRO = "in_vitro", "In vitro"


# Which field names which system, strongest first: the first one filled gives the evidence level.
EVIDENCE_RANK: tuple[tuple[str, str], ...] = (
    ("clinical_cohort", EvidenceLevel.CLINICAL_COHORT),
    ("patient_samples", EvidenceLevel.PATIENT_SAMPLES),
    ("animal_model", EvidenceLevel.IN_VIVO),
    ("cell_lines", EvidenceLevel.IN_VITRO),
)
SYSTEM_FIELDS = ("cell_lines", "animal_model", "species", "patient_samples", "clinical_cohort")


class MechanismAnnotation(models.Model):
    """One mechanism a cited paper reports, as a set of vocabulary terms per facet plus its support.

    `version` grows by one with every change; writers pass the version they saw, so a stale form never
    overwrites newer work. `client_token` makes a double-submitted create form create one annotation.
    `contributors` are the people other than its author who changed it (editors may edit what they review):
    having written part of it, none of them may be the one who accepts or rejects it.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    class Confidence(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    # An annotation is curated work; a sync that drops a citation must not take it along silently.
    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, related_name="annotations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations")
    # Only the services add to it, with the revision that records the change; forms never edit it.
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="contributed_annotations",
        blank=True,
        editable=False,
        help_text="Others who changed the annotation; they cannot review it.",
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    terms = models.ManyToManyField(Term, through="AnnotationTerm", related_name="annotations", blank=True)
    quote = models.TextField(blank=True, default="", help_text="A short quote from the paper that supports it.")
    figure = models.CharField(max_length=200, blank=True, default="", help_text='E.g. "Fig. 3B".')
    confidence = models.CharField(max_length=8, choices=Confidence.choices, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    # The experimental system: each one named is a system the paper used; together they give `evidence_level`.
    cell_lines = models.CharField(
        max_length=SYSTEM_MAX, blank=True, default="", help_text="In vitro: the cell lines, e.g. “MKN45, AGS”."
    )
    animal_model = models.CharField(
        max_length=SYSTEM_MAX, blank=True, default="", help_text="In vivo: the model, e.g. “subcutaneous xenograft”."
    )
    species = models.CharField(
        max_length=SPECIES_MAX, blank=True, default="", help_text="In vivo: the species, e.g. “Mus musculus”."
    )
    patient_samples = models.CharField(
        max_length=SYSTEM_MAX, blank=True, default="", help_text="Patient samples, e.g. “serum of 60 patients”."
    )
    clinical_cohort = models.CharField(
        max_length=SYSTEM_MAX,
        blank=True,
        default="",
        help_text="A clinical cohort, e.g. “212 patients, 5-year follow-up”.",
    )
    evidence_level = models.CharField(
        max_length=16,
        choices=EvidenceLevel.choices,
        blank=True,
        default="",
        editable=False,
        help_text="The strongest experimental system named; set by the services.",
    )
    version = models.PositiveIntegerField(default=1)
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["citation", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["draft", "submitted", "accepted", "rejected"]),
                name="annotation_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__in=["", "low", "medium", "high"]), name="annotation_confidence_valid"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="annotation_version_positive"),
            models.CheckConstraint(
                condition=models.Q(evidence_level__in=["", *EvidenceLevel.values]),
                name="annotation_evidence_level_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(submitted_at__isnull=False),
                name="annotation_submitted_at_when_submitted",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["accepted", "rejected"]) | models.Q(reviewed_at__isnull=False),
                name="annotation_reviewed_at_when_reviewed",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(review_comment=""),
                name="annotation_rejection_has_comment",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "submitted_at"], name="annotation_state_idx"),
            models.Index(fields=["citation", "state"], name="annotation_citation_state_idx"),
            models.Index(fields=["author", "state"], name="annotation_author_state_idx"),
            models.Index(fields=["updated_at"], name="annotation_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"annotation {self.pk} ({self.get_state_display().lower()}) on citation {self.citation_id}"

    @property
    def systems(self) -> list[tuple[str, str]]:
        """The experimental systems named, as (kind, what) rows for a card."""
        rows = []
        if self.cell_lines:
            rows.append(("In vitro", self.cell_lines))
        if self.animal_model or self.species:
            rows.append(("In vivo", ", ".join(part for part in (self.animal_model, self.species) if part)))
        if self.patient_samples:
            rows.append(("Patient samples", self.patient_samples))
        if self.clinical_cohort:
            rows.append(("Clinical cohort", self.clinical_cohort))
        return rows

    def values_by_facet(self) -> dict[str, list[Term]]:
        """Terms grouped by facet in the order they were added; uses prefetched `annotation_terms` when present."""
        grouped: dict[str, list[Term]] = {facet: [] for facet in Facet.values}
        for link in self.annotation_terms.all():
            grouped[link.term.facet].append(link.term)
        return grouped


class AnnotationTerm(models.Model):
    """A term an annotation holds. Kept as a model of its own so facet filters have an index to use."""

    annotation = models.ForeignKey(MechanismAnnotation, on_delete=models.CASCADE, related_name="annotation_terms")
    # A term that annotations use cannot be deleted: retire or merge it instead.
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="annotation_links")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["annotation", "term"], name="annotation_term_unique")]
        indexes = [models.Index(fields=["term", "annotation"], name="annotation_term_term_idx")]

    def __str__(self) -> str:
        return f"{self.annotation_id} — {self.term}"


class AnnotationComment(models.Model):
    """A remark on an annotation, by its author or a reviewer; reviews with a comment add one too."""

    annotation = models.ForeignKey(MechanismAnnotation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="comment_text_not_empty")]
        indexes = [models.Index(fields=["annotation", "created_at"], name="comment_annotation_idx")]

    def __str__(self) -> str:
        return f"{self.author} on {self.annotation_id}: {self.text[:60]}"


class AnnotationRevision(models.Model):
    """One change to an annotation: who, when, what it looked like afterwards, and which fields changed.

    `snapshot` is the whole annotation after the change (what a revert restores); `changes` maps each changed
    field or facet to `{"from": …, "to": …}`. A deleted annotation keeps its revisions, with `annotation` empty.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        REVERTED = "reverted", "Reverted"
        TERM_MERGED = "term_merged", "Term merged"
        DELETED = "deleted", "Deleted"

    annotation = models.ForeignKey(
        MechanismAnnotation, null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    version = models.PositiveIntegerField(help_text="The annotation's version after this change.")
    created_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField(default=dict)
    changes = models.JSONField(default=dict, blank=True)
    reverted_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Reverts only."
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    action__in=[
                        "created", "updated", "submitted", "accepted", "rejected", "reverted", "term_merged",
                        "deleted",
                    ]
                ),
                name="revision_action_valid",
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["annotation", "created_at"], name="revision_annotation_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} annotation {self.annotation_id} (v{self.version})"


class WorkSeen(models.Model):
    """When a curator last opened "My work": rejections and comments on their annotations since then are unseen."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="curation_work_seen")
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} saw their work at {self.seen_at:%Y-%m-%d %H:%M}"
