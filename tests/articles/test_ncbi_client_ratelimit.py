"""The client's rate limiters: in one process, across threads, and shared through Redis.

The Redis limiter is checked against the fake server's own NCBI limit by processes calling it at once.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid

import pytest

from articles.ncbi.client import EutilsClient, NcbiError
from articles.ncbi.ratelimit import LocalRateLimiter, RedisRateLimiter
from fake_eutils import FakeEutils
from fake_eutils.state import peak_in_window
from tests.services import require_redis


def test_local_rate_limiter_with_a_fake_clock():
    now = [100.0]
    limiter = LocalRateLimiter(
        3, window_seconds=1.1, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)
    )
    grants = []
    for _ in range(7):
        limiter.acquire()
        grants.append(round(now[0] - 100.0, 6))
    assert grants == [0.0, 0.0, 0.0, 1.1, 1.1, 1.1, 2.2]


def test_local_rate_limiter_holds_across_threads():
    seen = threading.local()

    def clock() -> float:
        seen.now = time.monotonic()
        return seen.now

    limiter = LocalRateLimiter(3, window_seconds=0.25, clock=clock)
    grants: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(3):
            limiter.acquire()
            with lock:
                grants.append(seen.now)  # the clock reading the slot was granted at

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(grants) == 18
    assert peak_in_window(grants, 0.25) == 3
    assert max(grants) - min(grants) >= 5 * 0.25


@pytest.fixture
def redis_limiter_key():
    import redis

    url = require_redis()
    client = redis.Redis.from_url(url)
    key = f"test:ncbi-ratelimit:{uuid.uuid4().hex}"
    yield url, client, key
    client.delete(key)
    client.close()


def test_redis_rate_limiter_grants_then_asks_to_wait(redis_limiter_key):
    _, client, key = redis_limiter_key
    waits: list[float] = []
    limiter = RedisRateLimiter(client, key, 3, window_seconds=0.5, sleep=waits.append)
    assert [limiter.try_acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.try_acquire()
    assert 0 < wait <= 0.5
    assert client.zcard(key) == 3 and 0 < client.pttl(key) <= 1500
    time.sleep(wait)
    assert limiter.try_acquire() == 0.0


def _hammer(redis_url: str, key: str, base_url: str, go, seconds: float, results) -> None:
    import redis

    limiter = RedisRateLimiter(redis.Redis.from_url(redis_url), key, 3)
    client = EutilsClient(base_url, rate_limiter=limiter, max_attempts=1, timeout=5)
    results.put(("ready", 0))
    go.wait(30)
    done = failed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            client.esearch_pubmed("1[pmid]")
            done += 1
        except NcbiError:
            failed += 1
    results.put((done, failed))


def test_processes_sharing_a_redis_limiter_never_exceed_ncbi_limit(redis_limiter_key, store):
    url, _, key = redis_limiter_key
    context = multiprocessing.get_context("spawn")
    go, results = context.Event(), context.Queue()
    with FakeEutils(store, max_rps=3) as fake:
        workers = [context.Process(target=_hammer, args=(url, key, fake.base_url, go, 3.0, results)) for _ in range(4)]
        for worker in workers:
            worker.start()
        try:
            assert [results.get(timeout=30) for _ in workers] == [("ready", 0)] * 4
            go.set()
            outcomes = [results.get(timeout=30) for _ in workers]
        finally:
            for worker in workers:
                worker.join(timeout=10)
                if worker.is_alive():
                    worker.terminate()
        log = fake.requests
    done = sum(d for d, _ in outcomes)
    assert sum(f for _, f in outcomes) == 0
    assert [r.status for r in log] == [200] * done
    assert done >= 7  # four processes really competed for about three seconds
    assert fake.max_requests_in_any_window(1.0) <= 3
