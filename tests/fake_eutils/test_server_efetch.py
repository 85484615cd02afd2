"""The fake server's efetch over real HTTP: NCBI's format, request order, POST, unknown and withdrawn ids."""

from __future__ import annotations

from fake_eutils import FakeEutils, Store
from tests.fake_eutils.helpers import PUBMED_DIR, call, doctype, pmids_of, read


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
