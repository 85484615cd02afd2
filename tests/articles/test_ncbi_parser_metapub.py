"""The PubMed parser on the efetch responses recorded in metapub's test suite."""

from articles.ncbi.parser import parse_pubmed_xml
from articles.ncbi.records import Author, Notice, PubDate, Reference
from tests.articles.ncbi_helpers import only_record, read


def test_metapub_empty_set_is_no_records_and_no_error() -> None:
    result = parse_pubmed_xml(read("metapub/37909814.xml"))

    assert result.records == []
    assert result.errors == []


def test_metapub_34843274_only_a_collective_author() -> None:
    record = only_record("metapub/34843274.xml")

    assert record.authors == (
        Author(collective_name="Guideline Development Panel for the Treatment of Depressive Disorders"),
    )


def test_metapub_35649368_erratum_in() -> None:
    record = only_record("metapub/35649368.xml")

    assert record.notices == (
        Notice(
            kind="erratum_in",
            pmid=35767954,
            source="Cell Rep. 2022 Jun 28;39(13):111044. doi: 10.1016/j.celrep.2022.111044.",
        ),
    )
    assert not record.is_retracted
    assert record.pub_date == PubDate(year=2022, month=5, day=31)
    assert record.pages == "110870"


def test_metapub_38147649_erratum_in_and_reference_list() -> None:
    record = only_record("metapub/38147649.xml")

    assert [(n.kind, n.pmid) for n in record.notices] == [("erratum_in", 39705317)]
    assert len(record.references) == 71
    assert sum(1 for r in record.references if r.pmid) == 64
    assert record.authors[4].last_name == "Barrera-Bugueño"
    assert record.authors[0].orcid == "0000-0002-7367-292X"
    # the last reference is the paper's own data set, indexed under the paper's PMID and PMC id
    assert record.references[-1].pmid == record.pmid
    assert record.references[-1].doi == "10.6084/m9.figshare.24511531.v1"


def test_metapub_38833988_published_erratum() -> None:
    record = only_record("metapub/38833988.xml")

    assert record.publication_types == ("Published Erratum",)
    assert record.notices[0].kind == "erratum_for"
    assert record.notices[0].pmid == 33279609
    assert record.abstract == ()
    assert [(a.fore_name, a.last_name) for a in record.authors[:2]] == [
        ("Franco Andrés", "Pascucci"),
        ("María Fátima", "Ladelfa"),
    ]
    assert not record.is_retracted


def test_metapub_38962805_no_author_list() -> None:
    record = only_record("metapub/38962805.xml")

    assert record.title == "Correction."
    assert record.authors == ()
    assert record.publication_types == ("Journal Article", "Published Erratum")
    assert record.notices == (
        Notice(
            kind="erratum_for",
            pmid=38446048,
            source="AIDS Care. 2024 Jul;36(sup1):24-35. doi: 10.1080/09540121.2024.2308745.",
        ),
    )
    assert record.issue == "sup1"


def test_metapub_23657305_season_range() -> None:
    record = only_record("metapub/23657305.xml")

    assert record.pub_date == PubDate(year=2013, text="Jan-Mar")
    assert [s.label for s in record.abstract] == ["CONTEXT", "OBJECTIVES", "METHODS", "RESULTS", "CONCLUSION"]
    assert record.authors[0].fore_name == "Luís"
    assert record.authors[4].display_name == "Girão F"
    assert record.doi == "10.1590/s0004-28032013000100008"


def test_metapub_32292800_season_and_reference_list() -> None:
    record = only_record("metapub/32292800.xml")

    assert record.pub_date == PubDate(year=2019, text="Sep-Dec")
    assert record.pmcid == "PMC7156113"
    assert len(record.references) == 39
    assert sum(1 for r in record.references if r.pmid) == 34


def test_metapub_38534005_collective_author_and_nonstandard_labels() -> None:
    record = only_record("metapub/38534005.xml")

    assert len(record.authors) == 9
    assert record.authors[-1].collective_name.startswith("Task and Finish Group for Urinalysis (TFG-U)")
    assert (
        Author(
            last_name="Schubert",
            fore_name="Sören",
            initials="S",
            affiliations=(
                "Max von Pettenkofer Institute of Hygiene and Medical Microbiology, Faculty of Medicine, LMU Munich, "
                "81377 Munich, Germany.",
            ),
            orcid="0000-0002-5687-8977",
        )
        in record.authors
    )
    assert [(s.label, s.category) for s in record.abstract][:3] == [
        ("BACKGROUND", "BACKGROUND"),
        ("RECOMMENDATIONS", "CONCLUSIONS"),
        ("MEDICAL NEEDS AND TEST REQUISITION", "UNASSIGNED"),
    ]
    assert len(record.abstract) == 7


def test_metapub_39382274_references_and_non_ascii() -> None:
    record = only_record("metapub/39382274.xml")

    assert record.pmcid == "PMC11539232"
    assert record.doi == "10.1128/aac.00924-24"
    assert len(record.references) == 42
    assert sum(1 for r in record.references if r.pmid) == 40
    assert record.references[0].pmid == 31358985
    assert record.references[0].doi == "10.1038/s41564-019-0492-8"
    assert record.references[0].pmcid == "PMC7244338"
    assert record.references[-1] == Reference(
        position=42,
        citation="Seemann T. Snippy: fast bacterial variant calling from NGS reads. "
        "Available from: https://github.com/tseemann/snippy",
    )
    names = {(a.last_name, a.fore_name) for a in record.authors}
    assert {("Blanco-Martín", "Tania"), ("López-Hernández", "Inmaculada"), ("Aracil", "Belén")} <= names
    assert record.authors[-1].collective_name == (
        "GEMARA-SEIMC/CIBERINFEC Study Group on the activity and resistance mechanisms to new β-lactams and "
        "β-lactamase inhibitors (PROTECT)"
    )
    assert "β-lactams" in record.title
    assert record.keywords[-2:] == ("β-lactamase", "β-lactamase inhibitor")
