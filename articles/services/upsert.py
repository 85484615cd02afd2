"""Storing parsed PubMed records: idempotent upserts by PMID, change records, notices and editor alerts."""

from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone

from ..models import Article, ArticleChange, ArticleNotice, EditorAlert, NoticeKind, SyncRun
from ..ncbi.records import RETRACTION_KINDS, PubmedRecord
from ..selectors import articles_by_doi

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
    doi_holders = articles_by_doi([r.doi for r in by_pmid.values()])
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
