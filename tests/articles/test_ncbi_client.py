"""The E-utilities client against the fake server over real HTTP: batching, retries, parsing, shared rate limit."""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from articles.ncbi.client import (
    POST_THRESHOLD,
    EutilsClient,
    NcbiError,
    NcbiRequestError,
    NcbiUnavailableError,
    RequestAttempt,
)
from articles.ncbi.ratelimit import LocalRateLimiter, RedisRateLimiter
from fake_eutils import FakeEutils, Store
from fake_eutils import server as fake_server
from fake_eutils.state import peak_in_window
from fake_eutils.store import split_articles
from tests.services import require_redis


class CountingLimiter:
    """Never blocks; counts how often the client asked for a slot."""

    def __init__(self) -> None:
        self.acquired = 0

    def acquire(self) -> None:
        self.acquired += 1


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    for pmid in range(1, 301):
        store.add_synthetic(pmid, title=f"Record {pmid}", doi=f"10.5555/r{pmid}")
    store.set_links(1, "pubmed_pubmed", [(1, 2147483647), (2, 48000), (3, 12.5)])
    store.set_links(1, "pubmed_pubmed_citedin", [300, 299])
    store.set_links(2, "pubmed_pubmed", [(2, 99), (1, 48000)])
    return store


@pytest.fixture
def fake(store):
    with FakeEutils(store, max_rps=None, max_rps_with_key=None) as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(fake, sleeps):
    clients: list[EutilsClient] = []

    def make(**overrides) -> EutilsClient:
        options = {
            "email": "curator@example.org",
            "rate_limiter": CountingLimiter(),
            "timeout": 5.0,
            "max_attempts": 4,
            "sleep": sleeps.append,
            "jitter": lambda: 1.0,
        }
        clients.append(EutilsClient(fake.base_url, **(options | overrides)))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def pmids_in(xml: bytes) -> list[int]:
    return [pmid for pmid, _ in split_articles(xml)]


# requests as NCBI wants them


def test_get_up_to_200_ids_and_post_above(fake, make_client):
    client = make_client()
    assert pmids_in(client.efetch_pubmed(range(1, POST_THRESHOLD + 1))) == list(range(1, 201))
    assert pmids_in(client.efetch_pubmed(range(1, POST_THRESHOLD + 2))) == list(range(1, 202))
    get, post = fake.requests
    assert (get.method, post.method) == ("GET", "POST")
    assert post.params["id"] == [",".join(map(str, range(1, 202)))]
    assert post.params["db"] == ["pubmed"] and post.params["retmode"] == ["xml"]


def test_every_request_carries_tool_email_and_api_key(fake, make_client):
    client = make_client(tool="cafex-test", api_key="secret-key")
    client.efetch_pubmed([1])
    client.elink([1], linkname="pubmed_pubmed")
    client.esearch_pubmed("1[pmid]")
    client.epost([1, 2])
    for record in fake.requests:
        assert record.params["tool"] == ["cafex-test"]
        assert record.params["email"] == ["curator@example.org"]
        assert record.params["api_key"] == ["secret-key"]
        assert record.client == "secret-key"


def test_empty_email_and_api_key_are_not_sent(fake, make_client):
    make_client(email="").efetch_pubmed([1])
    assert "email" not in fake.requests[0].params and "api_key" not in fake.requests[0].params


def test_unknown_pmids_are_absent_from_efetch(make_client):
    assert pmids_in(make_client().efetch_pubmed([3, 999999, 1])) == [3, 1]


def test_epost_then_history_fetch(make_client):
    client = make_client()
    webenv, query_key = client.epost(range(1, 251))
    assert webenv.startswith("MCID_") and query_key == "1"
    assert pmids_in(client.efetch_pubmed_history(webenv, query_key, retstart=200, retmax=100)) == list(range(201, 251))


def test_esearch_pubmed(make_client):
    assert make_client().esearch_pubmed("10.5555/r42[doi]") == [42]
    assert make_client().esearch_pubmed("no such title") == []


# elink


def test_elink_with_scores_one_linkset_per_pmid(fake, make_client):
    links = make_client().elink([2, 1, 5], linkname="pubmed_pubmed", with_scores=True)
    assert list(links) == [2, 1, 5]
    assert links[1] == [(1, 2147483647.0), (2, 48000.0), (3, 12.5)]
    assert links[2] == [(2, 99.0), (1, 48000.0)]
    assert links[5] == []
    params = fake.requests[0].params
    assert params["id"] == ["2", "1", "5"] and params["cmd"] == ["neighbor_score"]
    assert params["linkname"] == ["pubmed_pubmed"]


def test_elink_without_scores(make_client):
    assert make_client().elink([1], linkname="pubmed_pubmed_citedin") == {1: [(300, None), (299, None)]}
    assert make_client().elink([], linkname="pubmed_pubmed_citedin") == {}


def test_elink_error_body_raises_request_error_without_retry(fake, make_client, sleeps):
    fake.add_fault(body="<?xml version='1.0'?>\n" + ELINK_ERROR, path="elink")
    with pytest.raises(NcbiRequestError, match="elink pubmed_pubmed .1 ids.: Invalid db name specified: pubmedx"):
        make_client().elink([1], linkname="pubmed_pubmed")
    assert len(fake.requests) == 1 and sleeps == []


ELINK_ERROR = (
    '<!DOCTYPE eLinkResult PUBLIC "-//NLM//DTD elink 20101123//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20101123/elink.dtd">\n'
    "<eLinkResult><ERROR>Invalid db name specified: pubmedx</ERROR></eLinkResult>"
)


def test_dtd_missing_from_biopython_is_not_downloaded(fake, make_client):
    body = ELINK_ERROR.replace("20101123/elink.dtd", "20991231/elink_20991231.dtd")
    fake.add_fault(body="<?xml version='1.0'?>\n" + body, path="elink")
    with pytest.raises(NcbiError, match="DTD elink_20991231.dtd is not bundled"):
        make_client().elink([1], linkname="pubmed_pubmed")


# retries


def test_429_storm_then_success_backs_off_exponentially(fake, make_client, sleeps):
    fake.add_fault(status=429, path="efetch", times=3)
    attempts: list[RequestAttempt] = []
    limiter = CountingLimiter()
    client = make_client(on_request=attempts.append, rate_limiter=limiter, backoff_base=0.5)
    assert pmids_in(client.efetch_pubmed([1, 2])) == [1, 2]
    assert [r.status for r in fake.requests] == [429, 429, 429, 200]
    assert sleeps == [0.5, 1.0, 2.0]
    assert limiter.acquired == 4
    assert [(a.attempt, a.status, a.error) for a in attempts] == [
        (1, 429, "HTTP 429 Too Many Requests"),
        (2, 429, "HTTP 429 Too Many Requests"),
        (3, 429, "HTTP 429 Too Many Requests"),
        (4, 200, None),
    ]
    assert all(a.endpoint == "efetch" and a.method == "GET" and a.id_count == 2 for a in attempts)


def test_backoff_has_full_jitter_and_a_ceiling(fake, make_client, sleeps):
    fake.add_fault(status=503, times=3)
    draws = iter([0.25, 0.5, 1.0])
    make_client(jitter=lambda: next(draws), backoff_base=2.0, backoff_max=3.0).efetch_pubmed([1])
    assert sleeps == [0.25 * 2.0, 0.5 * 3.0, 1.0 * 3.0]


def test_retry_after_is_honoured(fake, make_client, sleeps):
    fake.add_fault(status=429, retry_after=2)
    make_client().efetch_pubmed([1])
    assert sleeps == [2.0]


def test_retry_after_beyond_backoff_max_gives_up_at_once(fake, make_client, sleeps):
    fake.add_fault(status=503, retry_after=3600)
    with pytest.raises(NcbiUnavailableError, match="Retry-After 3600 s exceeds backoff_max 30 s"):
        make_client().efetch_pubmed([1])
    assert sleeps == [] and len(fake.requests) == 1


def test_server_errors_retried_then_unavailable_with_a_clear_message(fake, make_client, sleeps):
    fake.add_fault(status=500)
    fake.add_fault(status=502)
    fake.add_fault(status=503, times=10)
    with pytest.raises(NcbiUnavailableError) as caught:
        make_client(max_attempts=6).efetch_pubmed(range(1, 121))
    assert str(caught.value) == "efetch (120 ids) failed after 6 attempts: HTTP 503 Service Unavailable"
    assert [r.status for r in fake.requests] == [500, 502, 503, 503, 503, 503]
    assert len(sleeps) == 5


def test_timeout_is_retried(fake, make_client):
    fake.add_fault(delay=1.0, path="esearch")
    attempts: list[RequestAttempt] = []
    assert make_client(timeout=0.2, on_request=attempts.append).esearch_pubmed("7[pmid]") == [7]
    assert [a.error for a in attempts] == ["timed out after 0.2 s", None]


def test_dropped_connection_is_retried(fake, make_client):
    fake.add_fault(drop=True, path="epost")
    attempts: list[RequestAttempt] = []
    webenv, _ = make_client(on_request=attempts.append).epost([1])
    assert webenv.startswith("MCID_")
    assert attempts[0].error == "connection closed without a response" and attempts[0].status is None


def test_truncated_body_is_retried(fake, make_client):
    fake.add_fault(truncate=0.5, path="efetch")
    attempts: list[RequestAttempt] = []
    assert pmids_in(make_client(on_request=attempts.append).efetch_pubmed([1, 2, 3])) == [1, 2, 3]
    assert attempts[0].error.startswith("truncated body")


def test_malformed_xml_is_retried(fake, make_client):
    fake.add_fault(body="<?xml version='1.0'?><eLinkResult><LinkSet>", path="elink")
    fake.add_fault(body="<html>Bad gateway at the proxy</html>", path="efetch")
    client = make_client()
    assert client.elink([2], linkname="pubmed_pubmed") == {2: [(2, None), (1, None)]}
    assert pmids_in(client.efetch_pubmed([2])) == [2]
    assert [r.status for r in fake.requests] == [200, 200, 200, 200]


def test_efetch_body_cut_short_every_time_is_returned_after_the_last_attempt(fake, store, make_client, sleeps):
    cut = f"<?xml version='1.0'?><PubmedArticleSet>{store.article_xml(1)}{store.article_xml(2)[:100]}"
    fake.add_fault(body=cut, path="efetch", times=3)
    assert make_client(max_attempts=3).efetch_pubmed([1, 2]) == cut.encode()
    assert len(fake.requests) == 3 and len(sleeps) == 2


def test_efetch_error_body_is_a_request_error(fake, make_client):
    fake.add_fault(body="<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>")
    with pytest.raises(NcbiRequestError, match=r"efetch \(1 ids\): Empty id list - nothing todo"):
        make_client().efetch_pubmed([1])


@pytest.mark.parametrize("status", [400, 404])
def test_client_errors_are_not_retried(fake, make_client, sleeps, status):
    fake.add_fault(status=status, body='{"error":"Invalid query"}', content_type="application/json")
    with pytest.raises(NcbiRequestError, match=rf'esearch .*: HTTP {status} .*: {{"error":"Invalid query"}}'):
        make_client().esearch_pubmed("x")
    assert len(fake.requests) == 1 and sleeps == []


def test_connection_refused_is_unavailable(sleeps):
    with FakeEutils(Store()) as stopped:
        base_url = stopped.base_url
    client = EutilsClient(base_url, rate_limiter=CountingLimiter(), max_attempts=2, sleep=sleeps.append)
    with pytest.raises(NcbiUnavailableError, match=r"efetch \(1 ids\) failed after 2 attempts: connection failed"):
        client.efetch_pubmed([1])


# kept-alive connections


@dataclass
class Connections:
    """The TCP connections a fake server accepted (client addresses) and how many of them it has closed."""

    accepted: list[tuple[str, int]] = field(default_factory=list)
    closed: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))


def watch_connections(fake: FakeEutils, idle_timeout: float | None = None) -> Connections:
    """Log the connections ``fake`` accepts from now on. With ``idle_timeout`` the server closes a connection that
    waits longer than that for its next request, as a web server's keep-alive timeout does."""
    connections = Connections()

    class Handler(fake_server._Handler):
        timeout = idle_timeout

        def setup(self) -> None:
            super().setup()
            connections.accepted.append(self.client_address)

        def finish(self) -> None:
            super().finish()
            connections.closed.release()

    assert fake._server is not None
    fake._server.RequestHandlerClass = Handler
    return connections


def test_sequential_requests_share_one_connection(fake, make_client, sleeps):
    connections = watch_connections(fake)
    client = make_client()
    client.efetch_pubmed([1])
    client.efetch_pubmed(range(1, POST_THRESHOLD + 2))
    fake.add_fault(status=503, path="elink")
    assert client.elink([3], linkname="pubmed_pubmed") == {3: []}
    fake.add_fault(status=400, body="Invalid query", content_type="text/plain")
    with pytest.raises(NcbiRequestError):
        client.esearch_pubmed("x")
    assert client.esearch_pubmed("10.5555/r7[doi]") == [7]
    assert [(r.method, r.status) for r in fake.requests] == [
        ("GET", 200), ("POST", 200), ("GET", 503), ("GET", 200), ("GET", 400), ("GET", 200)
    ]  # fmt: skip
    assert len(connections.accepted) == 1 and len(sleeps) == 1


def test_threads_share_the_connections_without_mixing_responses(fake, make_client):
    connections = watch_connections(fake)
    client = make_client()
    with ThreadPoolExecutor(max_workers=4) as pool:
        fetched = list(pool.map(lambda pmid: pmids_in(client.efetch_pubmed([pmid])), range(1, 61)))
    assert fetched == [[pmid] for pmid in range(1, 61)]
    assert len(fake.requests) == 60 and 1 <= len(connections.accepted) <= 4


def test_a_connection_the_server_closed_while_idle_is_replaced_without_a_failed_attempt(fake, make_client, sleeps):
    connections = watch_connections(fake, idle_timeout=0.2)
    attempts: list[RequestAttempt] = []
    limiter = CountingLimiter()
    client = make_client(on_request=attempts.append, rate_limiter=limiter)
    assert client.esearch_pubmed("10.5555/r1[doi]") == [1]
    assert connections.closed.acquire(timeout=5)  # the idle timeout struck
    time.sleep(0.05)  # the server's socket close follows right after its handler returns
    assert client.esearch_pubmed("10.5555/r2[doi]") == [2]
    assert [(a.attempt, a.status, a.error) for a in attempts] == [(1, 200, None), (1, 200, None)]
    assert [r.status for r in fake.requests] == [200, 200] and sleeps == [] and limiter.acquired == 2
    assert len(connections.accepted) == 2


def test_a_connection_that_timed_out_is_not_reused(fake, make_client):
    connections = watch_connections(fake)
    fake.add_fault(delay=0.5, path="esearch")
    client = make_client(timeout=0.2)
    assert client.esearch_pubmed("10.5555/r1[doi]") == [1]
    time.sleep(0.5)  # the late answer to the first attempt has reached the abandoned connection by now
    assert client.esearch_pubmed("10.5555/r2[doi]") == [2]
    assert len(connections.accepted) == 2


# rate limiters


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
