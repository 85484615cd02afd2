"""PubMed's MEDLINE format (`.nbib`, or PubMed's "Save: PubMed format" `.txt`), read with Bio.Medline."""

import io
import re
from collections.abc import Iterator

from Bio import Medline

from .decode import looks_like, text_decode
from .entries import (
    ImportEntry,
    ImportFormatError,
    citation_text_build,
    doi_normalise,
    plain,
    pmid_parse,
    shorten,
)

_PMID_LINE = re.compile(r"^PMID- ", re.MULTILINE)
_DOI_ID = re.compile(r"^(\S+)\s*\[doi\]$", re.IGNORECASE)


def parse_nbib(data: bytes | str) -> Iterator[ImportEntry]:
    text = text_decode(data, what="a PubMed MEDLINE (.nbib) file")
    if not _PMID_LINE.search(text):
        raise ImportFormatError(
            f"This is not a PubMed MEDLINE (.nbib) file: it has no 'PMID- ' lines{looks_like(text)}."
        )
    try:
        records = list(Medline.parse(io.StringIO(text)))
    except Exception as exc:  # Bio.Medline on hostile input; not ours to crash on
        raise ImportFormatError(f"This MEDLINE file could not be read ({type(exc).__name__}).") from None
    number = 0
    for record in records:
        if not any(key.strip() for key in record):
            continue
        number += 1
        yield _entry(number, record)


def _text(record: dict, key: str) -> str:
    value = record.get(key, "")
    return " ".join(value) if isinstance(value, list) else str(value)


def _entry(number: int, record: dict) -> ImportEntry:
    pmid = pmid_parse(_text(record, "PMID"))
    title = plain(_text(record, "TI") or _text(record, "BTI"))
    authors = record.get("AU") or record.get("FAU") or []
    authors = authors if isinstance(authors, list) else [authors]
    journal = _text(record, "TA") or _text(record, "JT")
    year = _text(record, "DP")[:4]
    doi = _doi(record)
    citation_text = citation_text_build(authors=authors, title=title, journal=journal, year=year)
    source = shorten(f"PMID {pmid}: {title}" if pmid else citation_text or f"MEDLINE record {number}")
    if not (pmid or doi or title):
        return ImportEntry(number=number, source=source, problem="This record has no PMID, DOI or title.")
    return ImportEntry(number=number, source=source, pmid=pmid, doi=doi, title=title, citation_text=citation_text)


def _doi(record: dict) -> str:
    for key in ("LID", "AID"):
        values = record.get(key) or []
        for value in values if isinstance(values, list) else [values]:
            match = _DOI_ID.match(value.strip())
            if match and (doi := doi_normalise(match.group(1))):
                return doi
    return ""
