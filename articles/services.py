"""Writes to articles, reviews and citations."""

import json
from pathlib import Path

from django.db import transaction

from .models import Article, Citation, Review

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
