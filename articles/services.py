"""Writes to articles, reviews and citations."""

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from cafex_portal.exceptions import ApplicationError, NotAllowedError
from curation.roles import is_editor

from .models import Article, ArticleChange, ArticleNotice, Citation, EditorAlert, NoticeKind, Review, SyncRun
from .ncbi.parser import RETRACTION_KINDS, PubmedRecord, Reference

DEMO_REVIEW_PATH = Path(__file__).resolve().parent / "data" / "demo_review.json"

SEED_ARTICLE_FIELDS = {
    "pmid", "pmcid", "doi", "title", "abstract", "keywords", "journal_title", "journal_iso",
    "volume", "issue", "pages", "pub_year", "pub_month", "pub_day", "publication_types",
}  # fmt: skip


def _seed_article(entry: dict) -> Article:
    """The article for a seed entry, created if missing; an existing record is never overwritten by seed data,
    which is thinner than what a sync brings."""
    fields = {key: value for key, value in entry.items() if key in SEED_ARTICLE_FIELDS}
    pmid = fields.pop("pmid")
    article, _ = Article.objects.get_or_create(pmid=pmid, defaults=fields)
    return article


@transaction.atomic
def demo_review_load(*, path: Path = DEMO_REVIEW_PATH) -> Review:
    """Load the bundled review with its similar, citing and reference entries. Safe to run again."""
    data = json.loads(path.read_text(encoding="utf-8"))
    review, _ = Review.objects.get_or_create(article=_seed_article(data["review"]))
    for relation in (Citation.Relation.SIMILAR, Citation.Relation.CITED_BY):
        for entry in data[relation]:
            Citation.objects.get_or_create(review=review, relation=relation, article=_seed_article(entry))
    for position, text in enumerate(data["references"], start=1):
        # A sync may since have resolved this reference; only its absence is filled in.
        Citation.objects.get_or_create(
            review=review,
            relation=Citation.Relation.REFERENCE,
            position=position,
            defaults={"citation_text": text},
        )
    return review


MAX_PMID = 99_999_999


def pmid_validate(value) -> int:
    """A PMID as an int, or an ApplicationError that says what is wrong with it."""
    try:
        pmid = int(str(value).strip())
    except (TypeError, ValueError):
        raise ApplicationError(
            f"'{value}' is not a PMID: a PMID is a positive whole number, such as 34852849."
        ) from None
    if not 0 < pmid <= MAX_PMID:
        raise ApplicationError(f"{pmid} is not a PMID: a PMID is a positive whole number, such as 34852849.")
    return pmid


@transaction.atomic
def review_create(*, pmid: int, user=None) -> tuple[Review, bool]:
    """The review of `pmid`, created (with a placeholder article until the first sync) if the portal lacks it."""
    article, _ = Article.objects.get_or_create(pmid=pmid_validate(pmid))
    review, created = Review.objects.get_or_create(article=article, defaults={"added_by": user})
    return review, created


# --- Upserting NCBI records

ALERT_NOTICE_KINDS = {
    NoticeKind.RETRACTION_IN: EditorAlert.Kind.RETRACTION,
    NoticeKind.ERRATUM_IN: EditorAlert.Kind.ERRATUM,
    NoticeKind.EXPRESSION_OF_CONCERN_IN: EditorAlert.Kind.EXPRESSION_OF_CONCERN,
    NoticeKind.CORRECTED_AND_REPUBLISHED_IN: EditorAlert.Kind.ERRATUM,
}
ALERT_NOTICE_KINDS |= {kind: EditorAlert.Kind.RETRACTION for kind in RETRACTION_KINDS}
# The parts of a publication date are one value: "2021 Spring" replaces "2020 May 12" whole.
PUB_DATE_FIELDS = ("pub_year", "pub_month", "pub_day", "pub_date_text")
SYNCED_FIELDS = (
    "doi", "pmcid", "title", "abstract", "journal_title", "journal_iso", "volume", "issue", "pages", "pub_year",
    "pub_month", "pub_day", "pub_date_text", "authors", "publication_types", "mesh_headings", "keywords", "language",
    "is_retracted",
)  # fmt: skip


@dataclass
class UpsertResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    articles: dict[int, Article] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def record_fields(record: PubmedRecord) -> dict:
    """The Article fields of a parsed PubMed record."""
    return {
        "doi": record.doi,
        "pmcid": record.pmcid,
        "title": record.title,
        "abstract": [asdict(section) for section in record.abstract],
        "journal_title": record.journal_title,
        "journal_iso": record.journal_iso,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "pub_year": record.pub_date.year,
        "pub_month": record.pub_date.month,
        "pub_day": record.pub_date.day,
        "pub_date_text": record.pub_date.text,
        "authors": [{**asdict(author), "affiliations": list(author.affiliations)} for author in record.authors],
        "publication_types": list(record.publication_types),
        "mesh_headings": [{**asdict(h), "qualifiers": list(h.qualifiers)} for h in record.mesh_headings],
        "keywords": list(record.keywords),
        "language": record.language,
        "is_retracted": record.is_retracted,
    }


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []


@transaction.atomic
def article_upsert_many(*, records: list[PubmedRecord], sync_run: SyncRun | None = None) -> UpsertResult:
    """Store parsed PubMed records, keyed by PMID; idempotent, and a handful of queries per batch however large.

    A value NCBI leaves out never blanks a stored one, every change to a stored article is recorded, and a newly
    seen retraction, erratum or expression of concern raises an editor alert.
    """
    result = UpsertResult()
    by_pmid = {record.pmid: record for record in records}  # a PMID twice in one response is stored once
    stored = {a.pmid: a for a in Article.objects.filter(pmid__in=by_pmid).prefetch_related("notices")}
    doi_holders = _doi_holders([r.doi for r in by_pmid.values()])
    now = timezone.now()
    created, changed, unchanged, change_records = [], [], [], []
    for pmid, record in by_pmid.items():
        fields = record_fields(record)
        article, adopted = stored.get(pmid), False
        holder = doi_holders.get(fields["doi"].lower()) if fields["doi"] else None
        if holder is not None and holder.pmid is None and article is None:
            article, adopted = holder, True  # an article known only by its DOI becomes this PMID's record
            article.pmid = pmid
        elif holder is not None and holder is not article and holder.pmid != pmid:
            # PubMed lists a few DOIs on two records; the database keeps a DOI unique, so the first keeps it.
            owner = f"PMID {holder.pmid}" if holder.pmid else "an article known only by its DOI"
            result.errors.append(f"PMID {pmid}: DOI {fields['doi']} is stored for {owner}; kept without it.")
            fields["doi"] = ""
        if article is None:
            article = Article(pmid=pmid, synced_at=now, **fields)
            created.append(article)
            if fields["doi"]:
                doi_holders[fields["doi"].lower()] = article
            continue
        if not (fields["pub_year"] or fields["pub_date_text"]):
            for name in PUB_DATE_FIELDS:  # no date given: keep the stored one whole
                fields.pop(name)
        changes = {}
        for name, value in fields.items():
            old = getattr(article, name)
            keep_old = _is_empty(value) and not _is_empty(old) and name not in PUB_DATE_FIELDS
            if value != old and not keep_old:
                changes[name] = [old, value]
                setattr(article, name, value)
        if "doi" in changes and article.doi:
            doi_holders[article.doi.lower()] = article  # a later record of this batch must see the DOI taken
        if changes and article.synced_at is not None:  # filling a placeholder or seed record is not news
            change_records.append(ArticleChange(article=article, sync_run=sync_run, changes=changes))
        article.synced_at = now
        (changed if changes or adopted else unchanged).append(article)
    Article.objects.bulk_create(created)
    Article.objects.bulk_update(changed, ["pmid", *SYNCED_FIELDS, "synced_at"])
    Article.objects.filter(pk__in=[a.pk for a in unchanged]).update(synced_at=now)
    ArticleChange.objects.bulk_create(change_records)
    result.new, result.updated, result.unchanged = len(created), len(changed), len(unchanged)
    for article in [*created, *changed, *unchanged]:
        result.articles[article.pmid] = article
    created_pks = {article.pk for article in created}
    _notices_store(articles=result.articles, records=by_pmid, sync_run=sync_run, new=created_pks)
    return result


def _doi_holders(dois: list[str]) -> dict[str, Article]:
    wanted = {doi.lower() for doi in dois if doi}
    if not wanted:
        return {}
    holders = Article.objects.annotate(doi_lower=Lower("doi")).filter(doi_lower__in=wanted)
    return {article.doi_lower: article for article in holders}


def _notices_store(*, articles: dict[int, Article], records: dict[int, PubmedRecord], sync_run, new: set[int]) -> None:
    """Store notices not seen before; `new` are the pks of articles just created, which have none yet."""
    new_notices = []
    for pmid, article in articles.items():
        known = set() if article.pk in new else {(n.kind, n.notice_pmid, n.source) for n in article.notices.all()}
        for notice in records[pmid].notices:
            key = (notice.kind, notice.pmid, notice.source[:500])
            if key in known or notice.kind not in NoticeKind.values:
                continue
            known.add(key)
            new_notices.append(ArticleNotice(article=article, kind=notice.kind, notice_pmid=notice.pmid, source=key[2]))
            if notice.kind in ALERT_NOTICE_KINDS:
                _alert_raise(article, ALERT_NOTICE_KINDS[notice.kind], notice.pmid, sync_run)
        if article.is_retracted:
            _alert_raise(article, EditorAlert.Kind.RETRACTION, None, sync_run)
    ArticleNotice.objects.bulk_create(new_notices)


def _alert_raise(article: Article, kind: str, notice_pmid: int | None, sync_run: SyncRun | None) -> None:
    label = EditorAlert.Kind(kind).label
    where = f" (notice PMID {notice_pmid})" if notice_pmid else ""
    message = f"{label}: PMID {article.pmid}, “{article.plain_title[:200]}”{where}."
    alert, created = EditorAlert.objects.get_or_create(
        article=article, kind=kind, defaults={"message": message, "sync_run": sync_run}
    )
    if not created and notice_pmid and str(notice_pmid) not in alert.message:
        # a further notice of the same kind (a second erratum) opens the alert again, even if it was seen
        alert.message, alert.sync_run, alert.acknowledged_at, alert.acknowledged_by = message, sync_run, None, None
        alert.save(update_fields=["message", "sync_run", "acknowledged_at", "acknowledged_by"])


# --- The citation network of a review


@transaction.atomic
def references_store(*, review: Review, references: list[Reference]) -> None:
    """Record the review's numbered reference list as NCBI gives it.

    A stored reference is recognised by what identifies it (PMID, DOI, its text), not by its number, so curators'
    work stays with the paper it is about when the list is renumbered. References NCBI no longer lists are kept,
    after the list: curated data hangs on them. A value NCBI leaves out never blanks a stored one.
    """
    own_pmid = review.article.pmid
    stored = list(review.citations.filter(relation=Citation.Relation.REFERENCE).select_related("article"))
    # A review may list its own data set under its own PMID; that is not a cited paper.
    incoming = [(reference, reference.pmid if reference.pmid != own_pmid else None) for reference in references]
    matched = _ReferenceMatcher(stored).match(incoming)
    placed: list[tuple[Citation, int]] = []
    new = []
    for (reference, pmid), citation in zip(incoming, matched, strict=True):
        if citation is None:
            new.append(Citation(
                review=review, relation=Citation.Relation.REFERENCE, position=reference.position,
                citation_text=reference.citation, cited_pmid=pmid, cited_doi=reference.doi,
                cited_pmcid=reference.pmcid,
            ))  # fmt: skip
            continue
        if pmid and citation.article is not None and citation.article.pmid != pmid:
            citation.article = None  # NCBI now names another paper here: resolve it again
        citation.citation_text = reference.citation or citation.citation_text
        citation.cited_pmid = pmid or citation.cited_pmid
        citation.cited_doi = reference.doi or citation.cited_doi
        citation.cited_pmcid = reference.pmcid or citation.cited_pmcid
        placed.append((citation, reference.position))
    claimed = {citation.pk for citation in matched if citation is not None}
    dropped = sorted((c for c in stored if c.pk not in claimed), key=lambda c: c.position)
    last = max([r.position for r in references], default=0)
    placed += [(citation, last + offset) for offset, citation in enumerate(dropped, start=1)]
    _positions_set(placed)
    Citation.objects.bulk_update(
        [citation for citation, _ in placed], ["citation_text", "cited_pmid", "cited_doi", "cited_pmcid", "article"]
    )
    Citation.objects.bulk_create(new)


def _positions_set(placed: list[tuple[Citation, int]]) -> None:
    """Renumber in two steps, through numbers no reference uses, so the unique (review, position) never clashes."""
    moving = [(citation, position) for citation, position in placed if citation.position != position]
    for step in (1_000_000, 0):
        for citation, position in moving:
            citation.position = position + step
        Citation.objects.bulk_update([citation for citation, _ in moving], ["position"])


class _ReferenceMatcher:
    """Pairs incoming references with stored ones. First by what identifies a paper (PMID, else DOI, else the exact
    text), for the whole list, so no reference takes the row of another that names it exactly; then, for those
    left, the row at the same number if nothing contradicts it (a reference first stored from its text alone).
    A paper listed twice pairs with its stored rows in order."""

    def __init__(self, stored: list[Citation]) -> None:
        self.by_position = {c.position: c for c in stored}
        self.by_key: dict[tuple, list[Citation]] = defaultdict(list)
        for citation in sorted(stored, key=lambda c: c.position):
            pmid = citation.cited_pmid or (citation.article.pmid if citation.article else None)
            doi = citation.cited_doi or (citation.article.doi if citation.article else "")
            if pmid:
                self.by_key[("pmid", pmid)].append(citation)
            if doi:
                self.by_key[("doi", doi.lower())].append(citation)
            self.by_key[("text", _text_key(citation.citation_text))].append(citation)
        self.claimed: set[int] = set()

    def match(self, incoming: list[tuple[Reference, int | None]]) -> list[Citation | None]:
        matched: list[Citation | None] = [None] * len(incoming)
        for kind in ("pmid", "doi", "text"):  # the strongest evidence first, over the whole list
            for index, (reference, pmid) in enumerate(incoming):
                if matched[index] is None:
                    matched[index] = self._take(self._key(kind, reference, pmid))
        for index, (reference, pmid) in enumerate(incoming):
            at_number = self.by_position.get(reference.position)
            if matched[index] is None and at_number is not None and at_number.pk not in self.claimed:
                if self._fits(at_number, reference, pmid):
                    self.claimed.add(at_number.pk)
                    matched[index] = at_number
        return matched

    @staticmethod
    def _key(kind: str, reference: Reference, pmid: int | None) -> tuple | None:
        if kind == "pmid":
            return ("pmid", pmid) if pmid else None
        if kind == "doi":
            return ("doi", reference.doi.lower()) if reference.doi else None
        return ("text", _text_key(reference.citation))

    def _take(self, key: tuple | None) -> Citation | None:
        for citation in self.by_key.get(key, []) if key else []:
            if citation.pk not in self.claimed:
                self.claimed.add(citation.pk)
                return citation
        return None

    @staticmethod
    def _fits(citation: Citation, reference: Reference, pmid: int | None) -> bool:
        known_pmid = citation.cited_pmid or (citation.article.pmid if citation.article else None)
        if known_pmid and known_pmid != pmid:
            return False
        if citation.cited_doi and citation.cited_doi.lower() != reference.doi.lower():
            return False
        similarity = SequenceMatcher(None, _text_key(citation.citation_text), _text_key(reference.citation))
        return similarity.ratio() >= 0.6


def _text_key(text: str) -> str:
    return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).split())


@transaction.atomic
def citations_link(
    *,
    review: Review,
    articles: dict[int, Article],
    cited_by: list[int],
    similar: list[tuple[int, float | None]],
    by_doi: bool = True,
) -> int:
    """Point references at the stored `articles` they cite and add those among the citing and similar papers;
    with `by_doi`, references without a usable PMID are matched on DOI too. Returns the references left unresolved.

    Only the given articles are looked at, so a sync can link each batch as it arrives. Citations are never
    removed: curators' work hangs on them.
    """
    references = review.citations.filter(relation=Citation.Relation.REFERENCE, article__isnull=True)
    if not by_doi:
        references = references.filter(cited_pmid__in=list(articles))
    unresolved = list(references)
    # the DOI stands in only where the reference names no PMID: a PMID that failed to fetch is not another paper
    doi_holders = _doi_holders([c.cited_doi for c in unresolved if not c.cited_pmid]) if by_doi else {}
    resolved = []
    for reference in unresolved:
        by_doi_match = doi_holders.get(reference.cited_doi.lower()) if not reference.cited_pmid else None
        reference.article = articles.get(reference.cited_pmid) or by_doi_match
        if reference.article is not None:
            resolved.append(reference)
    Citation.objects.bulk_update(resolved, ["article"])

    pks = {article.pk for article in articles.values()}
    linked = {
        (c.relation, c.article_id): c
        for c in review.citations.filter(
            relation__in=[Citation.Relation.CITED_BY, Citation.Relation.SIMILAR], article__in=pks
        )
    }
    new, rescored = [], []
    wanted = [(Citation.Relation.CITED_BY, pmid, None) for pmid in cited_by]
    wanted += [(Citation.Relation.SIMILAR, pmid, score) for pmid, score in similar]
    for relation, pmid, score in wanted:
        article = articles.get(pmid)
        if article is None:
            continue
        citation = linked.get((relation, article.pk))
        if citation is None:
            linked[(relation, article.pk)] = citation = Citation(
                review=review, relation=relation, article=article, score=score
            )
            new.append(citation)
        elif citation.score != score:
            citation.score = score
            rescored.append(citation)
    Citation.objects.bulk_create(new)
    Citation.objects.bulk_update(rescored, ["score"])
    return review.citations.filter(relation=Citation.Relation.REFERENCE, article__isnull=True).count()


@transaction.atomic
def editor_alert_acknowledge(*, alert_ids: list[int], user, review: Review | None = None) -> int:
    """An editor marks open alerts as seen (only those about papers of `review`, when given); returns how many."""
    if not is_editor(user):
        raise NotAllowedError("Only editors can acknowledge alerts.")
    alerts = EditorAlert.objects.filter(pk__in=alert_ids, acknowledged_at__isnull=True)
    if review is not None:
        alerts = alerts.filter(article__citations__review=review)
    return EditorAlert.objects.filter(pk__in=alerts.values("pk")).update(
        acknowledged_by=user, acknowledged_at=timezone.now()
    )
