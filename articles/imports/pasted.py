"""A pasted list of PMIDs and DOIs: one a line, or several separated by commas, semicolons or spaces.

Accepted forms: `34852849`, `PMID: 34852849`, `https://pubmed.ncbi.nlm.nih.gov/34852849/`, `10.1186/…`,
`doi:10.1186/…`, `https://doi.org/10.1186/…`. A line may start with its reference number (`12.`, `12)`, `[12]`).
A line that is a printed reference (other words beside a marked PMID or DOI) is one entry with that text; a line
with neither is reported as not understood.
"""

import re
from collections.abc import Iterator

from .entries import (
    MAX_TEXT_LENGTH,
    ImportEntry,
    doi_normalise,
    pmid_parse,
    position_parse,
    shorten,
)

_NUMBER = re.compile(r"^\s*(?:\[(\d{1,4})\]|(\d{1,4})[.)])\s+(?=\S)")
_PMID_LABEL = re.compile(r"\bpmid\s*:?\s*(?=\d)", re.IGNORECASE)
_DOI_LABEL = re.compile(r"\bdoi\s*:?\s*(?=10\.)", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,;]+")


def parse_pasted(text: str) -> Iterator[ImportEntry]:
    number = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        for entry in _line_entries(line, number):
            number += 1
            yield entry


def _line_entries(line: str, before: int) -> list[ImportEntry]:
    match = _NUMBER.match(line)
    position = position_parse(match.group(1) or match.group(2)) if match else None
    rest = line[match.end() :] if match else line
    labelled = _DOI_LABEL.sub("doi:", _PMID_LABEL.sub("pmid:", rest))
    tokens = [token for token in _SEPARATORS.split(labelled) if token]
    found = [_identifier(token) for token in tokens]
    if found and all(item is not None for item in found):
        return [
            ImportEntry(number=before + index, source=token, position=position, **item)
            for index, (token, item) in enumerate(zip(tokens, found, strict=True), start=1)
        ]
    marked = [item for token, item in zip(tokens, found, strict=True) if item and not token.isdigit()]
    if marked:  # a printed reference carrying its PMID or DOI
        pmid = next((item["pmid"] for item in marked if "pmid" in item), None)
        doi = next((item["doi"] for item in marked if "doi" in item), "")
        text = shorten(rest, MAX_TEXT_LENGTH)
        return [ImportEntry(before + 1, shorten(line), pmid=pmid, doi=doi, citation_text=text, position=position)]
    problem = (
        "No PMID or DOI here: give PMIDs (34852849, PMID: 34852849) or DOIs (10.1186/…, doi:…, https://doi.org/…)."
    )
    return [ImportEntry(before + 1, shorten(line), position=position, problem=problem)]


def _identifier(token: str) -> dict | None:
    lowered = token.lower()
    if lowered.startswith("pmid:"):
        pmid = pmid_parse(token[5:].rstrip(".,;"))
        return {"pmid": pmid} if pmid else None
    if lowered.startswith("http") and "pubmed" in lowered:
        pmid = pmid_parse(token)
        return {"pmid": pmid} if pmid else None
    if token.isascii() and token.isdigit():
        pmid = pmid_parse(token)
        return {"pmid": pmid} if pmid else None
    doi = doi_normalise(token)
    return {"doi": doi} if doi else None
