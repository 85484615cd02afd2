"""The PubMed parser on the efetch responses recorded in Biopython's test suite."""

from articles.ncbi.parser import parse_pubmed_xml
from articles.ncbi.records import Author, MeshHeading, PubDate, Reference
from tests.articles.ncbi_helpers import only_record, read


def test_pubmed1_season_and_keywords() -> None:
    first, second = parse_pubmed_xml(read("biopython/pubmed1.xml")).records

    assert first.pmid == 12091962
    assert first.title == "The treatment of AIDS behind the walls of correctional facilities."
    assert first.pub_date == PubDate(year=1990, text="Spring")
    assert first.abstract == ()
    assert first.keywords == ("Health Care and Public Health", "Legal Approach")
    assert first.publication_types == ("Journal Article", "Review")
    assert first.journal_iso == "Soc Justice"
    assert (first.volume, first.issue, first.pages) == ("17", "1", "113-25")
    assert first.authors == (Author(last_name="Olivero", fore_name="J Michael", initials="JM"),)
    assert first.authors[0].display_name == "Olivero JM"
    assert len(first.mesh_headings) == 19
    assert MeshHeading(descriptor="Prisoners", ui="D011329", major=True) in first.mesh_headings

    assert second.pmid == 9997
    assert second.doi == "10.1016/0005-2795(76)90109-4"
    assert second.pmcid == ""
    assert second.pub_date == PubDate(year=1976, month=9, day=28)
    assert second.abstract[0].text.startswith("Electron paramagnetic resonance and magnetic susceptibility")
    # the star on a qualifier makes the whole heading a major topic
    assert MeshHeading(descriptor="Chromatium", ui="D002844", major=True, qualifiers=("enzymology",)) in (
        second.mesh_headings
    )


def test_pubmed2_two_articles_one_without_mesh() -> None:
    first, second = parse_pubmed_xml(read("biopython/pubmed2.xml")).records

    assert (first.pmid, second.pmid) == (11748933, 11700088)
    assert first.pub_date == PubDate(year=2001, month=6)
    assert second.title == "Proton MRI of (13)C distribution by J and chemical shift editing."
    assert second.mesh_headings == ()
    assert second.doi == "10.1006/jmre.2001.2429"


def test_pubmed4_structured_abstract_and_cites() -> None:
    record = only_record("biopython/pubmed4.xml")

    assert record.pmid == 27797938
    assert record.title == (
        "Leucocyte telomere length, genetic variants at the <i>TERT</i> gene region and risk of pancreatic cancer."
    )
    assert [section.label for section in record.abstract] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert "linkage disequilibrium r<sup>2</sup>&lt;0.25" in record.abstract[2].text
    assert len(record.authors) == 22
    assert record.authors[0].display_name == "Bao Y"
    assert record.pmcid == "PMC5442267"
    assert record.doi == "10.1136/gutjnl-2016-312510"
    assert record.pub_date == PubDate(year=2017, month=6)
    assert record.pages == "1116-1122"
    assert len(record.publication_types) == 5
    assert record.notices == ()  # CommentIn is not a notice
    assert len(record.references) == 48
    assert record.references[0] == Reference(position=1, citation="Stat Med. 1989 May;8(5):551-61", pmid=2657958)
    assert record.references[-1] == Reference(
        position=48, citation="Nucleic Acids Res. 2002 May 15;30(10):e47", pmid=12000852
    )


def test_pubmed5_labels_categories_and_escaped_less_than() -> None:
    record = only_record("biopython/pubmed5.xml")

    assert record.pmid == 28775130
    assert [(s.label, s.category) for s in record.abstract] == [
        ("OBJECTIVES", "OBJECTIVE"),
        ("METHODS", "METHODS"),
        ("RESULTS", "RESULTS"),
        ("CONCLUSIONS", "CONCLUSIONS"),
    ]
    assert "normal TSH (0.4-<u>&lt;</u>4.5 mIU/L)" in record.abstract[1].text
    assert record.pmcid == "PMC5771820"
    assert len(record.references) == 40
    assert all(reference.pmid for reference in record.references)


def test_pubmed6_mathml_and_inline_markup() -> None:
    record = only_record("biopython/pubmed6.xml")
    abstract = record.abstract[0].text

    assert record.pmid == 30108519
    assert record.title.startswith('A "<i>Blood Relationship"</i> Between the Overlooked Minimum Lactate')
    assert (
        "maximal oxygen uptake ( V\u0307O<sub>2max</sub> ) 67.6 ± 4.1 ml·kg<sup>-1</sup>·min<sup>-1</sup>]" in abstract
    )
    assert "(coefficient of variation: ≈7%)" in abstract
    assert "(<i>P</i> &lt; 0.001; ES: 3.54)" in abstract
    assert "LE<sub>min+1.5mM</sub>" in abstract
    assert "mml" not in abstract and "math" not in abstract
    assert record.pub_date == PubDate(year=2018)
    assert record.pmcid == "PMC6079548"
    assert len(record.references) == 53


def test_pubmed7_collective_author_orcid_url_and_reference_list() -> None:
    record = only_record("biopython/pubmed7.xml")

    assert record.pmid == 29963580
    assert len(record.authors) == 9
    assert record.authors[-1] == Author(collective_name="Canadian Respiratory Research Network")
    assert record.authors[-1].display_name == "Canadian Respiratory Research Network"
    capaldi = record.authors[1]
    assert (capaldi.display_name, capaldi.orcid) == ("Capaldi D", "0000-0002-4590-7461")  # given as https://orcid.org/
    # a no-break space in the text, a thin space in the MathML <mtext>
    assert "(1)&nbsp;inhaled <sup>3</sup>He/<sup>129</sup>Xe\u2009MRI ventilation" in record.abstract[0].text
    assert len(record.references) == 49
    assert all(reference.pmid for reference in record.references)
    assert [r.position for r in record.references] == list(range(1, 50))
    assert record.references[0] == Reference(position=1, citation="Radiology. 2015 Jan;274(1):250-9", pmid=25144646)
    assert record.pages == "026002"
    assert record.journal_iso == "J Med Imaging (Bellingham)"
