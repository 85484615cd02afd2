"""The fake E-utilities server answers real HTTP in NCBI's formats, limits like NCBI, logs and injects faults."""

from __future__ import annotations

import http.client
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from Bio import Entrez

from fake_eutils import DATA_DIR, FakeEutils, Store, build_article, bundled_store
from fake_eutils.state import peak_in_window

RECORDED = DATA_DIR / "recorded"
PUBMED_DIR = DATA_DIR / "pubmed"


@pytest.fixture(scope="module")
def store() -> Store:
    store = bundled_store()
    store.add_synthetic(
        90000001,
        title="CAF-derived exosomal <i>miR-522</i> suppresses ferroptosis",
        year=2020,
        doi="10.1186/s12943-020-01168-8",
        authors=["Zhang, Haiyang", "CAF Exosome Consortium"],
        references=[9997, "A reference PubMed does not know.", ("Cited with text", 1234567)],
        retracted=True,
        retraction_pmid=90000009,
    )
    store.add_synthetic(90000002, title="Older record", references=[9997, 29963580], references_as_cites=True)
    store.set_links(9997, "pubmed_pubmed", [(9997, 46809160), (1234567, 1204.5), (90000001, 17)])
    store.set_links(9997, "pubmed_pubmed_citedin", [90000001, 90000002])
    store.set_links(1234567, "pubmed_pubmed_citedin", [90000001])
    store.set_links(90000001, "pubmed_pubmed_refs", [9997, 1234567])
    return store


@pytest.fixture
def fake(store):
    with FakeEutils(store, max_rps=None, max_rps_with_key=None) as server:
        yield server


def call(url: str, params=None, *, method: str = "GET", timeout: float = 5.0):
    """Send a request and return ``(status, headers, body)``, HTTP errors included."""
    encoded = urlencode(params or [], doseq=True)
    if method == "POST":
        request = urllib.request.Request(url, data=encoded.encode(), method="POST")
    else:
        request = urllib.request.Request(f"{url}?{encoded}" if encoded else url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def read(body: bytes, **kwargs):
    return Entrez.read(io.BytesIO(body), **kwargs)


def pmids_of(record) -> list[int]:
    return [int(article["MedlineCitation"]["PMID"]) for article in record["PubmedArticle"]]


def doctype(text: bytes | str) -> str:
    text = text.decode() if isinstance(text, bytes) else text
    return next(line for line in text.splitlines() if "<!DOCTYPE" in line).split(">")[0]


# efetch


def test_efetch_returns_known_ids_in_request_order_and_omits_unknown_ones(fake):
    status, headers, body = call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "29963580,1,9997,90000001"})
    assert status == 200
    assert headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert body.startswith(b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet')
    assert doctype(body) == doctype((PUBMED_DIR / "metapub-38962805.xml").read_bytes())
    assert pmids_of(read(body)) == [29963580, 9997, 90000001]


def test_efetch_serves_recorded_articles_verbatim(fake):
    recorded = (PUBMED_DIR / "metapub-38962805.xml").read_text()
    _, _, body = call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "38962805", "retmode": "xml"})
    article = recorded[recorded.index("<PubmedArticle>") : recorded.index("</PubmedArticleSet>")].strip()
    assert article in body.decode()


def test_efetch_by_post_with_repeated_ids(fake):
    params = [("db", "pubmed"), ("id", "9997"), ("id", "1234567,29963580")]
    status, _, body = call(fake.base_url + "efetch.fcgi", params, method="POST")
    assert status == 200
    assert pmids_of(read(body)) == [9997, 1234567, 29963580]
    assert fake.requests[-1].method == "POST"
    assert fake.requests[-1].params["id"] == ["9997", "1234567,29963580"]


def test_efetch_of_only_unknown_ids_is_an_empty_set(fake):
    status, _, body = call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "37909814,1"})
    assert status == 200
    assert read(body)["PubmedArticle"] == []


def test_efetch_without_ids_is_a_400(fake):
    status, _, body = call(fake.base_url + "efetch.fcgi", {"db": "pubmed"})
    assert status == 400
    assert b"<ERROR>Empty id list - nothing todo</ERROR>" in body


def test_withdrawn_record_vanishes_from_efetch_and_esummary():
    store = Store()
    store.add_synthetic(1001)
    store.add_synthetic(1002)
    store.withdraw(1002)
    with FakeEutils(store, max_rps=None) as fake:
        status, _, body = call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "1001,1002"})
        assert status == 200
        assert pmids_of(read(body)) == [1001]
        _, _, summary = call(fake.base_url + "esummary.fcgi", {"db": "pubmed", "id": "1002"})
        assert b"<ERROR>UID=1002: cannot get document summary</ERROR>" in summary
        store.restore(1002)
        _, _, body = call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "1001,1002"})
        assert pmids_of(read(body)) == [1001, 1002]


def test_synthetic_record_is_valid_pubmed_xml_with_references_and_retraction(fake):
    _, _, body = call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "90000001,90000002"})
    new, old = read(body)["PubmedArticle"]
    references = new["PubmedData"]["ReferenceList"][0]["Reference"]
    assert [r["Citation"] for r in references][1] == "A reference PubMed does not know."
    assert [r.get("ArticleIdList", []) for r in references] == [["9997"], [], ["1234567"]]
    comments = new["MedlineCitation"]["CommentsCorrectionsList"]
    assert comments[0].attributes["RefType"] == "RetractionIn" and comments[0]["PMID"] == "90000009"
    assert "Retracted Publication" in new["MedlineCitation"]["Article"]["PublicationTypeList"]
    ids = {i.attributes["IdType"]: str(i) for i in new["PubmedData"]["ArticleIdList"]}
    assert ids == {"pubmed": "90000001", "doi": "10.1186/s12943-020-01168-8"}
    authors = new["MedlineCitation"]["Article"]["AuthorList"]
    assert authors[0]["LastName"] == "Zhang" and authors[1]["CollectiveName"] == "CAF Exosome Consortium"
    cites = old["MedlineCitation"]["CommentsCorrectionsList"]
    assert [(c.attributes["RefType"], c["PMID"]) for c in cites] == [("Cites", "9997"), ("Cites", "29963580")]


def test_build_article_medline_date_and_store_accepts_single_article():
    store = Store()
    assert store.add_article_xml(build_article(5, medline_date="1998 Dec-1999 Jan")) == [5]
    assert store.summary(5).pubdate == "1998 Dec-1999 Jan"
    assert 5 in store and len(store) == 1


def test_load_directory_reads_links_and_withdrawals(tmp_path):
    (tmp_path / "set.xml").write_text(
        '<?xml version="1.0" ?>\n<PubmedArticleSet>' + build_article(7) + build_article(8) + "</PubmedArticleSet>"
    )
    (tmp_path / "einfo.xml").write_text("<eInfoResult/>")
    links = {"links": {"7": {"pubmed_pubmed": [[8, 99], [9, None]]}}, "withdrawn": [8]}
    (tmp_path / "links.json").write_text(json.dumps(links))
    store = Store.from_directory(tmp_path)
    assert store.pmids() == [7]
    assert store.links(7) == {"pubmed_pubmed": [(8, 99.0), (9, None)]}


# elink


def test_elink_gives_one_linkset_per_id_parameter_with_scores(fake):
    params = [("dbfrom", "pubmed"), ("db", "pubmed"), ("cmd", "neighbor_score"), ("id", "9997"), ("id", "1234567")]
    status, _, body = call(fake.base_url + "elink.fcgi", params)
    assert status == 200
    assert doctype(body) == doctype((RECORDED / "elink1.xml").read_bytes())
    first, second = read(body)
    assert first["IdList"] == ["9997"] and second["IdList"] == ["1234567"]
    similar = next(db for db in first["LinkSetDb"] if db["LinkName"] == "pubmed_pubmed")
    assert [(link["Id"], link["Score"]) for link in similar["Link"]] == [
        ("9997", "46809160"),
        ("1234567", "1204.5"),
        ("90000001", "17"),
    ]
    cited = next(db for db in first["LinkSetDb"] if db["LinkName"] == "pubmed_pubmed_citedin")
    assert cited["Link"] == [{"Id": "90000001"}, {"Id": "90000002"}]


def test_elink_comma_joined_ids_merge_into_one_linkset_filtered_by_linkname(fake):
    params = {"dbfrom": "pubmed", "db": "pubmed", "id": "9997,1234567", "linkname": "pubmed_pubmed_citedin"}
    _, _, body = call(fake.base_url + "elink.fcgi", params)
    (linkset,) = read(body)
    assert linkset["IdList"] == ["9997", "1234567"]
    assert [db["LinkName"] for db in linkset["LinkSetDb"]] == ["pubmed_pubmed_citedin"]
    assert [link["Id"] for link in linkset["LinkSetDb"][0]["Link"]] == ["90000001", "90000002"]


def test_elink_without_neighbor_score_has_no_scores_and_unlinked_ids_have_no_linksetdb(fake):
    params = [("dbfrom", "pubmed"), ("linkname", "pubmed_pubmed"), ("id", "9997"), ("id", "29963580")]
    _, _, body = call(fake.base_url + "elink.fcgi", params)
    first, second = read(body)
    assert all("Score" not in link for link in first["LinkSetDb"][0]["Link"])
    assert second["LinkSetDb"] == []


def test_elink_error_body_is_ncbi_shaped(fake):
    _, _, body = call(fake.base_url + "elink.fcgi", {"dbfrom": "pubmed"})
    with pytest.raises(RuntimeError, match="Empty ID list"):
        read(body)


# esummary, epost, esearch, einfo


def test_esummary_docsums_and_errors_for_unknown_ids(fake):
    _, _, body = call(fake.base_url + "esummary.fcgi", {"db": "pubmed", "id": "9997,1,90000001"})
    assert doctype(body) == doctype((RECORDED / "esummary1.xml").read_bytes())
    with pytest.raises(RuntimeError, match="UID=1: cannot get document summary"):
        read(body)
    first, error, third = read(body, ignore_errors=True)
    assert first["Id"] == "9997" and first["Source"] == "Biochim Biophys Acta" and first["PubDate"] == "1976 Sep 28"
    assert error == "UID=1: cannot get document summary"
    assert third["DOI"] == "10.1186/s12943-020-01168-8"
    assert third["AuthorList"] == ["Zhang H", "CAF Exosome Consortium"]


def test_epost_then_efetch_by_history(fake):
    _, _, body = call(fake.base_url + "epost.fcgi", {"db": "pubmed", "id": "9997,1234567,29963580"}, method="POST")
    assert doctype(body) == doctype((RECORDED / "epost1.xml").read_bytes())
    posted = read(body)
    assert posted["QueryKey"] == "1" and posted["WebEnv"].startswith("MCID_")
    history = {"db": "pubmed", "WebEnv": posted["WebEnv"], "query_key": "1", "retstart": "1", "retmax": "5"}
    _, _, body = call(fake.base_url + "efetch.fcgi", history)
    assert pmids_of(read(body)) == [1234567, 29963580]
    _, _, body = call(fake.base_url + "epost.fcgi", {"db": "pubmed", "id": "9997", "WebEnv": posted["WebEnv"]})
    assert read(body) == {"QueryKey": "2", "WebEnv": posted["WebEnv"]}
    status, _, body = call(fake.base_url + "efetch.fcgi", {**history, "WebEnv": "MCID_unknown"})
    assert status == 400 and b"Unable to obtain query #1" in body


def test_epost_without_ids_is_an_error_body(fake):
    _, _, body = call(fake.base_url + "epost.fcgi", {"db": "pubmed", "id": ""})
    with pytest.raises(RuntimeError, match="Empty ID list"):
        read(body)


def test_esearch_by_doi_pmid_and_title_words(fake):
    url = fake.base_url + "esearch.fcgi"
    _, _, body = call(url, {"db": "pubmed", "term": "10.1186/s12943-020-01168-8[doi]"})
    assert doctype(body) == doctype((RECORDED / "esearch1.xml").read_bytes())
    assert read(body)["IdList"] == ["90000001"]
    _, _, body = call(url, {"db": "pubmed", "term": "9997[pmid] OR 1234567[uid]"})
    assert read(body)["IdList"] == ["1234567", "9997"]
    _, _, body = call(url, {"db": "pubmed", "term": "ferroptosis exosomal", "usehistory": "y"})
    record = read(body)
    assert record["Count"] == "1" and record["QueryKey"] == "1"
    _, _, body = call(url, {"db": "pubmed", "term": "no such words anywhere"})
    assert read(body)["Count"] == "0"


def test_einfo_serves_the_recorded_files(fake):
    _, _, body = call(fake.base_url + "einfo.fcgi")
    assert body == (DATA_DIR / "einfo" / "einfo1.xml").read_bytes()
    _, _, body = call(fake.base_url + "einfo.fcgi", {"db": "pubmed"})
    assert read(body)["DbInfo"][0]["DbName"] == "pubmed"


def test_unknown_endpoint_is_404(fake):
    status, _, _ = call(fake.base_url + "egquery.fcgi")
    assert status == 404


# rate limit


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


# faults


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


# request log and control endpoints


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


def test_build_article_rejects_unescaped_markup_and_omits_empty_fields():
    with pytest.raises(ValueError, match="escape & and <"):
        build_article(1, title="Fish & chips")
    xml = build_article(2, volume="", issue="", pages="", doi="10.1/x")
    assert "<Volume>" not in xml and "<Issue>" not in xml and "<Pagination>" not in xml
    record = read(f'<?xml version="1.0" ?>\n{doctype_line()}\n<PubmedArticleSet>{xml}</PubmedArticleSet>'.encode())
    assert pmids_of(record) == [2]


def doctype_line() -> str:
    return doctype((PUBMED_DIR / "metapub-38962805.xml").read_bytes()) + ">"
