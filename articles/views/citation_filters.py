"""How the review page narrows and sorts a citation list: by year, journal and status.

A status (screened in scope, has accepted mechanisms, ...) belongs to the apps built on this one, which articles
must not import. They register their statuses here when they start (`citation_status_register`, called from their
AppConfig.ready), so the dependency keeps pointing one way and the page offers whatever statuses are installed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import F, Q, QuerySet

from ..models import Citation

CitationNarrowing = Callable[[QuerySet[Citation]], QuerySet[Citation]]


@dataclass(frozen=True)
class CitationStatus:
    value: str
    label: str
    narrow: CitationNarrowing


CITATION_STATUSES: dict[str, CitationStatus] = {}


def citation_status_register(*, value: str, label: str, narrow: CitationNarrowing) -> None:
    """Offer a status filter on the review page; registering a value again replaces it."""
    CITATION_STATUSES[value] = CitationStatus(value, label, narrow)


SORTS = {
    "": ("The list's own order", ()),
    "newest": ("Newest first", (F("article__pub_year").desc(nulls_last=True), "pk")),
    "oldest": ("Oldest first", (F("article__pub_year").asc(nulls_last=True), "pk")),
    "journal": ("Journal", ("article__journal_iso", F("article__pub_year").desc(nulls_last=True), "pk")),
}


class CitationFilterForm(forms.Form):
    """The review page's filters; a value that does not parse is dropped with a message on the page."""

    year_min = forms.IntegerField(required=False, min_value=1000, max_value=9999, label="From year")
    year_max = forms.IntegerField(required=False, min_value=1000, max_value=9999, label="To year")
    journal = forms.CharField(required=False, max_length=255, label="Journal")
    status = forms.ChoiceField(required=False, label="Status")
    sort = forms.ChoiceField(required=False, choices=[(value, label) for value, (label, _) in SORTS.items()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any"), *((s.value, s.label) for s in CITATION_STATUSES.values())]

    def apply(self, citations: QuerySet[Citation]) -> QuerySet[Citation]:
        """The citations narrowed and sorted by the valid fields (call after is_valid)."""
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        if data.get("year_min"):
            citations = citations.filter(article__pub_year__gte=data["year_min"])
        if data.get("year_max"):
            citations = citations.filter(article__pub_year__lte=data["year_max"])
        if data.get("journal"):
            journal = data["journal"].strip()
            citations = citations.filter(
                Q(article__journal_title__icontains=journal) | Q(article__journal_iso__icontains=journal)
            )
        if data.get("status"):
            citations = CITATION_STATUSES[data["status"]].narrow(citations)
        if data.get("sort"):
            citations = citations.order_by(*SORTS[data["sort"]][1])
        return citations

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
