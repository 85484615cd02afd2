"""The controlled vocabularies: facets, their terms, and the public identifiers a term may carry."""

import re

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Facet(models.TextChoices):
    """One column of a mechanism: what an annotation records about a cited paper (see docs/curation.md)."""

    CARGO_TYPE = "cargo_type", "Cargo type"
    CARGO = "cargo", "Cargo"
    DONOR = "donor", "Donor"
    RECIPIENT_CELL = "recipient_cell", "Recipient cell"
    CANCER_TYPE = "cancer_type", "Cancer type"
    TARGET = "target", "Target / pathway"
    EFFECT = "effect", "Effect"
    DIRECTION = "direction", "Direction"
    DRUG = "drug", "Drug"
    EVIDENCE = "evidence", "Evidence"
    ROLE = "role", "Role"


# How much a term may hold. The label and identifier columns are bounded by these; the synonyms (a JSON list)
# and the description (text) are not, so the vocabulary service checks every limit before saving.
LABEL_MAX = 200
IDENTIFIER_MAX = 64
SYNONYM_MAX = 200
SYNONYMS_MAX = 50
DESCRIPTION_MAX = 2000

# Facets that hold at most one term per annotation.
SINGLE_VALUE_FACETS = frozenset({Facet.DIRECTION})

# Public identifiers a term may carry, by prefix, with the address that resolves one.
IDENTIFIER_SOURCES: list[tuple[str, re.Pattern, str]] = [
    ("HGNC", re.compile(r"^HGNC:\d+$"), "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/{id}"),
    ("miRBase", re.compile(r"^MI(MAT)?\d{7}$"), "https://www.mirbase.org/mature/{id}"),
    ("Cell Ontology", re.compile(r"^CL:\d{7}$"), "http://purl.obolibrary.org/obo/{underscored}"),
    ("Disease Ontology", re.compile(r"^DOID:\d+$"), "https://disease-ontology.org/?id={id}"),
    ("NCI Thesaurus", re.compile(r"^NCIT:C\d+$"), "http://purl.obolibrary.org/obo/{underscored}"),
    ("ChEBI", re.compile(r"^CHEBI:\d+$"), "https://www.ebi.ac.uk/chebi/searchId.do?chebiId={id}"),
    ("Gene Ontology", re.compile(r"^GO:\d{7}$"), "http://purl.obolibrary.org/obo/{underscored}"),
    ("Evidence and Conclusion Ontology", re.compile(r"^ECO:\d{7}$"), "http://purl.obolibrary.org/obo/{underscored}"),
    ("KEGG pathway", re.compile(r"^(hsa|map)\d{5}$"), "https://www.kegg.jp/entry/{id}"),
    ("Reactome", re.compile(r"^R-HSA-\d+$"), "https://reactome.org/content/detail/{id}"),
]


def identifier_source(identifier: str) -> tuple[str, str] | None:
    """(source name, URL) for a known identifier, None for anything else."""
    for name, pattern, url in IDENTIFIER_SOURCES:
        if pattern.match(identifier):
            return name, url.format(id=identifier, underscored=identifier.replace(":", "_"))
    return None


def normalise_identifier(identifier: str) -> str:
    """Upper-case an ontology prefix ("chebi:27899" → "CHEBI:27899"); other forms stay as typed."""
    identifier = identifier.strip()
    prefix, sep, rest = identifier.partition(":")
    if sep and prefix.isalpha():
        return f"{prefix.upper()}:{rest}"
    if identifier[:5].upper() == "MIMAT" or re.match(r"^mi\d{7}$", identifier, re.IGNORECASE):
        return identifier.upper()
    return identifier


def term_search_text(label: str, synonyms: list[str]) -> str:
    """Every name of a term, case-folded and fenced by "|" so a prefix of any name is a substring "|prefix"."""
    names = [label, *synonyms]
    return "|" + "|".join(name.strip().casefold() for name in names if name.strip()) + "|"


class Term(models.Model):
    """One entry of a controlled vocabulary: a value a curator picks for one facet.

    A merged term is a duplicate of `merged_into` and is never offered again; a retired term stays on the
    annotations that already use it but is not offered for new ones. A proposed term is offered to its proposer
    (`created_by`) only; a refused one to nobody, and it frees its label and identifier.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"
        MERGED = "merged", "Merged"
        # A curator's proposal: usable in the proposer's own drafts at once, accepted nowhere until an editor
        # approves it (active), merges it into an existing term, or refuses it.
        PROPOSED = "proposed", "Proposed"
        REFUSED = "refused", "Refused"

    facet = models.CharField(max_length=32, choices=Facet.choices)
    label = models.CharField(max_length=LABEL_MAX)
    synonyms = models.JSONField(blank=True, default=list, help_text="Other names the term is found by.")
    identifier = models.CharField(
        max_length=IDENTIFIER_MAX,
        blank=True,
        default="",
        help_text="Public identifier where one exists: HGNC:…, MIMAT…, CL:…, DOID:…, NCIT:C…, CHEBI:….",
    )
    description = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_terms"
    )
    allows_drug = models.BooleanField(
        default=False, help_text="Effect terms only: a drug may be recorded with this effect (drug resistance)."
    )
    review_note = models.TextField(
        blank=True, default="", help_text="Proposals: the editor's reason for refusing or merging it."
    )
    search_text = models.TextField(
        blank=True, default="", editable=False, help_text="Label and synonyms, case-folded, for search."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["facet", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                "facet",
                Lower("label"),
                condition=~models.Q(status__in=["merged", "refused"]),
                name="term_unique_label_per_facet",
            ),
            models.UniqueConstraint(
                fields=["facet", "identifier"],
                condition=~models.Q(identifier="") & ~models.Q(status__in=["merged", "refused"]),
                name="term_unique_identifier_per_facet",
            ),
            models.CheckConstraint(condition=models.Q(facet__in=Facet.values), name="term_facet_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "retired", "merged", "proposed", "refused"]),
                name="term_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="merged", merged_into__isnull=False)
                | (~models.Q(status="merged") & models.Q(merged_into__isnull=True)),
                name="term_merged_into_iff_merged",
            ),
            models.CheckConstraint(
                condition=models.Q(allows_drug=False) | models.Q(facet="effect"), name="term_allows_drug_only_effect"
            ),
            models.CheckConstraint(condition=~models.Q(label=""), name="term_label_not_empty"),
        ]
        indexes = [models.Index(fields=["facet", "status", "label"], name="term_facet_status_label_idx")]

    def __str__(self) -> str:
        suffix = "" if self.status == self.Status.ACTIVE else f" ({self.get_status_display().lower()})"
        return f"{self.label}{suffix}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_proposed(self) -> bool:
        return self.status == self.Status.PROPOSED

    @property
    def identifier_url(self) -> str:
        source = identifier_source(self.identifier) if self.identifier else None
        return source[1] if source else ""

    @property
    def identifier_source(self) -> str:
        source = identifier_source(self.identifier) if self.identifier else None
        return source[0] if source else ""

    @property
    def names(self) -> list[str]:
        return [self.label, *self.synonyms]
