"""One citation as every export format sees it: plain text in named fields, read from already loaded objects.

Articles keep titles and abstracts as sanitised HTML for the pages; reference managers and screening tools want
plain text, so tags are dropped and entities decoded here, once, for all formats. An unresolved reference (no
PubMed record) is still exported, as the text the review prints and the identifiers it cites, so that a list of
references keeps every position.
"""

import html
import re
from dataclasses import dataclass

from django.utils.html import strip_tags

from ..models import Article, Citation

_SPACES = re.compile(r"\s+")

RELATION_KEYS = {
    Citation.Relation.REFERENCE: "ref",
    Citation.Relation.CITED_BY: "citedby",
    Citation.Relation.SIMILAR: "similar",
}


def plain_text(value: str) -> str:
    """Sanitised HTML as plain text on one line: tags dropped, entities decoded, runs of white space made one."""
    return _SPACES.sub(" ", html.unescape(strip_tags(value or ""))).strip()


@dataclass(frozen=True)
class Author:
    """A person (family and given names) or a group author, whose whole name is `literal`."""

    family: str = ""
    given: str = ""
    initials: str = ""
    literal: str = ""

    @property
    def is_group(self) -> bool:
        return bool(self.literal)

    @property
    def inverted(self) -> str:
        """The name as RIS, CSV and BibTeX put a person ("Family, Given"); a group as named."""
        if self.literal:
            return self.literal
        given = self.given or self.initials
        return f"{self.family}, {given}" if self.family and given else self.family or given


def author_of(entry: dict) -> Author | None:
    """One of the article's stored authors; None for an empty entry."""
    collective = plain_text(entry.get("collective_name") or "")
    if collective:
        return Author(literal=collective)
    family = plain_text(entry.get("last_name") or "")
    given = plain_text(entry.get("fore_name") or "")
    initials = plain_text(entry.get("initials") or "")
    if not family and not given and not initials:
        return None
    if not family:  # a record that gives one name only: it is the whole name
        return Author(literal=given or initials)
    return Author(family=family, given=given, initials=initials)


def abstract_of(sections: list) -> str:
    """Structured abstracts as PubMed prints them: "LABEL: text" per section, sections on lines of their own."""
    parts = []
    for section in sections or []:
        if not isinstance(section, dict):
            continue
        text = plain_text(section.get("text") or "")
        label = plain_text(section.get("label") or "")
        if text:
            parts.append(f"{label}: {text}" if label else text)
    return "\n".join(parts)


@dataclass(frozen=True)
class Record:
    """What the formats write about one citation; empty strings and None stand for unknown values."""

    key: str
    relation: str
    position: int | None
    review_pmid: int | None
    resolved: bool
    title: str
    authors: tuple[Author, ...] = ()
    journal: str = ""
    journal_iso: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    date_text: str = ""
    doi: str = ""
    pmid: int | None = None
    pmcid: str = ""
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    publication_types: tuple[str, ...] = ()
    language: str = ""
    citation_text: str = ""

    @property
    def url(self) -> str:
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def note(self) -> str:
        """Where the record stands in the review, in words a reference manager shows as a note."""
        review = f"review PMID {self.review_pmid}" if self.review_pmid else "the review"
        if self.relation == Citation.Relation.REFERENCE:
            note = f"Reference {self.position} of {review}"
        elif self.relation == Citation.Relation.CITED_BY:
            note = f"Cites {review}"
        else:
            note = f"Similar to {review}"
        return note if self.resolved else f"{note}; not found in PubMed, cited as printed"


def citation_key(citation: Citation, article: Article | None) -> str:
    """A key unique within a review's export: references by position, the other lists hold each paper once."""
    prefix = RELATION_KEYS.get(citation.relation, citation.relation)
    if citation.relation == Citation.Relation.REFERENCE and citation.position is not None:
        return f"{prefix}{citation.position}"
    if article is not None and article.pmid:
        return f"{prefix}-pmid{article.pmid}"
    return f"{prefix}-{citation.pk}"


def record_of(citation: Citation, *, review_pmid: int | None = None) -> Record:
    """The citation's record; `citation.article` must already be loaded (select_related), as nothing is queried."""
    article = citation.article
    common = {
        "key": citation_key(citation, article),
        "relation": citation.relation,
        "position": citation.position,
        "review_pmid": review_pmid,
        "citation_text": plain_text(citation.citation_text),
    }
    if article is None:
        return Record(
            **common,
            resolved=False,
            title=plain_text(citation.citation_text),
            doi=citation.cited_doi,
            pmid=citation.cited_pmid,
            pmcid=citation.cited_pmcid,
        )
    return Record(
        **common,
        resolved=True,
        title=plain_text(article.title),
        authors=tuple(a for a in (author_of(e) for e in article.authors or [] if isinstance(e, dict)) if a),
        journal=plain_text(article.journal_title),
        journal_iso=plain_text(article.journal_iso),
        volume=article.volume,
        issue=article.issue,
        pages=article.pages,
        year=article.pub_year,
        month=article.pub_month,
        day=article.pub_day,
        date_text=article.pub_date_text,
        doi=article.doi,
        pmid=article.pmid,
        pmcid=article.pmcid,
        abstract=abstract_of(article.abstract),
        keywords=tuple(plain_text(str(k)) for k in article.keywords or [] if plain_text(str(k))),
        publication_types=tuple(str(t) for t in article.publication_types or []),
        language=article.language,
    )
