"""RIS files (reference managers, publishers' "download citation"), read with rispy."""

import re
from collections.abc import Iterator

import rispy

from .decode import looks_like, text_decode
from .entries import (
    ImportEntry,
    ImportFormatError,
    citation_text_build,
    doi_normalise,
    plain,
    pmid_parse,
    position_parse,
    shorten,
)

# Tags written with one space or none before the dash ("TY - JOUR") are read as the standard two.
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {0,2}-(?: |$)", re.MULTILINE)
_RECORD_START = re.compile(r"^TY  - ", re.MULTILINE)
_PMID_NOTE = re.compile(r"\bPMID\s*:?\s*(\d{1,8})\b", re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"(?:doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)", re.IGNORECASE)

TITLE_FIELDS = ("title", "primary_title", "translated_title", "short_title")
JOURNAL_FIELDS = ("secondary_title", "journal_name", "alternate_title3", "alternate_title1", "alternate_title2")
AUTHOR_FIELDS = ("authors", "first_authors")
NOTE_FIELDS = ("notes", "note", "custom1", "custom2", "research_notes", "accession_number")


def parse_ris(data: bytes | str) -> Iterator[ImportEntry]:
    text = _TAG_LINE.sub(lambda m: f"{m.group(1)}  - ", text_decode(data, what="a RIS file"))
    starts = len(_RECORD_START.findall(text))
    if not starts:
        raise ImportFormatError(f"This is not a RIS file: no record starts with a 'TY  - ' line{looks_like(text)}.")
    if text.rstrip().rsplit("\n", 1)[-1][:2] != "ER":
        text = text.rstrip() + "\nER  - \n"  # the last record lacks its end line: keep it all the same
    try:
        records = rispy.loads(text)
    except Exception as exc:  # rispy on hostile input can fail in many ways; none of them is ours to crash on
        raise ImportFormatError(f"This RIS file could not be read ({type(exc).__name__}): check its tags.") from None
    for number, record in enumerate(records, start=1):
        yield _entry(number, record)


def _first(record: dict, fields: tuple[str, ...]) -> str:
    for name in fields:
        value = record.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _entry(number: int, record: dict) -> ImportEntry:
    title = plain(_first(record, TITLE_FIELDS))
    authors = next((record[name] for name in AUTHOR_FIELDS if isinstance(record.get(name), list)), [])
    year = _first(record, ("year", "publication_year", "date"))[:4]
    journal = _first(record, JOURNAL_FIELDS)
    doi = _doi(record)
    pmid = _pmid(record)
    citation_text = citation_text_build(authors=authors, title=title, journal=journal, year=year)
    source = shorten(citation_text or f"RIS record {number}")
    entry = ImportEntry(
        number=number, source=source, pmid=pmid, doi=doi, title=title, citation_text=citation_text,
        position=position_parse(_first(record, ("id",))),
    )  # fmt: skip
    if not (pmid or doi or title):
        return ImportEntry(number=number, source=source, problem="This record has no PMID, DOI or title.")
    return entry


def _doi(record: dict) -> str:
    doi = doi_normalise(_first(record, ("doi",)))
    if doi:
        return doi
    for url in record.get("urls") or []:
        match = _DOI_IN_TEXT.search(url) if "doi" in url.lower() else None
        if match and (doi := doi_normalise(match.group(1))):
            return doi
    return ""


def _pmid(record: dict) -> int | None:
    """PubMed's exports put the PMID in AN; others in a note ("PMID: 123") or a PubMed link."""
    accession = _first(record, ("accession_number",))
    if accession and (pmid := pmid_parse(accession)):
        return pmid
    for name in NOTE_FIELDS:
        values = record.get(name)
        for value in values if isinstance(values, list) else [values or ""]:
            match = _PMID_NOTE.search(value) if isinstance(value, str) else None
            if match and (pmid := pmid_parse(match.group(1))):
                return pmid
    for url in record.get("urls") or []:
        if "pubmed" in url.lower() and (pmid := pmid_parse(url.strip())):
            return pmid
    return None
