"""Faults scripted on the fake E-utilities server: error statuses, delays, cut bodies, dropped connections, latency."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from tests.fake_eutils.helpers import call


def test_scripted_429_storm_is_consumed_in_order_by_matching_path(fake):
    fake.add_fault(status=429, retry_after=2, path="efetch", times=2)
    fake.add_fault({"status": 503})
    assert call(fake.base_url + "einfo.fcgi")[0] == 503  # the unscoped fault matches any path
    first = call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "9997"})
    assert (first[0], first[1]["Retry-After"], json.loads(first[2])["error"]) == (429, "2", "API rate limit exceeded")
    assert call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "9997"})[0] == 429
    assert call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "9997"})[0] == 200
    assert [r.status for r in fake.requests] == [503, 429, 429, 200]
    assert fake.requests[1].fault == {"status": 429, "retry_after": 2, "path": "efetch"}


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_faults(fake, status):
    fake.add_fault(status=status)
    assert call(fake.base_url + "einfo.fcgi")[0] == status


def test_delay_fault_makes_a_client_time_out(fake):
    fake.add_fault(delay=1.0)
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        call(fake.base_url + "einfo.fcgi", timeout=0.2)
    assert call(fake.base_url + "einfo.fcgi")[0] == 200


def test_truncate_fault_sends_part_of_the_body_then_closes(fake):
    fake.add_fault(truncate=0.5)
    with pytest.raises(http.client.IncompleteRead) as caught:
        call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "9997"})
    full = call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "9997"})[2]
    assert len(caught.value.partial) == len(full) // 2


def test_drop_fault_closes_without_a_response(fake):
    fake.add_fault(drop=True)
    with pytest.raises(http.client.RemoteDisconnected):
        call(fake.base_url + "einfo.fcgi")
    assert fake.requests[-1].status is None


def test_body_fault_serves_malformed_xml(fake):
    fake.add_fault(body="<eLinkResult><LinkSet>", path="elink")
    status, _, body = call(fake.base_url + "elink.fcgi", {"dbfrom": "pubmed", "id": "9997"})
    assert (status, body) == (200, b"<eLinkResult><LinkSet>")


def test_invalid_fault_is_rejected(fake):
    with pytest.raises(ValueError, match="unknown fault keys"):
        fake.add_fault(sttus=500)


def test_latency_is_added_to_every_response(fake):
    fake.latency_ms = 150
    started = time.monotonic()
    call(fake.base_url + "einfo.fcgi")
    assert time.monotonic() - started >= 0.15
