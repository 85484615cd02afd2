"""Sync runs: asking for one, running it under its lock, closing dead ones and recording how each ended."""

import logging
from collections.abc import Callable

from celery import current_app
from django.db import IntegrityError, transaction
from django.utils import timezone

from cafex_portal.roles import require_editor

from ..locks import RunLock, RunSuperseded, SyncLocked
from ..models import Review, SyncRun
from .reviews import review_get_or_create
from .sync_runner import Outcome, SyncRunner

logger = logging.getLogger(__name__)

# The task that runs a queued sync, by name: the tasks module calls these services, not the other way round.
RUN_SYNC_TASK = "articles.tasks.run_sync"


def review_add(*, pmid, user, trigger: str) -> tuple[Review, SyncRun, bool]:
    """An editor adds a review by PMID (or finds it there) and its sync is queued. Returns (review, run, created)."""
    require_editor(user, "add reviews and start syncs")
    review, created = review_get_or_create(pmid=pmid, user=user)
    return review, sync_run_start(review=review, trigger=trigger, user=user), created


def review_sync_request(*, review: Review, user, trigger: str) -> SyncRun:
    """An editor asks for a sync of `review`; the one already queued or running is returned instead of a second."""
    require_editor(user, "add reviews and start syncs")
    return sync_run_start(review=review, trigger=trigger, user=user)


def sync_run_start(*, review: Review, trigger: str, user=None, enqueue: bool = True) -> SyncRun:
    """Queue a sync of `review`, or return the one already queued or running. A dead run is closed and replaced."""
    with transaction.atomic():
        active = SyncRun.objects.select_for_update().filter(review=review, state__in=SyncRun.ACTIVE_STATES).first()
        if active is not None and not active.is_stale():
            return active
        if active is not None:
            sync_run_finish(run=active, outcome=Outcome(SyncRun.State.FAILED, _stale_message(active, replaced=True)))
        try:
            with transaction.atomic():
                run = SyncRun.objects.create(review=review, trigger=trigger, started_by=user)
        except IntegrityError:  # another request queued one between our check and our insert
            return SyncRun.objects.get(review=review, state__in=SyncRun.ACTIVE_STATES)
        if enqueue:
            transaction.on_commit(lambda: _enqueue(run))
    return run


def _enqueue(run: SyncRun) -> None:
    """Hand the run to the workers; if the broker cannot take it, the run fails at once rather than wait unseen."""
    try:
        current_app.tasks[RUN_SYNC_TASK].delay(run.pk)
    except Exception as exc:  # kombu and redis raise several kinds; any of them means the message did not leave
        logger.exception("Could not queue sync run %s", run.pk)
        message = f"Could not hand the sync to the workers ({exc}); is Redis running?"
        sync_run_finish(run=run, outcome=Outcome(SyncRun.State.FAILED, message))


def sync_run_execute(*, run: SyncRun, on_progress: Callable[[SyncRun], None] | None = None) -> SyncRun:
    """Run a queued (or redelivered) sync as its one worker. Returns the run as it ended.

    Raises SyncLocked while another live process runs it; the task tries again later.
    """
    lock = RunLock(run)
    if not lock.take():
        run.refresh_from_db()
        if not run.is_active:
            return run
        raise SyncLocked(f"Sync run {run.pk} of review {run.review_id} is being run by another process.")
    try:
        run.refresh_from_db()
        outcome = SyncRunner(run, lock=lock, on_progress=on_progress).run()
        return sync_run_finish(run=run, outcome=outcome, lock=lock)
    except RunSuperseded:
        logger.warning("Sync run %s was taken over or closed elsewhere while running; stopped.", run.pk)
        run.refresh_from_db()
        return run
    finally:
        lock.release()  # only a run left unfinished (an interrupted process) is still ours here


def sync_runs_close_stale() -> int:
    """Close runs whose worker died or whose message was lost, so no page shows them running; returns how many."""
    stale = [run for run in SyncRun.objects.filter(state__in=SyncRun.ACTIVE_STATES) if run.is_stale()]
    for run in stale:
        sync_run_finish(run=run, outcome=Outcome(SyncRun.State.FAILED, _stale_message(run, replaced=False)))
    return len(stale)


def sync_runs_schedule() -> int:
    """Queue a sync of every review; returns how many were queued. A review whose sync is already queued or
    running keeps that one, so two beats firing together queue nothing twice."""
    already_active = set(SyncRun.objects.filter(state__in=SyncRun.ACTIVE_STATES).values_list("pk", flat=True))
    queued = 0
    for review in Review.objects.select_related("article").filter(article__pmid__isnull=False):
        queued += sync_run_start(review=review, trigger=SyncRun.Trigger.SCHEDULE).pk not in already_active
    return queued


def sync_run_finish(*, run: SyncRun, outcome: Outcome, lock: RunLock | None = None) -> SyncRun:
    """Close the run, unless it was closed, or taken over, from elsewhere meanwhile (then that outcome stands)."""
    fields = {
        "state": outcome.state,
        "message": outcome.message,
        "stage": "",
        "finished_at": timezone.now(),
        "unresolved_count": run.unresolved_count,
        "requests_made": run.requests_made,
    }
    if outcome.errors is not None:
        fields["errors"] = outcome.errors
    still_ours = lock.mine() if lock else SyncRun.objects.filter(pk=run.pk, state__in=SyncRun.ACTIVE_STATES)
    if still_ours.update(**fields):
        for name, value in fields.items():
            setattr(run, name, value)
    else:
        run.refresh_from_db()
    return run


def _stale_message(run: SyncRun, *, replaced: bool) -> str:
    if run.state == SyncRun.State.RUNNING:
        cause = "The worker running this sync stopped reporting progress"
    else:
        cause = "No worker took this sync up in time"
    return f"{cause}; a new run was started to finish the job." if replaced else f"{cause}."
