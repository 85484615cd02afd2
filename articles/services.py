"""Writes to articles, reviews and citations."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cafex_portal.exceptions import ApplicationError

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
    """Store parsed PubMed records, keyed by PMID; idempotent.

    A value NCBI leaves out never blanks a stored one, every change to a stored article is recorded, and a newly
    seen retraction, erratum or expression of concern raises an editor alert.
    """
    result = UpsertResult()
    by_pmid = {record.pmid: record for record in records}  # a PMID twice in one response is stored once
    stored = {a.pmid: a for a in Article.objects.filter(pmid__in=by_pmid).prefetch_related("notices")}
    now = timezone.now()
    for pmid, record in by_pmid.items():
        fields = record_fields(record)
        fields["doi"] = _doi_free_for(pmid, fields["doi"], result.errors)
        article = stored.get(pmid)
        if article is None:
            article = _article_adopt_by_doi(fields["doi"]) or Article(pmid=pmid)
            for name, value in fields.items():
                setattr(article, name, value)
            article.pmid, article.synced_at = pmid, now
            article.save()
            result.new += 1
        else:
            changes = {}
            for name, value in fields.items():
                old = getattr(article, name)
                if value != old and not (_is_empty(value) and not _is_empty(old)):
                    changes[name] = [old, value]
                    setattr(article, name, value)
            first_sync = article.synced_at is None
            article.synced_at = now
            article.save()
            if changes and not first_sync:  # filling a placeholder or seed record is not news
                ArticleChange.objects.create(article=article, sync_run=sync_run, changes=changes)
            if changes:
                result.updated += 1
            else:
                result.unchanged += 1
        _notices_store(article=article, record=record, sync_run=sync_run)
        result.articles[pmid] = article
    return result


def _doi_free_for(pmid: int, doi: str, errors: list[str]) -> str:
    """The DOI if no other PubMed record holds it; PubMed does list a few DOIs on two records."""
    if not doi:
        return doi
    holder = Article.objects.filter(doi__iexact=doi, pmid__isnull=False).exclude(pmid=pmid).first()
    if holder is None:
        return doi
    errors.append(f"PMID {pmid}: DOI {doi} is already stored for PMID {holder.pmid}; kept without a DOI.")
    return ""


def _article_adopt_by_doi(doi: str) -> Article | None:
    """An article stored without a PMID (known only by its DOI) becomes the record of this PMID."""
    if not doi:
        return None
    return Article.objects.filter(doi__iexact=doi, pmid__isnull=True).first()


def _notices_store(*, article: Article, record: PubmedRecord, sync_run: SyncRun | None) -> None:
    known = {(n.kind, n.notice_pmid, n.source) for n in article.notices.all()}
    for notice in record.notices:
        source = notice.source[:500]
        if (notice.kind, notice.pmid, source) in known or notice.kind not in NoticeKind.values:
            continue
        ArticleNotice.objects.create(article=article, kind=notice.kind, notice_pmid=notice.pmid, source=source)
        if notice.kind in ALERT_NOTICE_KINDS:
            _alert_raise(article, ALERT_NOTICE_KINDS[notice.kind], notice.pmid, sync_run)
    if article.is_retracted:
        _alert_raise(article, EditorAlert.Kind.RETRACTION, None, sync_run)


def _alert_raise(article: Article, kind: str, notice_pmid: int | None, sync_run: SyncRun | None) -> None:
    label = EditorAlert.Kind(kind).label
    where = f" (notice PMID {notice_pmid})" if notice_pmid else ""
    message = f"{label}: PMID {article.pmid}, “{article.plain_title[:200]}”{where}."
    EditorAlert.objects.get_or_create(article=article, kind=kind, defaults={"message": message, "sync_run": sync_run})


# --- The citation network of a review


@transaction.atomic
def references_store(*, review: Review, references: list[Reference]) -> None:
    """Record the review's numbered reference list as NCBI gives it; a reference's resolved article is kept."""
    own_pmid = review.article.pmid
    for reference in references:
        Citation.objects.update_or_create(
            review=review,
            relation=Citation.Relation.REFERENCE,
            position=reference.position,
            defaults={
                "citation_text": reference.citation,
                # A review may list its own data set under its own PMID; that is not a cited paper.
                "cited_pmid": reference.pmid if reference.pmid != own_pmid else None,
                "cited_doi": reference.doi,
                "cited_pmcid": reference.pmcid,
            },
        )


@transaction.atomic
def citations_link(
    *, review: Review, articles: dict[int, Article], cited_by: list[int], similar: list[tuple[int, float | None]]
) -> int:
    """Point references at their stored articles and add citing and similar papers; returns unresolved references.

    Citations are never removed: curators' work hangs on them.
    """
    for reference in review.citations.filter(relation=Citation.Relation.REFERENCE, article__isnull=True):
        article = articles.get(reference.cited_pmid) if reference.cited_pmid else None
        if article is None and reference.cited_doi:
            article = Article.objects.filter(doi__iexact=reference.cited_doi).first()
        if article is not None:
            reference.article = article
            reference.save(update_fields=["article", "updated_at"])
    for pmid in cited_by:
        if pmid in articles:
            Citation.objects.get_or_create(review=review, relation=Citation.Relation.CITED_BY, article=articles[pmid])
    for pmid, score in similar:
        if pmid in articles:
            Citation.objects.update_or_create(
                review=review, relation=Citation.Relation.SIMILAR, article=articles[pmid], defaults={"score": score}
            )
    return review.citations.filter(relation=Citation.Relation.REFERENCE, article__isnull=True).count()


def editor_alert_acknowledge(*, alerts, user) -> int:
    """Mark open alerts as seen by `user`; returns how many were open."""
    return alerts.filter(acknowledged_at__isnull=True).update(acknowledged_by=user, acknowledged_at=timezone.now())
