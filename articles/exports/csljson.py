"""CSL-JSON, the input format of citeproc (Zotero, Mendeley, Pandoc), valid against the CSL 1.0.2 data schema.

The schema is vendored in `schema/` (MIT, see its README). A reference's position is CSL's `citation-number`;
the relation to the review, which CSL has no variable for, goes in `custom` (the schema's place for data of
one's own) and, readably, in `note`.
"""

import json
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

from ..models import Citation
from .records import Author, Record, record_of


@cache
def csl_schema() -> dict:
    """The vendored CSL-JSON schema (csl-data.json), read once."""
    return json.loads(resources.files(__package__).joinpath("schema/csl-data.json").read_text(encoding="utf-8"))


def _name(author: Author) -> dict:
    if author.is_group:
        return {"literal": author.literal}
    name = {"family": author.family}
    if author.given or author.initials:
        name["given"] = author.given or author.initials
    return name


def _issued(record: Record) -> dict | None:
    if record.year:
        parts = [record.year]
        if record.month:
            parts.append(record.month)
            if record.day:
                parts.append(record.day)
        return {"date-parts": [parts]}
    return {"literal": record.date_text} if record.date_text else None


def csl_item(record: Record) -> dict:
    """The record as one CSL-JSON item; unknown values are left out rather than written empty."""
    item: dict = {
        "id": record.key,
        "citation-key": record.key,
        "type": "article-journal" if record.resolved else "document",
        "title": record.title,
        "author": [_name(author) for author in record.authors],
        "container-title": record.journal,
        "container-title-short": record.journal_iso,
        "volume": record.volume,
        "issue": record.issue,
        "page": record.pages,
        "issued": _issued(record),
        "DOI": record.doi,
        "PMID": str(record.pmid or ""),
        "PMCID": record.pmcid,
        "abstract": record.abstract,
        "keyword": ", ".join(record.keywords),
        "language": record.language,
        "URL": record.url,
        "note": record.note,
        "citation-number": record.position,
        "custom": {
            key: value
            for key, value in (
                ("relation", record.relation),
                ("position", record.position),
                ("review_pmid", record.review_pmid),
                ("keywords", list(record.keywords)),
                ("cited_as", record.citation_text),
            )
            if value not in (None, "", [])
        },
    }
    return {key: value for key, value in item.items() if value not in (None, "", [], {})}


def csljson_chunks(citations: Iterable[Citation], *, review_pmid: int | None = None) -> Iterator[str]:
    """A JSON array, one item per chunk; keys sorted so that the same data always gives the same text."""
    separator = "[\n"
    for citation in citations:
        item = csl_item(record_of(citation, review_pmid=review_pmid))
        yield separator + json.dumps(item, ensure_ascii=False, sort_keys=True)
        separator = ",\n"
    yield "[\n]\n" if separator == "[\n" else "\n]\n"
