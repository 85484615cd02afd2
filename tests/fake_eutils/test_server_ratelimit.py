"""The fake E-utilities server limits like NCBI: 429s with NCBI's body and headers, per IP and per API key."""

from __future__ import annotations

import json
import time

from fake_eutils import FakeEutils, Store
from fake_eutils.state import peak_in_window
from tests.fake_eutils.helpers import call


def test_rate_limit_answers_429_with_ncbi_body_and_headers():
    with FakeEutils(Store(), max_rps=3) as fake:
        answers = [call(fake.base_url + "einfo.fcgi") for _ in range(5)]
        assert [status for status, _, _ in answers] == [200, 200, 200, 429, 429]
        assert [h["X-RateLimit-Remaining"] for _, h, _ in answers] == ["2", "1", "0", "0", "0"]
        assert {h["X-RateLimit-Limit"] for _, h, _ in answers} == {"3"}
        status, headers, body = answers[3]
        assert headers["Content-Type"] == "application/json"
        assert "Retry-After" not in headers
        assert json.loads(body) == {
            "error": "API rate limit exceeded",
            "api-key": "127.0.0.1",
            "count": "4",
            "limit": "3",
        }
        assert fake.max_requests_in_any_window(1.0) == 5
        assert fake.max_requests_in_any_window(1.0, only_ok=True) == 3
        time.sleep(1.05)
        assert call(fake.base_url + "einfo.fcgi")[0] == 200


def test_rate_limit_per_api_key_and_optional_retry_after():
    with FakeEutils(Store(), max_rps=1, max_rps_with_key=2, retry_after=2) as fake:
        statuses = [call(fake.base_url + "einfo.fcgi", {"api_key": "k1"})[0] for _ in range(3)]
        assert statuses == [200, 200, 429]
        status, headers, body = call(fake.base_url + "einfo.fcgi", {"api_key": "k1"})
        assert (status, headers["Retry-After"], headers["X-RateLimit-Limit"]) == (429, "2", "2")
        assert json.loads(body)["api-key"] == "k1"
        assert call(fake.base_url + "einfo.fcgi")[0] == 200  # the IP's own window is separate
        assert fake.max_requests_in_any_window(1.0, only_ok=True, client="k1") == 2


def test_peak_in_window_uses_half_open_windows():
    assert peak_in_window([], 1.0) == 0
    assert peak_in_window([0.0, 0.5, 0.99, 1.0, 1.5], 1.0) == 3
    assert peak_in_window([0.0, 0.2, 0.4, 0.6], 1.0) == 4
