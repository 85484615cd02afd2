"""The E-utilities client's kept-alive connections to the fake server.

One connection serves sequential requests, threads share them without mixing responses, and a connection the
server closed or one that timed out is replaced.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from articles.ncbi.client import POST_THRESHOLD, NcbiRequestError, RequestAttempt
from fake_eutils import FakeEutils
from fake_eutils import handler as fake_handler
from tests.articles.ncbi_helpers import CountingLimiter, pmids_in


@dataclass
class Connections:
    """The TCP connections a fake server accepted (client addresses) and how many of them it has closed."""

    accepted: list[tuple[str, int]] = field(default_factory=list)
    closed: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))


def watch_connections(fake: FakeEutils, idle_timeout: float | None = None) -> Connections:
    """Log the connections ``fake`` accepts from now on. With ``idle_timeout`` the server closes a connection that
    waits longer than that for its next request, as a web server's keep-alive timeout does."""
    connections = Connections()

    class Handler(fake_handler._Handler):
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
