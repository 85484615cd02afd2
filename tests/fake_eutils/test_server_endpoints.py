"""The fake E-utilities server's other endpoints over real HTTP: elink, esummary, epost, esearch and einfo."""

from __future__ import annotations

import pytest

from fake_eutils import DATA_DIR
from tests.fake_eutils.helpers import RECORDED, call, doctype, pmids_of, read

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
