"""Finding imported citations in PubMed: PMIDs fetched, DOIs and titles searched in OR-ed batches, then fetched.

Plain code around an `EutilsClient` (no database): every request takes its slot from the client's shared rate
limit. An esearch answers PMIDs without saying which DOI or title found which, so the fetched records are matched
back by their own DOI and title.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..ncbi.client import EutilsClient, NcbiRequestError
from ..ncbi.parser import parse_pubmed_xml
from ..ncbi.records import PubmedRecord
from .entries import title_key

DOI_BATCH = 40  # DOIs OR-ed in one esearch: ~2 KB of query, well within a GET
TITLE_BATCH = 10
TITLE_HITS = 20  # per title searched: a phrase search names the paper, or a few near-namesakes to match back
EFETCH_BATCH = 200  # the client POSTs above 200 ids; NCBI's own advice for efetch


@dataclass
class PubmedLookup:
    records: dict[int, PubmedRecord] = field(default_factory=dict)
    by_doi: dict[str, int] = field(default_factory=dict)  # lower-cased DOI → PMID
    by_title: dict[str, int] = field(default_factory=dict)  # title_key → PMID
    errors: list[str] = field(default_factory=list)


def _batches(items: list, size: int) -> Iterable[list]:
    return (items[start : start + size] for start in range(0, len(items), size))


def _title_phrase(title: str) -> str:
    return " ".join(re.findall(r"\w+", title))


def pubmed_lookup(client: EutilsClient, *, pmids: list[int], dois: list[str]) -> PubmedLookup:
    """Records for `pmids`, and the PMIDs PubMed gives `dois`. NcbiUnavailableError when PubMed does not answer;
    a batch PubMed refuses is only an error in the result."""
    lookup = PubmedLookup()
    dois = list(dict.fromkeys(doi for doi in dois if doi))
    found: list[int] = []
    for batch in _batches(dois, DOI_BATCH):
        term = " OR ".join(f'"{doi}"[doi]' for doi in batch)
        found += _search(client, term, retmax=len(batch) * 2, lookup=lookup)
    _fetch(client, [*pmids, *found], lookup)
    wanted = {doi.lower() for doi in dois}
    for record in lookup.records.values():
        if record.doi and record.doi.lower() in wanted:
            lookup.by_doi.setdefault(record.doi.lower(), record.pmid)
    return lookup


def pubmed_title_search(client: EutilsClient, titles: list[str], lookup: PubmedLookup) -> None:
    """Add to `lookup` the PMIDs of records whose title is one of `titles` (compared by `title_key`)."""
    keys = {title_key(title): title for title in titles}
    keys.pop("", None)
    found: list[int] = []
    for batch in _batches(list(keys.values()), TITLE_BATCH):
        term = " OR ".join(f'"{_title_phrase(title)}"[ti]' for title in batch)
        found += _search(client, term, retmax=len(batch) * TITLE_HITS, lookup=lookup)
    _fetch(client, found, lookup)
    for record in lookup.records.values():
        key = title_key(record.title)
        if key in keys:
            lookup.by_title.setdefault(key, record.pmid)


def _search(client: EutilsClient, term: str, *, retmax: int, lookup: PubmedLookup) -> list[int]:
    try:
        return client.esearch_pubmed(term, retmax=retmax)
    except NcbiRequestError as exc:
        lookup.errors.append(f"PubMed refused a search: {exc}")
        return []


def _fetch(client: EutilsClient, pmids: list[int], lookup: PubmedLookup) -> None:
    wanted = [pmid for pmid in dict.fromkeys(pmids) if pmid not in lookup.records]
    for batch in _batches(wanted, EFETCH_BATCH):
        try:
            parsed = parse_pubmed_xml(client.efetch_pubmed(batch))
        except NcbiRequestError as exc:
            lookup.errors.append(f"PubMed refused to send {len(batch)} records: {exc}")
            continue
        lookup.errors.extend(parsed.errors)
        asked = set(batch)
        lookup.records.update({record.pmid: record for record in parsed.records if record.pmid in asked})
