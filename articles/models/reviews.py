"""Reviews the portal curates and their citation networks."""

from django.conf import settings
from django.db import models

from .articles import Article


class Review(models.Model):
    """An article the portal curates, with its citation network.

    An archived review is hidden from the public pages and API; its citations and curated work are kept.
    """

    article = models.OneToOneField(Article, on_delete=models.PROTECT, related_name="review")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["archived_at"], name="review_archived_idx")]

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
            # The list's own order to the last key: a page of 2,000 citing papers (no position) is read off the
            # index instead of sorted.
            models.Index(fields=["review", "relation", "position", "id"], name="citation_page_order_idx"),
            models.Index(fields=["article", "relation"], name="citation_article_rel_idx"),
        ]

    def __str__(self) -> str:
        where = f"#{self.position}" if self.position else self.get_relation_display()
        return f"{where} of review {self.review_id}: {self.article or self.citation_text[:60]}"


class CitationListChange(models.Model):
    """One row for each committed transaction that changed articles, citations or reviews.

    Database triggers add it at the commit (PostgreSQL; migration 0006), in the same transaction as the change.
    A statement sees exactly the rows of the transactions committed before it began, so their total `n` and the
    newest id, read together with a citation page, name the version of the data the page was built from: cached
    pages (articles.citation_json) are kept under it. Rows are only ever added, so writers never wait for each
    other here; `citation_list_changes_fold` folds the old ones into the newest (`n` keeps the total).
    """

    n = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "citation list change"

    def __str__(self) -> str:
        return f"change {self.pk} (+{self.n})"
