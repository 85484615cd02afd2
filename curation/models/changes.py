"""The change log that names the version of what visitors see of the annotations (cached public pages)."""

from django.db import models


class AnnotationListChange(models.Model):
    """One row for each committed transaction that changed what visitors may see of the annotations: an accepted
    annotation, a change of state, terms, comments, the vocabulary, usernames, or the double-annotation settings
    and resolutions that decide what is hidden. Edits of a draft or a submission that leave its state alone add
    none: visitors never see those.

    Database triggers add it at the commit (PostgreSQL; migration 0009), as articles.CitationListChange does for
    articles, citations and reviews; the two versions together name the data a public annotation page was built
    from (curation.annotation_json). Rows are only ever added; `annotation_list_changes_fold` folds the old ones.
    """

    n = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "annotation list change"

    def __str__(self) -> str:
        return f"change {self.pk} (+{self.n})"
