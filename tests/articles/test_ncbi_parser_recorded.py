"""The PubMed parser on every recorded efetch response, and on the biocommons records one by one."""

import nh3
import pytest

from articles.ncbi.parser import parse_pubmed_xml
from articles.ncbi.records import AbstractSection, Author, PubDate, PubmedRecord
from tests.articles.ncbi_helpers import PUBMED_FIXTURES, only_record, read


def all_html(record: PubmedRecord) -> list[str]:
    return [record.title, *(section.text for section in record.abstract)]


# Every recorded efetch response


def test_every_pubmed_fixture_is_covered() -> None:
    assert len(PUBMED_FIXTURES) == 20


@pytest.mark.parametrize("name", PUBMED_FIXTURES)
def test_recorded_response_parses_cleanly(name: str) -> None:
    result = parse_pubmed_xml(read(name))

    assert result.errors == []
    for record in result.records:
        assert record.pmid > 0
        assert record.title
        assert record.pub_date.year
        for fragment in all_html(record):
            assert "mml" not in fragment
            assert nh3.clean(fragment, tags={"b", "i", "sub", "sup", "u"}, attributes={}) == fragment


@pytest.mark.parametrize("name", PUBMED_FIXTURES)
def test_recorded_response_survives_truncation_anywhere(name: str) -> None:
    data = read(name)
    complete = len(parse_pubmed_xml(data).records)

    for cut in range(0, len(data.rstrip()), max(len(data) // 40, 1)):
        result = parse_pubmed_xml(data[:cut])
        assert len(result.records) <= complete
        assert result.errors


def test_biocommons_1234567() -> None:
    record = only_record("biocommons/test_efetch.xml")

    assert record.pmid == 1234567
    assert record.title == "The effect of castration and peroral estrogen therapy on some psychological functions."
    assert record.abstract == ()
    assert record.pub_date == PubDate(year=1975)
    assert record.doi == "10.1159/000398269"
    assert record.pages == "94-104"
    assert [a.display_name for a in record.authors] == ["Rauramo L", "Lagerspetz K", "Engblom P", "Punnonen R"]
    assert (record.journal_title, record.journal_iso, record.volume) == (
        "Frontiers of hormone research",
        "Front Horm Res",
        "3",
    )


def test_biocommons_22351513_day_and_labels() -> None:
    record = only_record("biocommons/test_eutils_xmlfacades_pubmedarticle_22351513.xml")

    assert record.pub_date == PubDate(year=2012, month=8, day=30)
    assert [s.label for s in record.abstract] == ["BACKGROUND", "RESULTS", "CONCLUSION"]
    assert "102 g kg⁻¹" in record.abstract[1].text


def test_biocommons_23121403_collective_author_comments_are_not_notices() -> None:
    record = only_record("biocommons/test_eutils_xmlfacades_pubmedarticle_23121403.xml")

    assert Author(collective_name="ASPIRE Investigators") in record.authors
    assert record.notices == ()
    assert record.references == ()
    assert record.abstract[0] == AbstractSection(
        text=record.abstract[0].text, label="BACKGROUND", category="BACKGROUND"
    )


def test_biocommons_29915538_reference_list_and_bold_run_in_heads() -> None:
    record = only_record("biocommons/test_eutils_xmlfacades_pubmedarticle_29915538.xml")

    assert record.pmcid == "PMC5994433"
    assert record.abstract[0].text.startswith("<b>Background:</b> Semaglutide, a newly once-weekly")
    assert len(record.references) == 45
    assert sum(1 for r in record.references if r.pmid) == 42
    assert record.references[-1].pmcid == "PMC4705511"
