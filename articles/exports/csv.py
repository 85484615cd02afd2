"""CSV (RFC 4180, UTF-8, a header row) with the column names ASReview and Rayyan recognise.

`title`, `abstract`, `authors`, `keywords`, `doi`, `url`, `journal`, `year`, `volume`, `issue` and `pages` are
the names those tools map on import; the rest (`pmid`, `pmcid`, `position`, `relation`, …) are kept as extra
columns. Lists (authors, keywords, publication types) are joined with "; ", authors as "Family, Given".
"""

import csv
import io
from collections.abc import Iterable, Iterator

from ..models import Citation
from .records import Record, record_of

LIST_SEPARATOR = "; "
# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), +cmd|…, @SUM(…)); NCBI text
# and curators' notes are not ours to run. Such a cell gets a leading apostrophe, which spreadsheets show as text
# and hide (OWASP's advice for CSV injection); numbers such as "-1.5" stay as they are.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = [
    "key",
    "relation",
    "position",
    "title",
    "authors",
    "journal",
    "journal_iso",
    "year",
    "month",
    "day",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "abstract",
    "keywords",
    "publication_types",
    "language",
    "url",
    "notes",
    "cited_as",
    "review_pmid",
]


def csv_row(record: Record) -> list[str]:
    values = {
        "key": record.key,
        "relation": record.relation,
        "position": record.position,
        "title": record.title,
        "authors": LIST_SEPARATOR.join(author.inverted for author in record.authors),
        "journal": record.journal,
        "journal_iso": record.journal_iso,
        "year": record.year,
        "month": record.month,
        "day": record.day,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "doi": record.doi,
        "pmid": record.pmid,
        "pmcid": record.pmcid,
        "abstract": record.abstract,
        "keywords": LIST_SEPARATOR.join(record.keywords),
        "publication_types": LIST_SEPARATOR.join(record.publication_types),
        "language": record.language,
        "url": record.url,
        "notes": record.note,
        "cited_as": record.citation_text,
        "review_pmid": record.review_pmid,
    }
    return ["" if values[column] is None else str(values[column]) for column in CSV_COLUMNS]


def inert(cell: str) -> str:
    """The cell as a spreadsheet will show it, never run it (see FORMULA_STARTS)."""
    if cell.startswith(FORMULA_STARTS) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def rows_as_csv(rows: Iterable[list[str]]) -> Iterator[str]:
    """Rows as CSV text, one chunk a row, every cell made inert; shared with the other apps' CSV exports."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([inert(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_chunks(citations: Iterable[Citation], *, review_pmid: int | None = None) -> Iterator[str]:
    """The header row, then one chunk per citation."""
    rows = (csv_row(record_of(citation, review_pmid=review_pmid)) for citation in citations)
    yield from rows_as_csv(_with_header(CSV_COLUMNS, rows))


def _with_header(header: list[str], rows: Iterable[list[str]]) -> Iterator[list[str]]:
    yield header
    yield from rows
