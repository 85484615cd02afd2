"""Importing citations into a review: pasted PMIDs/DOIs, RIS or MEDLINE entries resolved through PubMed, checked
against the review's list and against each other, previewed, then written exactly as previewed.

PubMed is asked first, outside any transaction; the plan (what is added, merged or skipped, and why) is then made
and written in one transaction holding the review's row, so two imports into one review cannot both take a number.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from cafex_portal.exceptions import ApplicationError, ConflictError
from cafex_portal.roles import require_editor

from ..imports import MAX_ENTRIES, ImportEntry, ImportFormatError, format_guess, parse_import, text_key, title_key
from ..imports.entries import plain
from ..imports.pubmed import PubmedLookup, pubmed_lookup, pubmed_title_search
from ..imports.report import ADDED, MERGED, SKIPPED, EntryOutcome, ImportReport, plan_digest
from ..models import Article, Citation, Review
from ..ncbi.client import NcbiError
from ..ncbi.configured import ncbi_client_get
from ..ncbi.records import PubmedRecord
from ..selectors import articles_by_doi
from .upsert import article_upsert_many

POSITIONS = ("append", "file")
KEY_NAMES = {"pmid": "PMID", "doi": "DOI", "title": "title", "text": "citation text"}


def import_entries_read(*, user, data: bytes | str, format: str = "", filename: str = "", field: str = "file"):
    """The entries of an upload or a pasted text (format guessed from the name or content when not given);
    a 400 naming `field` when the input is not what it claims to be."""
    require_editor(user, "import citations")
    try:
        return parse_import(format or format_guess(filename, data), data)
    except ImportFormatError as exc:
        raise ApplicationError(str(exc), extra={"errors": {field: [str(exc)]}}) from None


def citations_import(
    *,
    review: Review,
    relation: str,
    entries: list[ImportEntry],
    user,
    dry_run: bool = False,
    positions: str = "append",
    confirm: str = "",
) -> ImportReport:
    """Add `entries` to the review's `relation` list, or with `dry_run` only say what would happen.

    References get the numbers after the last one, or with `positions="file"` the numbers the input gives them.
    `confirm`, the digest of a preview, makes the import refuse (409) to write anything but what was previewed.
    """
    require_editor(user, "import citations")
    if relation not in Citation.Relation.values:
        raise ApplicationError(f"Unknown relation '{relation}'.", extra={"errors": {"relation": ["Not a relation."]}})
    if positions not in POSITIONS:
        raise ApplicationError(f"Unknown positions '{positions}'.", extra={"errors": {"positions": ["Not valid."]}})
    if not entries or len(entries) > MAX_ENTRIES:
        raise ApplicationError(f"Import between 1 and {MAX_ENTRIES:,} citations at a time.")
    lookup, requests_made = _pubmed_resolve(entries)
    outcomes = _citations_plan_apply(
        review=review, relation=relation, entries=entries, lookup=lookup, dry_run=dry_run, positions=positions,
        confirm=confirm,
    )  # fmt: skip
    return ImportReport(review.article.pmid, relation, dry_run, outcomes, requests_made, lookup.errors)


def _pubmed_resolve(entries: list[ImportEntry]) -> tuple[PubmedLookup, int]:
    """Ask PubMed about what the portal does not hold: PMIDs, then DOIs, then titles of entries with neither."""
    usable = [entry for entry in entries if not entry.problem]
    pmids = {entry.pmid for entry in usable if entry.pmid}
    held = set(Article.objects.filter(pmid__in=pmids).exclude(title="").values_list("pmid", flat=True))
    local_dois = articles_by_doi([entry.doi for entry in usable if entry.doi and not entry.pmid])
    dois = [e.doi for e in usable if e.doi and not e.pmid and e.doi.lower() not in local_dois]
    titled = [e for e in usable if e.title and not e.pmid and not (e.doi and e.doi.lower() in local_dois)]
    if not (pmids - held or dois or titled):
        return PubmedLookup(), 0
    attempts = []
    client = ncbi_client_get(on_request=attempts.append)
    try:
        lookup = pubmed_lookup(client, pmids=sorted(pmids - held), dois=dois)
        titles = [e.title for e in titled if not (e.doi and e.doi.lower() in lookup.by_doi)]
        if titles:
            pubmed_title_search(client, titles, lookup)
    except NcbiError as exc:
        raise ApplicationError(
            f"PubMed did not answer ({exc}); nothing was imported. Try again in a few minutes.", status_code=503
        ) from exc
    finally:
        client.close()
    return lookup, len(attempts)


@dataclass
class _Planned:
    entry: ImportEntry
    outcome: EntryOutcome
    article: Article | None = None
    record: PubmedRecord | None = None


@transaction.atomic
def _citations_plan_apply(*, review, relation, entries, lookup, dry_run, positions, confirm) -> list[EntryOutcome]:
    if not dry_run:
        Review.objects.select_for_update().filter(pk=review.pk).first()
    planner = _Planner(review=review, relation=relation, entries=entries, lookup=lookup, positions=positions)
    planned = [planner.place(entry) for entry in entries]
    planner.number(planned)
    outcomes = [item.outcome for item in planned]
    if dry_run:
        return outcomes
    if confirm and confirm != plan_digest(relation, outcomes):
        raise ConflictError("What this import would do has changed since the preview; preview it again.")
    try:
        with transaction.atomic():
            _citations_write(review=review, relation=relation, planned=planned)
    except IntegrityError as exc:
        raise ConflictError("The review's list changed during the import; nothing was imported. Try again.") from exc
    return outcomes


class _Planner:
    """Decides each entry's outcome in input order: an entry is checked against the list and every earlier entry."""

    def __init__(self, *, review, relation, entries, lookup: PubmedLookup, positions: str) -> None:
        self.relation, self.lookup = relation, lookup
        self.is_reference = relation == Citation.Relation.REFERENCE
        self.file_positions = self.is_reference and positions == "file"
        pmids = {e.pmid for e in entries if e.pmid} | set(lookup.by_doi.values()) | set(lookup.by_title.values())
        self.by_pmid = Article.objects.in_bulk(list(pmids), field_name="pmid")
        self.by_doi = articles_by_doi([entry.doi for entry in entries if entry.doi])
        self.seen: dict[tuple, str] = {}
        self.taken: set[int] = set()
        listed = f"Already in the {Citation.Relation(relation).label.lower()} list"
        for citation in review.citations.filter(relation=relation).select_related("article"):
            where = f"Already cited as reference {citation.position}" if self.is_reference else listed
            keys = _article_keys(citation.article) if citation.article else set()
            keys |= _keys(citation.cited_pmid, citation.cited_doi, "", citation.citation_text)
            self._remember(keys, where)
            if citation.position:
                self.taken.add(citation.position)
        self._remember(_article_keys(review.article), "This is the review itself")

    def _remember(self, keys: set[tuple], reason: str) -> None:
        for key in keys:
            self.seen.setdefault(key, reason)

    def place(self, entry: ImportEntry) -> _Planned:
        if entry.problem:
            return self._skip(entry, entry.problem)
        article, record, missing = self._find(entry)
        own = _keys(entry.pmid, entry.doi, entry.title, entry.citation_text if missing else "")
        found = (_article_keys(article) if article else set()) | (_record_keys(record) if record else set())
        keys = own | found
        pmid = article.pmid if article else (record.pmid if record else None)
        doi = (article.doi if article else (record.doi if record else "")) or entry.doi
        title = article.plain_title if article else (plain(record.title) if record else entry.title)
        for key in [*_ordered(own), *_ordered(found - own)]:  # named by what the entry itself gave, first
            if key in self.seen:
                return self._skip(entry, f"{self.seen[key]} (same {KEY_NAMES[key[0]]}).", pmid, doi, title)
        unresolved = article is None and record is None
        if unresolved and not (self.is_reference and entry.citation_text):
            only = "" if self.is_reference else "; only references can be kept unresolved"
            return self._skip(entry, f"{missing}{only}.", entry.pmid, entry.doi, title)
        position = entry.position if self.file_positions else None
        if position in self.taken:
            return self._skip(entry, f"Position {position} is taken by another reference.", pmid, doi, title)
        if unresolved:
            outcome, reason = ADDED, f"{missing}: added as an unresolved reference."
        elif article is not None:
            outcome, reason = MERGED, "Already in the portal; not yet in this list."
        else:
            outcome, reason = ADDED, "Found in PubMed; new to the portal."
        if position:
            self.taken.add(position)
        self._remember(keys, f"The same paper as entry {entry.number}")
        result = EntryOutcome(entry.number, entry.source, outcome, reason, pmid, doi, title, position, unresolved)
        return _Planned(entry, result, article, record)

    def _find(self, entry: ImportEntry) -> tuple[Article | None, PubmedRecord | None, str]:
        """The stored article and/or the PubMed record the entry names, or why there is none. A PMID decides alone;
        a DOI or a title is looked for only when the entry has no PMID."""
        records, by_pmid = self.lookup.records, self.by_pmid
        if entry.pmid:
            article, record = by_pmid.get(entry.pmid), records.get(entry.pmid)
            return article, record, "" if article or record else f"PMID {entry.pmid} is not in PubMed"
        missing = ""
        if entry.doi:
            article = self.by_doi.get(entry.doi.lower())
            pmid = article.pmid if article else self.lookup.by_doi.get(entry.doi.lower())
            if article or pmid:
                return article or by_pmid.get(pmid), records.get(pmid), ""
            missing = f"DOI {entry.doi} is not in PubMed"
        pmid = self.lookup.by_title.get(title_key(entry.title)) if entry.title else None
        if pmid:
            return by_pmid.get(pmid), records.get(pmid), ""
        if entry.title:
            missing = f"{missing}, nor is its title" if missing else "No PubMed record has this title"
        return None, None, missing or "Nothing to look up"

    def number(self, planned: list[_Planned]) -> None:
        """References without a number get the ones after the last, in input order."""
        if not self.is_reference:
            return
        following = max(self.taken, default=0) + 1
        for item in planned:
            if item.outcome.outcome != SKIPPED and item.outcome.position is None:
                item.outcome.position, following = following, following + 1

    @staticmethod
    def _skip(entry: ImportEntry, reason: str, pmid=None, doi="", title="") -> _Planned:
        return _Planned(entry, EntryOutcome(entry.number, entry.source, SKIPPED, reason, pmid, doi, title))


def _keys(pmid: int | None, doi: str, title: str, text: str = "") -> set[tuple]:
    keys = {("pmid", pmid)} if pmid else set()
    keys |= {("doi", doi.lower())} if doi else set()
    keys |= {("title", key)} if (key := title_key(title)) else set()
    return keys | ({("text", key)} if (key := text_key(text)) else set())


def _ordered(keys: set[tuple]) -> list[tuple]:
    return sorted(keys, key=lambda key: list(KEY_NAMES).index(key[0]))


def _record_keys(record: PubmedRecord) -> set[tuple]:
    return _keys(record.pmid, record.doi, record.title)


def _article_keys(article: Article) -> set[tuple]:
    return _keys(article.pmid, article.doi, article.plain_title)


def _citations_write(*, review: Review, relation: str, planned: list[_Planned]) -> None:
    kept = [item for item in planned if item.outcome.outcome != SKIPPED]
    records = [item.record for item in kept if item.record is not None]
    stored = article_upsert_many(records=records).articles if records else {}
    is_reference = relation == Citation.Relation.REFERENCE
    citations = []
    for item in kept:
        article = stored.get(item.record.pmid) if item.record else item.article
        citations.append(
            Citation(
                review=review,
                relation=relation,
                article=article,
                position=item.outcome.position if is_reference else None,
                citation_text=item.entry.citation_text if is_reference else "",
                cited_pmid=article.pmid if is_reference and article else None,
                cited_doi=((article.doi if article else "") or item.entry.doi) if is_reference else "",
            )
        )
    Citation.objects.bulk_create(citations)
