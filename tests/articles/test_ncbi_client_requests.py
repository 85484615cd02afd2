"""The E-utilities client against the fake server over real HTTP: requests as NCBI wants them, and elink."""

from __future__ import annotations

import pytest

from articles.ncbi.client import POST_THRESHOLD, NcbiError, NcbiRequestError
from tests.articles.ncbi_helpers import pmids_in

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
