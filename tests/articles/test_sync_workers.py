"""Real Celery workers, a real Redis broker and PostgreSQL: the shared NCBI rate limit and a worker killed mid-sync."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings as django_settings

from articles.models import Article, Citation, SyncRun
from articles.services import review_get_or_create, sync_run_start
from fake_eutils.scenarios import network_store
from fake_eutils.server import FakeEutils
from fake_eutils.store import Store
from tests.services import require_redis, shared_database_url

# serialized_rollback puts back what the migrations seeded (groups, vocabulary) once the workers' data is flushed.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared_database():
    """Workers are other processes: they need a database server they can reach, with the test data committed."""
    return shared_database_url()


@pytest.fixture
def broker():
    url = require_redis()
    queue = f"cafex-test-{uuid.uuid4().hex[:8]}"
    app = Celery(broker=url)
    yield url, queue, app
    app.close()


@contextmanager
def celery_worker(*, database_url: str, redis_url: str, queue: str, base_url: str, tmp_path, name: str, **env):
    log = tmp_path / f"{name}.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cafex_portal.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        "CAFEX_CACHE_PREFIX": django_settings.CACHES["default"]["KEY_PREFIX"],
        "NCBI_EUTILS_BASE_URL": base_url,
        "NCBI_MAX_RPS": "3",
        **{key: str(value) for key, value in env.items()},
    }
    command = [sys.executable, "-m", "celery", "-A", "cafex_portal", "worker", "-Q", queue, "-n", f"{name}@%h",
               "--concurrency", "2", "--without-gossip", "--without-mingle", "--loglevel", "INFO"]  # fmt: skip
    with open(log, "wb") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # fmt: skip
    try:
        yield worker
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        print(log.read_text(errors="replace")[-4000:])


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_workers_share_one_rate_limit(shared_database, broker, tmp_path):
    redis_url, queue, app = broker
    store = Store()
    reviews = []
    for number in range(3):
        pmid = 91_000_000 + number * 1000
        network_store(pmid, references=12, unresolved=1, cited_by=6, similar=6, store=store)
        reviews.append(review_get_or_create(pmid=pmid)[0])
    with FakeEutils(store=store, max_rps=3, latency_ms=20) as fake:
        common = dict(database_url=shared_database, redis_url=redis_url, queue=queue, base_url=fake.base_url,
                      tmp_path=tmp_path, NCBI_BATCH_SIZE=4)  # fmt: skip
        with celery_worker(name="w1", **common), celery_worker(name="w2", **common):
            runs = [sync_run_start(review=review, trigger="api", enqueue=False) for review in reviews]
            for run in runs:
                app.send_task("articles.tasks.run_sync", args=[run.pk], queue=queue)
            wait_for(
                lambda: not SyncRun.objects.filter(state__in=SyncRun.ACTIVE_STATES).exists(),
                timeout=90,
                what="three syncs on two workers",
            )
        finished = list(SyncRun.objects.order_by("pk"))
        assert [run.state for run in finished] == ["succeeded"] * 3, [run.message for run in finished]
        statuses = [record.status for record in fake.requests]
        assert 429 not in statuses
        assert fake.max_requests_in_any_window(1.0) <= 3
        assert len(fake.requests) == sum(run.requests_made for run in finished) == 3 * (3 + 6)
        # the three runs overlapped in time, so the limit was shared by concurrent processes
        assert max(run.started_at for run in finished) < min(run.finished_at for run in finished)
    assert Citation.objects.filter(relation="reference", article__isnull=False).count() == 3 * 11


def test_a_worker_killed_mid_sync_leaves_the_data_consistent_and_the_next_run_finishes(
    shared_database, broker, tmp_path, settings
):
    redis_url, queue, app = broker
    pmid = 92_000_000
    store = network_store(pmid, references=30, unresolved=2, cited_by=6, similar=6)
    review = review_get_or_create(pmid=pmid)[0]
    with FakeEutils(store=store, max_rps=None, latency_ms=250) as fake:
        common = dict(database_url=shared_database, redis_url=redis_url, queue=queue, base_url=fake.base_url,
                      tmp_path=tmp_path, NCBI_BATCH_SIZE=2, NCBI_MAX_RPS=50)  # fmt: skip
        with celery_worker(name="doomed", **common) as worker:
            run = sync_run_start(review=review, trigger="api", enqueue=False)
            app.send_task("articles.tasks.run_sync", args=[run.pk], queue=queue)
            wait_for(lambda: SyncRun.objects.get(pk=run.pk).done >= 6, timeout=60, what="the sync to be under way")
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()

        run.refresh_from_db()
        assert run.state == SyncRun.State.RUNNING and 6 <= run.done < run.total
        stored = Article.objects.exclude(pmid=pmid)
        assert stored.count() == len(set(stored.values_list("pmid", flat=True)))
        assert not stored.filter(title="").exists(), "no article is half-written"

        settings.SYNC_STALE_SECONDS = 0
        retry = sync_run_start(review=review, trigger="api", enqueue=False)
        assert retry.pk != run.pk
        run.refresh_from_db()
        assert run.state == SyncRun.State.FAILED and "stopped reporting" in run.message
        with celery_worker(name="rescuer", **common):
            app.send_task("articles.tasks.run_sync", args=[retry.pk], queue=queue)
            wait_for(lambda: not SyncRun.objects.get(pk=retry.pk).is_active, timeout=60, what="the second run")
        retry.refresh_from_db()
        assert retry.state == SyncRun.State.SUCCEEDED, retry.message
    assert Article.objects.count() == 1 + 28 + 6 + 6
    assert review.citations.filter(relation="reference").count() == 30
    assert review.citations.filter(relation="reference", article__isnull=True).count() == 2
    assert review.citations.filter(relation="cited_by").count() == 6
