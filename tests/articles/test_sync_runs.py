"""Sync runs: one active run per review, and what happens to runs whose worker died or lost its lock.

Also the broker being down, the scheduled refresh and the sweep that closes stale runs.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.locks import RunLock, SyncLocked
from articles.models import SyncRun
from articles.services import review_get_or_create, sync_run_execute, sync_run_start, sync_runs, sync_runs_close_stale
from tests.articles.sync_helpers import REVIEW

pytestmark = pytest.mark.django_db


def test_one_active_run_per_review(network, review):
    first = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    second = sync_run_start(review=review, trigger=SyncRun.Trigger.SCHEDULE, enqueue=False)
    assert first == second
    assert SyncRun.objects.count() == 1


def test_a_dead_run_is_closed_and_the_next_one_finishes_the_job(network, review, settings):
    stuck = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    # its worker died while running it
    SyncRun.objects.filter(pk=stuck.pk).update(state=SyncRun.State.RUNNING, worker="dead", heartbeat_at=timezone.now())
    settings.SYNC_STALE_SECONDS = 0
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    assert run != stuck
    stuck.refresh_from_db()
    assert stuck.state == SyncRun.State.FAILED and "stopped reporting" in stuck.message
    assert sync_run_execute(run=run).state == SyncRun.State.SUCCEEDED


def test_a_run_held_by_a_live_worker_is_not_run_twice(network, review):
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    assert RunLock(run).take()  # a live worker elsewhere has just taken it
    with pytest.raises(SyncLocked):
        sync_run_execute(run=run)
    run.refresh_from_db()
    assert run.state == SyncRun.State.QUEUED
    assert network.requests == []


def test_a_finished_run_delivered_again_is_returned_as_it_ended(network, review):
    run = sync_run_execute(run=sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False))
    requests = len(network.requests)
    again = sync_run_execute(run=run)
    assert again.state == SyncRun.State.SUCCEEDED and len(network.requests) == requests


def test_a_redelivered_run_whose_worker_died_is_taken_over_and_finished(network, review, settings):
    """The message of a killed worker comes back while the dead process's lock, naming this run, still stands."""
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    long_ago = timezone.now() - timedelta(minutes=10)
    SyncRun.objects.filter(pk=run.pk).update(
        state=SyncRun.State.RUNNING, started_at=long_ago, heartbeat_at=long_ago, worker="killed"
    )
    settings.SYNC_STALE_SECONDS = 60
    assert sync_run_execute(run=run).state == SyncRun.State.SUCCEEDED
    run.refresh_from_db()
    assert run.worker != "killed"


def test_a_run_closed_from_elsewhere_stops_writing_and_keeps_that_outcome(network, review, settings):
    settings.NCBI_BATCH_SIZE = 2

    def closed_meanwhile(run):  # another process judged this run dead and replaced it
        if run.done:
            SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.FAILED, message="replaced")

    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    run = sync_run_execute(run=run, on_progress=closed_meanwhile)
    assert (run.state, run.message) == (SyncRun.State.FAILED, "replaced")
    assert run.done < run.total


def test_the_scheduled_refresh_syncs_every_review(network, review, django_capture_on_commit_callbacks):
    from articles.tasks import queue_scheduled_syncs

    with django_capture_on_commit_callbacks(execute=True):
        assert queue_scheduled_syncs() == 1
    run = SyncRun.objects.get()
    assert run.trigger == SyncRun.Trigger.SCHEDULE and run.state == SyncRun.State.SUCCEEDED
    waiting = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    assert queue_scheduled_syncs() == 0, "a review whose sync is already queued keeps that one"
    assert SyncRun.objects.filter(state=SyncRun.State.QUEUED).get() == waiting


def test_a_run_the_broker_cannot_take_fails_at_once_and_the_next_request_queues_anew(
    network, review, monkeypatch, django_capture_on_commit_callbacks
):
    from articles import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_sync, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = sync_run_start(review=review, trigger=SyncRun.Trigger.PAGE)
    run.refresh_from_db()
    assert run.state == SyncRun.State.FAILED
    assert "Could not hand the sync to the workers" in run.message and "Connection refused" in run.message
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = sync_run_start(review=review, trigger=SyncRun.Trigger.PAGE)
    assert again.pk != run.pk


def test_a_process_whose_lock_was_taken_over_stops_writing(network, review, settings):
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    slow = RunLock(run)
    assert slow.take()
    long_ago = timezone.now() - timedelta(minutes=5)
    SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    settings.SYNC_STALE_SECONDS = 60

    assert sync_run_execute(run=run).state == SyncRun.State.SUCCEEDED  # the same message, delivered again

    # the slow process wakes up: its next write matches nothing, so it stops
    assert slow.mine().update(heartbeat_at=timezone.now()) == 0


def test_stale_runs_are_closed_by_the_sweep(network, review, settings):
    dead = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    long_ago = timezone.now() - timedelta(minutes=10)
    SyncRun.objects.filter(pk=dead.pk).update(state=SyncRun.State.RUNNING, heartbeat_at=long_ago)
    other = review_get_or_create(pmid=REVIEW + 777)[0]
    fresh = sync_run_start(review=other, trigger=SyncRun.Trigger.API, enqueue=False)
    settings.SYNC_STALE_SECONDS = 60

    assert sync_runs_close_stale() == 1
    dead.refresh_from_db()
    fresh.refresh_from_db()
    assert dead.state == SyncRun.State.FAILED and "stopped reporting progress" in dead.message
    assert fresh.state == SyncRun.State.QUEUED


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("NCBI_EUTILS_BASE_URL", "ftp://eutils.example.org/", "is not an http(s) URL"),
        ("NCBI_EUTILS_BASE_URL", "https:///entrez/eutils/", "is not an http(s) URL"),
    ],
)
def test_a_client_setting_that_cannot_work_fails_the_run_with_its_reason(review, settings, setting, value, message):
    setattr(settings, setting, value)
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    ended = sync_run_execute(run=run)
    assert ended.state == SyncRun.State.FAILED and message in ended.message
    assert ended.requests_made == 0


def test_a_proxy_the_client_cannot_use_fails_the_run_with_its_reason(review, settings, monkeypatch):
    settings.NCBI_EUTILS_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    monkeypatch.setenv("HTTPS_PROXY", "socks5://proxy.example.org:1080")
    monkeypatch.delenv("NO_PROXY", raising=False)
    ended = sync_run_execute(run=sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False))
    assert (
        ended.state == SyncRun.State.FAILED and "Unsupported proxy 'socks5://proxy.example.org:1080'" in ended.message
    )


def test_the_sweep_leaves_a_run_that_a_worker_took_over_after_the_sweep_read_it(network, review, settings, monkeypatch):
    stale = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    long_ago = timezone.now() - timedelta(minutes=10)
    SyncRun.objects.filter(pk=stale.pk).update(state=SyncRun.State.RUNNING, worker="gone:1:x", heartbeat_at=long_ago)
    settings.SYNC_STALE_SECONDS = 60
    is_dead = sync_runs._is_dead

    def judged_dead_then_taken_over(run):  # the redelivered task takes the run between the sweep's read and write
        dead = is_dead(run)
        assert dead and RunLock(run).take()
        return dead

    monkeypatch.setattr(sync_runs, "_is_dead", judged_dead_then_taken_over)
    assert sync_runs_close_stale() == 0
    stale.refresh_from_db()
    assert stale.state == SyncRun.State.RUNNING and stale.worker != "gone:1:x"
