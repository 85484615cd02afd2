"""Helpers for the sync tests: the review every network is built around, and one sync run of it."""

from articles.models import Review, SyncRun
from articles.services import sync_run_execute, sync_run_start

REVIEW = 90_000_000


def sync(review: Review) -> SyncRun:
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.COMMAND, enqueue=False)
    return sync_run_execute(run=run)
