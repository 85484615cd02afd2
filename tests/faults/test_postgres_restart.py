"""PostgreSQL restarted, or stopped, under a running `manage.py sync_review`: the run ends failed with its reason,
nothing is half-written, and the next sync completes the network with every article stored once.

The test runs its own PostgreSQL cluster (the shared one is never restarted) and the fake NCBI server, slowed
so that the sync is still fetching when the database goes away.
"""

import os
import signal
import subprocess
import sys

import psycopg
import pytest

from fake_eutils.scenarios import network_store
from fake_eutils.server import FakeEutils

from .servers import ROOT, PrivatePostgres, django_env, manage, wait_for

pytestmark = pytest.mark.services

# A review plainly named synthetic, with 31 articles to fetch one a request: long enough to restart the server mid-sync.
REVIEW_PMID = 90_000_000


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()


def runs(database_url: str) -> list[dict]:
    """Every sync run, oldest first (read by the test directly: the portal's processes own the database)."""
    with psycopg.connect(database_url, row_factory=psycopg.rows.dict_row, connect_timeout=2) as connection:
        return connection.execute(
            "SELECT id, state, done, total, worker, message, errors FROM articles_syncrun ORDER BY id"
        ).fetchall()


def under_way(database_url: str, count: int) -> bool:
    """Whether the newest of `count` runs has stored a few batches (and is still far from done)."""
    try:
        found = runs(database_url)
    except psycopg.OperationalError:
        return False
    return len(found) == count and found[-1]["state"] == "running" and found[-1]["done"] >= 4


def start_sync(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "sync_review", str(REVIEW_PMID), "--no-progress"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip


def test_a_database_restart_mid_sync_fails_the_run_cleanly_and_the_next_sync_completes(private_postgres, tmp_path):
    database_url = private_postgres.create_database("cafex_faults")
    store = network_store(REVIEW_PMID, references=22, unresolved=1, cited_by=5, similar=5)  # 31 articles
    with FakeEutils(store=store, max_rps=None, latency_ms=300) as fake:
        env = django_env(
            DATABASE_URL=database_url,
            REDIS_URL="",  # the file rate limit and in-process tasks: this test is about the database
            NCBI_RATE_LIMIT_DIR=str(tmp_path),
            NCBI_EUTILS_BASE_URL=fake.base_url,
            NCBI_EMAIL="curators@example.org",
            NCBI_MAX_RPS="100",
            NCBI_BATCH_SIZE="1",  # one article a request: 31 requests of 300 ms, four at a time
            NCBI_BACKOFF_BASE="0.01",
        )
        migrated = manage("migrate", "--noinput", "-v", "0", env=env)
        assert migrated.returncode == 0, migrated.stderr

        # 1. Restarted mid-sync: the process records the failure once the server is back, and exits.
        first_log = tmp_path / "first.log"
        with open(first_log, "wb") as log:
            first = start_sync(env, log)
            wait_for(lambda: under_way(database_url, 1), timeout=30, what="the first sync to be under way")
            private_postgres.restart()
            returncode = first.wait(timeout=45)
        output = first_log.read_text(errors="replace")
        assert returncode == 1, output
        assert "Traceback" not in output, output
        assert "Sync failed: The database connection failed during the sync" in output, output
        [failed] = runs(database_url)
        assert failed["state"] == "failed" and failed["done"] < failed["total"], failed
        assert failed["message"].startswith("The database connection failed during the sync"), failed

        # 2. Stopped mid-sync, and the process killed before the server is back: nobody could record the failure,
        # so the next sync finds the run still "running" under a process that no longer exists, and takes over.
        second_log = tmp_path / "second.log"
        with open(second_log, "wb") as log:
            second = start_sync(env, log)
            wait_for(lambda: under_way(database_url, 2), timeout=30, what="the second sync to be under way")
            private_postgres.stop()
            os.kill(second.pid, signal.SIGKILL)
            second.wait(timeout=10)
        private_postgres.start()
        abandoned = runs(database_url)[-1]
        assert abandoned["state"] == "running" and abandoned["worker"], abandoned

        fake.configure(latency_ms=0)
        rerun = manage("sync_review", str(REVIEW_PMID), "--no-progress", env=env)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert "Traceback" not in rerun.stdout + rerun.stderr
        assert "Sync succeeded: 31 articles checked" in rerun.stdout, rerun.stdout
        first_run, killed, last = runs(database_url)
        assert killed["state"] == "failed", killed
        assert killed["message"].startswith("The worker running this sync stopped reporting progress (its process")
        assert (last["state"], last["done"], last["total"]) == ("succeeded", 31, 31), last

    with psycopg.connect(database_url) as connection:
        pmids = [pmid for (pmid,) in connection.execute("SELECT pmid FROM articles_article WHERE pmid IS NOT NULL")]
        relations = dict(
            connection.execute(
                "SELECT c.relation, count(*) FROM articles_citation c JOIN articles_review r ON r.id = c.review_id "
                "JOIN articles_article a ON a.id = r.article_id WHERE a.pmid = %s GROUP BY c.relation",
                [REVIEW_PMID],
            ).fetchall()
        )
    assert len(pmids) == len(set(pmids)), "every article is stored once"
    assert sorted(pmids) == sorted(store.pmids()), "the articles are exactly those the fake serves"
    review_xml = store.article_xml(REVIEW_PMID)
    assert relations["reference"] == review_xml.count("<Reference>")
    assert (relations["cited_by"], relations["similar"]) == (5, 5)
