"""The PubMed parser on bodies that are not a clean PubmedArticleSet.

Each is reported as an error, never raised; a DOCTYPE naming an unknown DTD is not fetched.
"""

import pytest

from articles.ncbi.parser import parse_pubmed_xml
from tests.articles.ncbi_helpers import article, article_set, read


def test_article_without_pmid_is_skipped_and_reported() -> None:
    data = article_set(article("1"), article(""), article("3"))

    result = parse_pubmed_xml(data)

    assert [record.pmid for record in result.records] == [1, 3]
    assert result.errors == ["PubmedArticle without PMID skipped"]


def test_truncated_body_keeps_complete_articles() -> None:
    data = read("biopython/pubmed1.xml")
    second = data.index(b"<PubmedArticle>", data.index(b"</PubmedArticle>"))
    cut = data[: second + (len(data) - second) // 2]

    result = parse_pubmed_xml(cut)

    assert [record.pmid for record in result.records] == [12091962]
    assert len(result.errors) == 1
    assert result.errors[0].startswith("response truncated or malformed after 1 articles: ")


def test_biopython_truncated_einfo() -> None:
    result = parse_pubmed_xml(read("biopython/einfo4.xml"))

    assert result.records == []
    assert result.errors[0].startswith("response truncated or malformed after 0 articles: no element found")
    assert result.errors[1] == "unexpected <eInfoResult> document, expected <PubmedArticleSet>"


def test_efetch_error_body() -> None:
    data = (
        b'<?xml version="1.0" encoding="UTF-8" ?>\n'
        b'<!DOCTYPE eFetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
        b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
        b"<eFetchResult>\n\t<ERROR>Cannot retrieve history data. query_key: 1, WebEnv: MCID_1</ERROR>\n</eFetchResult>"
    )

    result = parse_pubmed_xml(data)

    assert result.records == []
    assert result.errors == ["NCBI returned an error: Cannot retrieve history data. query_key: 1, WebEnv: MCID_1"]


def test_other_eutils_document() -> None:
    result = parse_pubmed_xml(b"<eSummaryResult><DocSum><Id>1</Id></DocSum></eSummaryResult>")

    assert result.records == []
    assert result.errors == ["unexpected <eSummaryResult> document, expected <PubmedArticleSet>"]


def test_rate_limit_json_body() -> None:
    data = b'{"error":"API rate limit exceeded","api-key":"203.0.113.7","count":"5","limit":"3"}\n'

    result = parse_pubmed_xml(data)

    assert result.records == []
    assert len(result.errors) == 1
    assert result.errors[0].startswith("NCBI returned JSON instead of XML: API rate limit exceeded")


def test_html_error_page() -> None:
    data = b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"

    result = parse_pubmed_xml(data)

    assert result.records == []
    assert result.errors == ["NCBI returned an HTML page instead of XML: 502 Bad Gateway"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty response body"),
        (b"  \n", "empty response body"),
        (b"\x00\xff\xfe\x89PNG garbage", "response is not XML: "),
        (b"<\x00\x01\x02", "response is not XML ("),
        (b'<?xml version="1.0" ?>', "response is not XML ("),
        (b"[1, 2", "NCBI returned JSON instead of XML: "),
    ],
)
def test_garbage_bodies(data: bytes, expected: str) -> None:
    result = parse_pubmed_xml(data)

    assert result.records == []
    assert len(result.errors) == 1
    assert result.errors[0].startswith(expected)


def test_doctype_is_not_fetched() -> None:
    data = read("biopython/pubmed7.xml").replace(b"pubmed_190101.dtd", b"pubmed_990101.dtd")
    data = data.replace(b"https://dtd.nlm.nih.gov", b"https://unreachable.invalid")

    assert [record.pmid for record in parse_pubmed_xml(data).records] == [29963580]
