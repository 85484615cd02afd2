from celery import shared_task

from .models import Review, SyncRun
from .sync import SyncLocked, sync_run_execute, sync_run_start, sync_runs_close_stale


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    # another process holds the review: try again until it finishes or is found dead (SYNC_STALE_SECONDS)
    autoretry_for=(SyncLocked,),
    retry_backoff=5,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=30,
)
def sync_review(run_id: int) -> None:
    """Run one queued sync. A redelivered message finds the run finished, or resumes it: every step is an upsert."""
    run = SyncRun.objects.filter(pk=run_id).first()
    if run is None or not run.is_active:
        return
    sync_run_execute(run=run)


@shared_task
def refresh_all_reviews() -> int:
    """The scheduled refresh: queue a sync of every review; returns how many were queued (a review whose sync is
    already queued or running keeps that one). Two beats firing together queue nothing twice: one active run per
    review is a database constraint."""
    already_active = set(SyncRun.objects.filter(state__in=SyncRun.ACTIVE_STATES).values_list("pk", flat=True))
    queued = 0
    for review in Review.objects.select_related("article").filter(article__pmid__isnull=False):
        queued += sync_run_start(review=review, trigger=SyncRun.Trigger.SCHEDULE).pk not in already_active
    return queued


@shared_task
def close_stale_sync_runs() -> int:
    """Close runs whose worker died or whose message was lost, so that no page keeps showing them as running."""
    return sync_runs_close_stale()
