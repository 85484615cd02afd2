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
        return author_name(
            last_name=self.last_name,
            fore_name=self.fore_name,
            initials=self.initials,
            collective_name=self.collective_name,
        )


def author_name(*, last_name: str = "", fore_name: str = "", initials: str = "", collective_name: str = "") -> str:
    """How the portal names an author: last name and initials ("Hanahan D"), a group as named, and the forename
    alone for the few records that give only one."""
    if collective_name:
        return collective_name
    if not last_name:
        return fore_name
    return " ".join(part for part in (last_name, initials) if part)


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
