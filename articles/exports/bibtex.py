"""BibTeX, written with bibtexparser 2 (its stable writer), readable by Zotero, JabRef, BibLaTeX/biber and BibTeX.

Text stays UTF-8 ("Müller", "β-catenin"): every current reader takes it, and escaping it as LaTeX accents would
only be undone again on import. The characters that mean something to TeX are escaped, so a title with "&" or
"%" neither breaks the file nor LaTeX. DOIs are verbatim fields in BibLaTeX and are written as they are. A group
author is braced ("{CAF Consortium}") so that it is not split into given and family names. The review's
position goes in `note`, with the PMID and PMCID in fields of their own (`pmid`, `pmcid`) as JabRef names them.
"""

from collections.abc import Iterable, Iterator

import bibtexparser
from bibtexparser import model

from ..models import Citation
from .records import Author, Record, record_of

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def tex(value: object) -> str:
    """Plain text as a BibTeX value on one line, TeX's special characters escaped."""
    return "".join(_TEX_SPECIAL.get(char, char) for char in " ".join(str(value).split()))


def verbatim(value: str) -> str:
    """A verbatim field (doi, url) as is; braces, which would end the field, become their URL escapes."""
    return " ".join(value.split()).replace("{", "%7B").replace("}", "%7D")


def _name(author: Author) -> str:
    if author.is_group:
        return "{" + tex(author.literal) + "}"
    return tex(author.inverted)


def bibtex_fields(record: Record) -> list[tuple[str, str]]:
    """The record's fields in the order they are written, values already escaped; empty ones left out."""
    fields = [
        ("author", " and ".join(_name(author) for author in record.authors)),
        ("title", tex(record.title)),
        ("journal", tex(record.journal or record.journal_iso)),
        ("shortjournal", tex(record.journal_iso) if record.journal and record.journal_iso else ""),
        ("year", str(record.year or "")),
        ("volume", tex(record.volume)),
        ("number", tex(record.issue)),
        ("pages", tex(record.pages if "--" in record.pages else record.pages.replace("-", "--"))),
        ("doi", verbatim(record.doi)),
        ("pmid", str(record.pmid or "")),
        ("pmcid", tex(record.pmcid)),
        ("abstract", tex(record.abstract)),
        ("keywords", tex(", ".join(record.keywords))),
        ("language", tex(record.language)),
        ("url", verbatim(record.url)),
        ("note", tex(record.note)),
    ]
    return [(key, value) for key, value in fields if value]


def bibtex_entry(record: Record) -> model.Entry:
    entry_type = "article" if record.resolved else "misc"
    return model.Entry(entry_type, record.key, [model.Field(key, value) for key, value in bibtex_fields(record)])


def bibtex_chunks(citations: Iterable[Citation], *, review_pmid: int | None = None) -> Iterator[str]:
    """One chunk per entry, entries separated by a blank line."""
    for citation in citations:
        library = bibtexparser.Library([bibtex_entry(record_of(citation, review_pmid=review_pmid))])
        yield bibtexparser.write_string(library).rstrip("\n") + "\n\n"
