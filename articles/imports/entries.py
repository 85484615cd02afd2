"""What every import format parses to: typed entries, and the normalisations that compare them."""

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

MAX_PMID = 99_999_999
MAX_DOI_LENGTH = 255  # Article.doi and Citation.cited_doi
MAX_TEXT_LENGTH = 2_000  # a citation as printed; longer is not a citation
MAX_SOURCE_LENGTH = 200  # what the report repeats of the input
MIN_TITLE_KEY = 20  # shorter titles ("Erratum.", "Editorial") say too little to be called the same paper


class ImportFormatError(ValueError):
    """The input is not what it claims to be, or cannot be read; the message says what to do."""


@dataclass(frozen=True)
class ImportEntry:
    """One citation as the input gives it. `problem` is set when the input held something that is not one."""

    number: int  # 1-based, in input order
    source: str  # the input's own words, shortened, for the report
    pmid: int | None = None
    doi: str = ""
    title: str = ""  # plain text
    citation_text: str = ""  # how a reference kept unresolved is shown
    position: int | None = None  # the number the input gives it in the review's reference list
    problem: str = ""


_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi\s*:?\s*|https?://(?:dx\.|www\.)?doi\.org/)", re.IGNORECASE)
_PUBMED_URL = re.compile(
    r"https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,8})/?(?:[?#]\S*)?",
    re.IGNORECASE,
)
_CLOSERS = {")": "(", "]": "[", ">": "<", "}": "{"}
_TAG = re.compile(r"<[^>]{0,200}>")


def doi_normalise(value: str) -> str:
    """The DOI `value` spells (bare, `doi:…`, `https://doi.org/…`), as written, or "" when it is not one."""
    doi = _DOI_PREFIX.sub("", value.strip())
    if "%" in doi:
        doi = unquote(doi)
    doi = doi.strip().rstrip(".,;:")
    while doi and doi[-1] in _CLOSERS and doi.count(doi[-1]) > doi.count(_CLOSERS[doi[-1]]):
        doi = doi[:-1].rstrip(".,;:")  # "(see 10.1/x)": the bracket closes the sentence, not the DOI
    if len(doi) > MAX_DOI_LENGTH or '"' in doi or not _DOI.fullmatch(doi):
        return ""
    return doi


def pmid_parse(value: str) -> int | None:
    """A PMID from its digits or a PubMed URL, or None."""
    text = value.strip()
    match = _PUBMED_URL.fullmatch(text)
    if match:
        text = match.group(1)
    if not (text.isascii() and text.isdigit()) or len(text) > 8:
        return None
    pmid = int(text)
    return pmid if 0 < pmid <= MAX_PMID else None


def plain(text: str) -> str:
    """Markup dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def title_key(title: str) -> str:
    """A title as dedupe compares it: plain text, case-folded, without punctuation or whitespace; "" when too short
    to tell papers apart."""
    folded = unicodedata.normalize("NFKC", plain(title)).casefold()
    key = "".join(ch for ch in folded if ch.isalnum())
    return key if len(key) >= MIN_TITLE_KEY else ""


def text_key(text: str) -> str:
    """A printed citation as dedupe compares it (the same folding as titles, any length)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def shorten(text: str, limit: int = MAX_SOURCE_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def citation_text_build(*, authors: list[str], title: str, journal: str = "", year: str = "") -> str:
    """A reference as a list prints it: `Smith A, Jones B. Title. Journal. 2020.`"""
    names = [name.strip() for name in authors if name and name.strip()]
    shown = ", ".join(names[:6]) + (", et al" if len(names) > 6 else "")
    parts = [shown, plain(title), journal.strip(), year.strip()]
    text = ". ".join(part.rstrip(". ") for part in parts if part and part.rstrip(". "))
    return shorten(text + "." if text else "", MAX_TEXT_LENGTH)


def position_parse(value: str) -> int | None:
    """A reference number (1 to 9999) or None."""
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) <= 4 and int(text) > 0:
        return int(text)
    return None
