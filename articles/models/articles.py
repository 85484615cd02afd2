"""Bibliographic records as NCBI gives them, and the notices (retractions, errata) attached to them."""

import html

from django.db import models
from django.db.models.functions import Lower
from django.utils.html import strip_tags

from ..ncbi.records import author_name


def plain_text(fragment: str) -> str:
    """Stored HTML as plain text: tags dropped, then entities decoded (`&lt;script&gt;` in the stored HTML is the
    text `<script>`); templates escape it again."""
    return html.unescape(strip_tags(fragment))


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
        """The title as plain text, for the API's `title`, the page's <title> and the admin."""
        return plain_text(self.title)

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
