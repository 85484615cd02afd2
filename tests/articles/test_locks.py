"""The run lock is a compare-and-set: of processes racing for the same run, exactly one becomes its worker."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.locks import RunLock
from articles.models import SyncRun
from articles.services import review_get_or_create, sync_run_start
from tests.services import shared_database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
RACES = 30

# Each process waits for the same instant for every run, then tries to take it; it prints the runs it won.
RACER = """
import sys, time, django
django.setup()
from articles.locks import RunLock
from articles.models import SyncRun
start, ids = float(sys.argv[1]), [int(i) for i in sys.argv[2].split(",")]
print(time.time() < start)  # ready before the start: the races really are races
won = []
for number, pk in enumerate(ids):
    time.sleep(max(0.0, start + number * 0.05 - time.time()))
    if RunLock(SyncRun.objects.get(pk=pk)).take():
        won.append(pk)
print(",".join(map(str, won)))
"""


def stale_runs(count: int) -> list[SyncRun]:
    """Runs whose worker was killed long ago: each is free to be taken over."""
    long_ago = timezone.now() - timedelta(minutes=10)
    runs = []
    for number in range(count):
        review = review_get_or_create(pmid=30_000_000 + number)[0]
        run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
        SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.RUNNING, worker="killed", heartbeat_at=long_ago)
        runs.append(run)
    return runs


def test_two_processes_racing_for_a_stale_run_never_both_win(settings):
    database_url = shared_database_url()
    ids = ",".join(str(run.pk) for run in stale_runs(RACES))
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "cafex_portal.settings.test", "DATABASE_URL": database_url,
                   "SYNC_STALE_SECONDS": str(settings.SYNC_STALE_SECONDS)}  # fmt: skip
    start = time.time() + 8  # time for both interpreters to start Django, even on a busy machine
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(start), ids],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    outputs = [racer.communicate(timeout=60) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), [err for _, err in outputs]
    lines = [out.strip().split("\n") for out, _ in outputs]
    assert all(ready == "True" for ready, *_ in lines), "a racer started late; the machine is too slow for the race"
    wins = [{int(pk) for pk in (rest[0] if rest else "").split(",") if pk} for _, *rest in lines]

    assert wins[0].isdisjoint(wins[1]), "two processes held the same run at once"
    assert wins[0] | wins[1] == {int(pk) for pk in ids.split(",")}, "every stale run was taken over by one of them"
    workers = SyncRun.objects.filter(pk__in=ids.split(",")).values_list("worker", flat=True)
    assert "killed" not in workers


def test_a_live_worker_keeps_its_run_and_a_released_run_is_free(db):
    run = stale_runs(1)[0]
    first, second = RunLock(run), RunLock(run)
    assert first.take()
    assert not second.take(), "the run's worker beats: nobody else may take it"
    first.release()
    assert second.take()
    assert first.mine().update(heartbeat_at=timezone.now()) == 0


def test_a_finished_run_cannot_be_taken(db):
    run = stale_runs(1)[0]
    SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.SUCCEEDED)
    assert not RunLock(run).take()
