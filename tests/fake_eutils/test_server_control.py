"""The fake E-utilities server's request log, its /_fake/ control endpoints and its command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from fake_eutils import build_article
from tests.fake_eutils.helpers import call, pmids_of, read


def test_request_log_records_every_request(fake):
    call(fake.base_url + "esearch.fcgi", {"db": "pubmed", "term": "x", "tool": "t", "email": "e@x.org"})
    call(fake.base_url + "epost.fcgi", {"db": "pubmed", "id": "9997"}, method="POST")
    first, second = fake.requests
    assert (first.method, first.path, first.endpoint, first.status) == (
        "GET",
        "/entrez/eutils/esearch.fcgi",
        "esearch",
        200,
    )
    assert first.params["tool"] == ["t"] and first.params["email"] == ["e@x.org"]
    assert first.client == "127.0.0.1"
    assert (second.method, second.params["id"]) == ("POST", ["9997"])
    assert first.time <= second.time <= time.monotonic()


def test_control_endpoints_over_http(fake):
    call(fake.base_url + "einfo.fcgi")
    _, _, body = call(fake.url + "/_fake/requests")
    (logged,) = json.loads(body)["requests"]
    assert logged["endpoint"] == "einfo" and logged["status"] == 200 and logged["client"] == "127.0.0.1"

    faults = json.dumps([{"status": 502, "path": "einfo"}, {"drop": True, "path": "efetch"}]).encode()
    request = urllib.request.Request(fake.url + "/_fake/faults", data=faults, method="POST")
    with urllib.request.urlopen(request) as response:
        assert len(json.load(response)["pending"]) == 2
    assert call(fake.base_url + "einfo.fcgi")[0] == 502

    config = json.dumps({"latency_ms": 5, "max_rps": 7}).encode()
    with urllib.request.urlopen(urllib.request.Request(fake.url + "/_fake/config", data=config)) as response:
        assert json.load(response)["max_rps"] == 7
    assert fake.latency_ms == 5

    _, _, body = call(fake.url + "/_fake/stats", {"seconds": "1"})
    stats = json.loads(body)
    assert stats["requests"] == 2 and stats["statuses"] == {"200": 1, "502": 1}
    assert stats["max_in_window"] == {"seconds": 1.0, "all": 2, "ok": 1}

    bad = urllib.request.Request(fake.url + "/_fake/faults", data=b'{"nope": 1}', method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(bad)
    assert caught.value.code == 400

    with urllib.request.urlopen(urllib.request.Request(fake.url + "/_fake/reset", data=b"")) as response:
        assert json.load(response) == {"ok": True}
    assert fake.requests == [] and fake.faults.pending() == []


def test_command_line_server(tmp_path):
    (tmp_path / "one.xml").write_text(f"<PubmedArticleSet>{build_article(4242)}</PubmedArticleSet>")
    command = [sys.executable, "-m", "fake_eutils", "--port", "0", "--data", str(tmp_path), "--max-rps", "0"]
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=root, env=env)
    try:
        banner = process.stdout.readline()
        assert "1 PubMed records at http://127.0.0.1:" in banner
        base_url = banner.split(" at ")[1].split()[0]
        _, _, body = call(base_url + "efetch.fcgi", {"db": "pubmed", "id": "4242"})
        assert pmids_of(read(body)) == [4242]
    finally:
        process.terminate()
        process.wait(timeout=5)
