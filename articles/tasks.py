"""Celery tasks: each takes ids, returns quietly when there is nothing to do, and calls one service."""

from celery import shared_task

from .locks import SyncLocked
from .models import SyncRun
from .services.sync_runs import sync_run_execute, sync_runs_close_stale, sync_runs_schedule


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    # another process runs this sync: try again until it finishes or is found dead (SYNC_STALE_SECONDS)
    autoretry_for=(SyncLocked,),
    retry_backoff=5,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=30,
)
def run_sync(run_id: int) -> None:
    """Run one queued sync. A redelivered message finds the run finished, or resumes it: every step is an upsert."""
    run = SyncRun.objects.filter(pk=run_id).first()
    if run is None or not run.is_active:
        return
    sync_run_execute(run=run)


@shared_task
def queue_scheduled_syncs() -> int:
    """The scheduled refresh: queue a sync of every review; returns how many were queued."""
    return sync_runs_schedule()


@shared_task
def close_stale_sync_runs() -> int:
    """Close runs whose worker died or whose message was lost, so that no page keeps showing them as running."""
    return sync_runs_close_stale()
