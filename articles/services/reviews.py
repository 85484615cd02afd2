"""Reviews: the bundled one, adding one by PMID, archiving and deleting one, and editors' alerts about their papers."""

import json
from collections import Counter
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from cafex_portal.exceptions import ApplicationError
from cafex_portal.roles import require_editor

from ..models import Article, Citation, EditorAlert, Review, SyncRun

DEMO_REVIEW_PATH = Path(__file__).resolve().parent.parent / "data" / "demo_review.json"

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
def review_get_or_create(*, pmid: int, user=None) -> tuple[Review, bool]:
    """The review of `pmid`, created (with a placeholder article until the first sync) if the portal lacks it.

    An archived review is not silently brought back by adding it again: an editor restores it.
    """
    article, _ = Article.objects.get_or_create(pmid=pmid_validate(pmid))
    review, created = Review.objects.get_or_create(article=article, defaults={"added_by": user})
    if review.archived_at is not None:
        raise ApplicationError(f"The review PMID {pmid} is archived; restore it from the dashboard's review list.")
    return review, created


@transaction.atomic
def review_archive(*, review: Review, user) -> Review:
    """Hide a review from the public pages and API; its citations and curated work stay as they are."""
    require_editor(user, "archive reviews")
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.archived_at is None:
        review.archived_at = timezone.now()
        review.archived_by = user
        review.save(update_fields=["archived_at", "archived_by"])
    return review


@transaction.atomic
def review_restore(*, review: Review, user) -> Review:
    """Show an archived review again."""
    require_editor(user, "restore reviews")
    review = Review.objects.select_for_update().get(pk=review.pk)
    review.archived_at = None
    review.archived_by = None
    review.save(update_fields=["archived_at", "archived_by"])
    return review


def _curated_work(error: ProtectedError) -> str:
    """What stood in a delete's way, counted by kind: "3 mechanism annotations, 1 screening decision"."""
    kinds = Counter(type(obj)._meta for obj in error.protected_objects)
    return ", ".join(
        f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}" for meta, count in kinds.items()
    )


@transaction.atomic
def review_delete(*, review: Review, user) -> None:
    """Delete a review nobody has worked on, with its citations and sync runs; a placeholder article that no other
    record uses (a PMID NCBI did not know) goes too.

    Curated work (screening decisions, assignments, mechanism annotations) protects its citations in the database,
    so a review that has any cannot be deleted: the refusal says what it holds, and archiving is the way out.
    """
    require_editor(user, "delete reviews")
    if review.sync_runs.filter(state__in=SyncRun.ACTIVE_STATES).exists():
        raise ApplicationError("A sync of this review is under way; delete it once the sync has finished.")
    article = review.article
    pmid = article.pmid
    try:
        with transaction.atomic():
            review.delete()
    except (ProtectedError, IntegrityError) as error:
        held = _curated_work(error) if isinstance(error, ProtectedError) else "curated work"
        raise ApplicationError(
            f"The review PMID {pmid} holds curated work ({held}) and cannot be deleted; archive it instead."
        ) from None
    if not article.title and not article.citations.exists():
        article.delete()


@transaction.atomic
def editor_alert_acknowledge(*, alert_ids: list[int], user, review: Review | None = None) -> int:
    """An editor marks open alerts as seen (only those about papers of `review`, when given); returns how many."""
    require_editor(user, "acknowledge alerts")
    alerts = EditorAlert.objects.filter(pk__in=alert_ids, acknowledged_at__isnull=True)
    if review is not None:
        alerts = alerts.filter(article__citations__review=review)
    return EditorAlert.objects.filter(pk__in=alerts.values("pk")).update(
        acknowledged_by=user, acknowledged_at=timezone.now()
    )
