"""RIS, written with rispy, in the tags Zotero, EndNote, Rayyan and ASReview read.

Journal articles are `JOUR` with the journal in T2 and its abbreviation in J2 (as Zotero and EndNote write them),
the PMID in AN with DB `PubMed` (EndNote's convention), the PMCID in C2 (where EndNote's PubMed import puts it),
and the review's position in C1 next to a readable N1 note. RIS has one value per line, so every value is kept
on one line.
"""

from collections.abc import Iterable, Iterator

import rispy

from ..models import Citation
from .records import Record, record_of


class _Writer(rispy.RisWriter):
    """rispy's writer without its "1." counter line before each record, which is no RIS tag."""

    def set_header(self, count: int) -> str:
        return ""


_WRITER = _Writer()


def _line(value: object) -> str:
    return " ".join(str(value).split())


def ris_entry(record: Record) -> dict:
    """The record as rispy's field names; rispy writes them in this order, TY first and ER last."""
    entry: dict = {"type_of_reference": "JOUR" if record.resolved else "GEN", "id": record.key}
    entry["authors"] = [_line(author.inverted) for author in record.authors]
    entry["title"] = _line(record.title)
    for key, value in (("secondary_title", record.journal), ("alternate_title1", record.journal_iso)):
        if value:
            entry[key] = _line(value)
    if record.year:
        entry["year"] = str(record.year)
        if record.month:
            entry["date"] = f"{record.year}/{record.month:02d}/{f'{record.day:02d}' if record.day else ''}/"
    for key, value in (("volume", record.volume), ("number", record.issue)):
        if value:
            entry[key] = _line(value)
    if record.pages:
        start, dash, end = record.pages.partition("-")
        entry["start_page"] = _line(start)
        if dash and end.strip():
            entry["end_page"] = _line(end)
    if record.doi:
        entry["doi"] = _line(record.doi)
    if record.pmid:
        entry["accession_number"] = str(record.pmid)
        entry["name_of_database"] = "PubMed"
    if record.pmcid:
        entry["custom2"] = _line(record.pmcid)
    if record.position is not None:
        entry["custom1"] = str(record.position)
    if record.abstract:
        entry["abstract"] = _line(record.abstract)
    entry["keywords"] = [_line(keyword) for keyword in record.keywords]
    if record.language:
        entry["language"] = _line(record.language)
    if record.url:
        entry["urls"] = [record.url]
    entry["notes"] = [record.note]
    return {key: value for key, value in entry.items() if value not in ([], "")}


def ris_chunks(citations: Iterable[Citation], *, review_pmid: int | None = None) -> Iterator[str]:
    """One chunk per record, records separated by a blank line."""
    for citation in citations:
        yield _WRITER.formats([ris_entry(record_of(citation, review_pmid=review_pmid))]) + "\n"
