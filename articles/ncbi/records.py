"""The plain typed records the PubMed parser produces: no XML, no ORM."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Author:
    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    collective_name: str = ""
    affiliations: tuple[str, ...] = ()
    orcid: str = ""

    @property
    def display_name(self) -> str:
        """Last name and initials ("Hanahan D"); a group author as named."""
        if self.collective_name:
            return self.collective_name
        return " ".join(part for part in (self.last_name or self.fore_name, self.initials) if part)


@dataclass(frozen=True)
class AbstractSection:
    text: str
    label: str = ""
    category: str = ""


@dataclass(frozen=True)
class PubDate:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    text: str = ""


@dataclass(frozen=True)
class MeshHeading:
    descriptor: str
    ui: str = ""
    major: bool = False
    qualifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notice:
    kind: str
    pmid: int | None = None
    source: str = ""


NOTICE_KINDS = {
    "RetractionIn": "retraction_in",
    "RetractionOf": "retraction_of",
    "RetractedandRepublishedIn": "retracted_and_republished_in",
    "RetractedandRepublishedFrom": "retracted_and_republished_from",
    "ErratumIn": "erratum_in",
    "ErratumFor": "erratum_for",
    "CorrectedandRepublishedIn": "corrected_and_republished_in",
    "CorrectedandRepublishedFrom": "corrected_and_republished_from",
    "ExpressionOfConcernIn": "expression_of_concern_in",
    "ExpressionOfConcernFor": "expression_of_concern_for",
    "UpdateIn": "update_in",
    "UpdateOf": "update_of",
    "RepublishedIn": "republished_in",
    "RepublishedFrom": "republished_from",
}
RETRACTION_KINDS = frozenset({"retraction_in", "retracted_and_republished_in"})


@dataclass(frozen=True)
class Reference:
    position: int
    citation: str
    pmid: int | None = None
    doi: str = ""
    pmcid: str = ""


@dataclass(frozen=True)
class PubmedRecord:
    pmid: int
    title: str
    abstract: tuple[AbstractSection, ...] = ()
    doi: str = ""
    pmcid: str = ""
    journal_title: str = ""
    journal_iso: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    pub_date: PubDate = PubDate()
    authors: tuple[Author, ...] = ()
    publication_types: tuple[str, ...] = ()
    mesh_headings: tuple[MeshHeading, ...] = ()
    keywords: tuple[str, ...] = ()
    language: str = ""
    notices: tuple[Notice, ...] = ()
    references: tuple[Reference, ...] = ()

    @property
    def is_retracted(self) -> bool:
        return "Retracted Publication" in self.publication_types or any(
            notice.kind in RETRACTION_KINDS for notice in self.notices
        )


@dataclass
class ParseResult:
    records: list[PubmedRecord]
    errors: list[str]
