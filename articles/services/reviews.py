"""Reviews: the bundled one, adding one by PMID, and editors' alerts about their papers."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cafex_portal.exceptions import ApplicationError
from cafex_portal.roles import require_editor

from ..models import Article, Citation, EditorAlert, Review

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
    """The review of `pmid`, created (with a placeholder article until the first sync) if the portal lacks it."""
    article, _ = Article.objects.get_or_create(pmid=pmid_validate(pmid))
    review, created = Review.objects.get_or_create(article=article, defaults={"added_by": user})
    return review, created


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
