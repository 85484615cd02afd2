"""Sync runs: asking for one, running it under its lock, closing dead ones and recording how each ended."""

import logging
import os
import socket
import time
from collections.abc import Callable
from typing import TypeVar

from celery import current_app
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from cafex_portal.roles import require_editor

from ..locks import RunLock, RunSuperseded, SyncLocked
from ..models import Review, SyncRun
from .citations import citation_list_changes_fold
from .reviews import review_get_or_create
from .sync_runner import DATABASE_ERRORS, Outcome, SyncRunner, database_failure_message, first_line

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The task that runs a queued sync, by name: the tasks module calls these services, not the other way round.
RUN_SYNC_TASK = "articles.tasks.run_sync"
# How .delay() says the broker cannot be reached (kombu wraps most of them; the rest come through raw).
QUEUE_UNAVAILABLE = (BrokerUnavailable, RedisConnectionError, RedisTimeoutError, OSError)
# How long a run that lost the database keeps trying to record how it ended (a restart takes seconds).
DATABASE_RETRY_SECONDS = 30.0


class DatabaseUnavailable(Exception):
    """The database stayed unreachable, so how a run ended could not be recorded; the message says what to expect."""


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
        if active is not None and not _is_dead(active):
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
    except QUEUE_UNAVAILABLE as exc:
        message = (
            f"Could not hand the sync to the workers: the task queue (Redis) is unavailable ({first_line(exc)}). "
            "Nothing was changed; start the sync again once Redis is back."
        )
        logger.error("Sync run %s failed: %s", run.pk, message)
        sync_run_finish(run=run, outcome=Outcome(SyncRun.State.FAILED, message))
    except Exception as exc:  # any other failure also means the message did not leave
        logger.exception("Could not queue sync run %s", run.pk)
        message = f"Could not hand the sync to the workers ({first_line(exc)})."
        sync_run_finish(run=run, outcome=Outcome(SyncRun.State.FAILED, message))


def sync_run_execute(*, run: SyncRun, on_progress: Callable[[SyncRun], None] | None = None) -> SyncRun:
    """Run a queued (or redelivered) sync as its one worker. Returns the run as it ended.

    Raises SyncLocked while another live process runs it; the task tries again later. A run that loses the
    database ends failed with that reason, recorded once the database answers again; if it stays away for
    DATABASE_RETRY_SECONDS, DatabaseUnavailable is raised and the run is closed later, by the next sync of the
    review or the stale-run check.
    """
    lock = RunLock(run)
    if not lock.take():
        run.refresh_from_db()
        if not run.is_active:
            return run
        if not (_worker_gone(run) and _free(run) and lock.take()):
            raise SyncLocked(f"Sync run {run.pk} of review {run.review_id} is being run by another process.")
        logger.warning(
            "Sync run %s: its previous worker %s has exited; this process takes it over.", run.pk, run.worker
        )
    try:
        try:
            run.refresh_from_db()
            outcome = SyncRunner(run, lock=lock, on_progress=on_progress).run()
        except RunSuperseded:
            logger.warning("Sync run %s was taken over or closed elsewhere while running; stopped.", run.pk)
            _with_database_retry(run.refresh_from_db, what=f"read sync run {run.pk}")
            return run
        except DATABASE_ERRORS as exc:  # before the steps began
            message = database_failure_message(exc)
            outcome = Outcome(SyncRun.State.FAILED, message, [*run.errors, message])
        return _with_database_retry(
            lambda: sync_run_finish(run=run, outcome=outcome, lock=lock), what=f"record how sync run {run.pk} ended"
        )
    finally:
        _release(lock)  # only a run left unfinished (an interrupted process) is still ours here


def sync_runs_close_stale() -> int:
    """Close runs whose worker died or whose message was lost, so no page shows them running; returns how many."""
    closed = 0
    for run in SyncRun.objects.filter(state__in=SyncRun.ACTIVE_STATES):
        if not _is_dead(run):
            continue
        # Closed only as it was read (compare-and-set): a worker that took the run over since then keeps it.
        as_read = SyncRun.objects.filter(pk=run.pk, state=run.state, worker=run.worker, heartbeat_at=run.heartbeat_at)
        outcome = Outcome(SyncRun.State.FAILED, _stale_message(run, replaced=False))
        closed += sync_run_finish(run=run, outcome=outcome, only=as_read).state == SyncRun.State.FAILED
    return closed


def sync_runs_schedule() -> int:
    """Queue a sync of every review; returns how many were queued. A review whose sync is already queued or
    running keeps that one, so two beats firing together queue nothing twice."""
    already_active = set(SyncRun.objects.filter(state__in=SyncRun.ACTIVE_STATES).values_list("pk", flat=True))
    queued = 0
    for review in Review.objects.select_related("article").filter(article__pmid__isnull=False):
        queued += sync_run_start(review=review, trigger=SyncRun.Trigger.SCHEDULE).pk not in already_active
    return queued


def sync_run_finish(
    *, run: SyncRun, outcome: Outcome, lock: RunLock | None = None, only: QuerySet[SyncRun] | None = None
) -> SyncRun:
    """Close the run, unless it was closed, or taken over, from elsewhere meanwhile (then that outcome stands).
    `only` narrows "still as it was" further: the run is closed only if it still matches it."""
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
    if only is not None:
        still_ours = still_ours & only
    if still_ours.update(**fields):
        for name, value in fields.items():
            setattr(run, name, value)
    else:
        run.refresh_from_db()
    citation_list_changes_fold()  # a sync adds a change for each transaction that stored something
    return run


def _stale_message(run: SyncRun, *, replaced: bool) -> str:
    if run.state == SyncRun.State.RUNNING:
        cause = "The worker running this sync stopped reporting progress"
        if _worker_gone(run):
            cause += " (its process has exited)"
    elif _worker_gone(run):
        cause = "The process that took this sync up exited before it began"
    else:
        cause = "No worker took this sync up in time"
    return f"{cause}; a new run was started to finish the job." if replaced else f"{cause}."


def _is_dead(run: SyncRun) -> bool:
    """Whether nobody will finish this active run: its worker went silent or exited, or its message was lost."""
    return run.is_stale() or _worker_gone(run)


def _worker_gone(run: SyncRun) -> bool:
    """Whether the run's worker was a process of this host that has exited (killed, or crashed while the database
    was away), so its run need not wait SYNC_STALE_SECONDS to be replaced. Workers elsewhere are judged by their
    heartbeat alone. The worker token is "host:pid:random" (articles.locks.RunLock); processes that share a host
    name are taken to share its process ids, as on one machine or in one container."""
    host, _, rest = run.worker.partition(":")
    pid, _, _ = rest.partition(":")
    if not run.is_active or host != socket.gethostname()[:30] or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # it exists, under another user
        return False
    return False


def _free(run: SyncRun) -> bool:
    """Clear the worker of a run whose worker has exited, unless someone changed it meanwhile (compare-and-set)."""
    active = SyncRun.objects.filter(pk=run.pk, state__in=SyncRun.ACTIVE_STATES, worker=run.worker)
    return bool(active.update(worker=""))


def _release(lock: RunLock) -> None:
    try:
        lock.release()
    except DATABASE_ERRORS as exc:
        logger.warning(
            "Could not release sync run %s (%s); the next sync of its review takes it over once this process has "
            "exited.", lock.run_id, first_line(exc),
        )  # fmt: skip


def _with_database_retry(write: Callable[[], T], *, what: str) -> T:
    """`write()`, tried again while the database is unreachable, for up to DATABASE_RETRY_SECONDS."""
    deadline = time.monotonic() + DATABASE_RETRY_SECONDS
    pause = 0.25
    while True:
        try:
            return write()
        except DATABASE_ERRORS as exc:
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise DatabaseUnavailable(
                    f"The database is unavailable, so this process could not {what} ({first_line(exc)}); the run "
                    "is closed by the next sync of its review."
                ) from exc
            logger.warning("The database is unavailable (%s); trying again to %s.", first_line(exc), what)
        try:
            connection.close()  # the broken connection; the next query opens a new one
        except DATABASE_ERRORS:
            pass
        time.sleep(pause)
        pause = min(pause * 2, 2.0)
