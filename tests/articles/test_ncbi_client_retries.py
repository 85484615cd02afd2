"""The E-utilities client against the fake server over real HTTP: what it retries and when it gives up.

Backoff with jitter and a ceiling, Retry-After, timeouts, dropped connections, cut or malformed bodies; client
errors and error bodies are not retried.
"""

from __future__ import annotations

import pytest

from articles.ncbi.client import EutilsClient, NcbiRequestError, NcbiUnavailableError, RequestAttempt
from fake_eutils import FakeEutils, Store
from tests.articles.ncbi_helpers import CountingLimiter, pmids_in


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
