"""A run whose worker process on this host has exited (killed, or crashed while the database was away) is closed
or taken over at once, without waiting SYNC_STALE_SECONDS; a live worker's run is left alone."""

import os
import socket
import subprocess

import pytest

from articles.locks import RunLock, SyncLocked
from articles.models import SyncRun
from articles.services import review_get_or_create, sync_run_execute, sync_run_start, sync_runs_close_stale
from fake_eutils.scenarios import network_store

pytestmark = [pytest.mark.services, pytest.mark.django_db]

REVIEW = 93_000_000


@pytest.fixture
def review(fake_ncbi, settings):
    network_store(REVIEW, references=6, unresolved=1, cited_by=2, similar=2, store=fake_ncbi.store)
    settings.SYNC_STALE_SECONDS = 3600  # the heartbeat alone would keep these runs for an hour
    return review_get_or_create(pmid=REVIEW)[0]


def exited_worker() -> str:
    """The lock token a process of this host held before it exited."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{socket.gethostname()[:30]}:{process.pid}:0123456789abcdef"


def left_running(review, worker: str) -> SyncRun:
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.RUNNING, worker=worker)
    run.refresh_from_db()
    return run


def test_the_next_request_replaces_a_run_whose_worker_has_exited(review):
    stuck = left_running(review, exited_worker())
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    assert run.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.state == SyncRun.State.FAILED
    assert stuck.message == (
        "The worker running this sync stopped reporting progress (its process has exited); "
        "a new run was started to finish the job."
    )
    assert sync_run_execute(run=run).state == SyncRun.State.SUCCEEDED


def test_a_redelivered_run_whose_worker_has_exited_is_taken_over(review):
    run = left_running(review, exited_worker())
    assert sync_run_execute(run=run).state == SyncRun.State.SUCCEEDED


def test_the_stale_sweep_closes_a_run_whose_worker_has_exited(review):
    run = left_running(review, exited_worker())
    assert sync_runs_close_stale() == 1
    run.refresh_from_db()
    assert run.state == SyncRun.State.FAILED and "its process has exited" in run.message


def test_a_live_worker_or_one_on_another_host_keeps_its_run(review):
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    alive = RunLock(run)
    assert alive.take()  # this very process: alive
    with pytest.raises(SyncLocked):
        sync_run_execute(run=run)
    assert sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False).pk == run.pk
    elsewhere = f"another-host:{os.getpid() + 1_000_000}:0123456789abcdef"
    SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.RUNNING, worker=elsewhere)
    assert sync_runs_close_stale() == 0
    with pytest.raises(SyncLocked):
        sync_run_execute(run=run)
