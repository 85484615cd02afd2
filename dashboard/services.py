"""Writes the dashboard makes: dismissing alerts (through the articles service that records who did) and marking a
review's citing papers as seen."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from articles.models import Review
from articles.services import editor_alert_acknowledge
from cafex_portal.roles import require_editor

from .models import CitingPapersSeen


def alert_dismiss(*, alert_id: int, user: Any) -> int:
    """An editor dismisses one open alert; it keeps who dismissed it and when. Returns 1, or 0 if it was not open."""
    return editor_alert_acknowledge(alert_ids=[alert_id], user=user)


@transaction.atomic
def citing_papers_seen(*, review: Review, user: Any) -> CitingPapersSeen:
    """An editor has seen the review's citing papers: only papers linked from now on are new to them."""
    require_editor(user, "dismiss alerts")
    seen, _ = CitingPapersSeen.objects.update_or_create(user=user, review=review, defaults={"seen_at": timezone.now()})
    return seen
