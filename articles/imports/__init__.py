"""Reading citations to import: pasted PMIDs and DOIs, RIS files and PubMed MEDLINE (.nbib) files.

Plain code, no database: text or bytes in, `ImportEntry`s out, or an `ImportFormatError` that says what is wrong.
"""

from collections.abc import Callable, Iterator
from itertools import islice

from .decode import MAX_BYTES, text_decode
from .entries import ImportEntry, ImportFormatError, citation_text_build, doi_normalise, text_key, title_key
from .nbib import parse_nbib
from .pasted import parse_pasted
from .ris import parse_ris

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_ENTRIES",
    "ImportEntry",
    "ImportFormatError",
    "citation_text_build",
    "doi_normalise",
    "format_guess",
    "parse_import",
    "text_decode",
    "text_key",
    "title_key",
]

MAX_ENTRIES = 2_000  # a review's reference list is a few hundred; more in one import is a mistake or an attack
FORMATS = ("pasted", "ris", "nbib")
EXTENSIONS = {".ris": "ris", ".nbib": "nbib", ".medline": "nbib"}
_PARSERS: dict[str, Callable[[bytes | str], Iterator[ImportEntry]]] = {
    "pasted": lambda data: parse_pasted(text_decode(data, what="a list of PMIDs and DOIs")),
    "ris": parse_ris,
    "nbib": parse_nbib,
}


def parse_import(format: str, data: bytes | str) -> list[ImportEntry]:
    """The entries of `data` read as `format` (one of FORMATS); at most MAX_ENTRIES of them."""
    if format not in _PARSERS:
        raise ImportFormatError(f"Unknown format '{format}': choose one of {', '.join(FORMATS)}.")
    entries = list(islice(_PARSERS[format](data), MAX_ENTRIES + 1))
    if len(entries) > MAX_ENTRIES:
        raise ImportFormatError(f"More than {MAX_ENTRIES:,} citations in one import: split the list.")
    if not entries:
        raise ImportFormatError("Nothing to import was found.")
    return entries


def format_guess(filename: str, data: bytes | str) -> str:
    """The format a file's name says, else what its first lines look like; pasted identifiers otherwise."""
    name = filename.lower()
    for extension, format in EXTENSIONS.items():
        if name.endswith(extension):
            return format
    head = data[:200_000]
    head = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    lines = head.replace("\r", "\n").split("\n")
    if any(line.startswith("PMID-") for line in lines):
        return "nbib"
    if any(line.startswith("TY  -") or line.startswith("TY -") for line in lines):
        return "ris"
    return "pasted"
