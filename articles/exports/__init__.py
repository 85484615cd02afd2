"""Bibliographic exports of citations: RIS, BibTeX, CSL-JSON and CSV.

Each format is a function from an iterable of citations (with their articles loaded: select_related) to text
chunks, so a caller can stream thousands of records without building the file in memory. The functions never
query the database; what every format shares is shaped once, in `records`.
"""

from .bibtex import bibtex_chunks
from .csljson import csl_item, csl_schema, csljson_chunks
from .csv import CSV_COLUMNS, csv_chunks
from .records import Author, Record, plain_text, record_of
from .ris import ris_chunks

__all__ = [
    "CSV_COLUMNS",
    "Author",
    "Record",
    "bibtex_chunks",
    "csl_item",
    "csl_schema",
    "csljson_chunks",
    "csv_chunks",
    "plain_text",
    "record_of",
    "ris_chunks",
]
