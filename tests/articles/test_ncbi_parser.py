from pathlib import Path

import nh3
import pytest

from articles.ncbi.parser import parse_pubmed_xml
from articles.ncbi.records import AbstractSection, Author, MeshHeading, Notice, PubDate, PubmedRecord, Reference

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ncbi"
PUBMED_FIXTURES = sorted(
    [
        *(f"biopython/pubmed{n}.xml" for n in (1, 2, 4, 5, 6, 7)),
        *(path.relative_to(FIXTURES).as_posix() for path in (FIXTURES / "metapub").glob("*.xml")),
        *(path.relative_to(FIXTURES).as_posix() for path in (FIXTURES / "biocommons").glob("*.xml")),
    ]
)


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def only_record(name: str) -> PubmedRecord:
    result = parse_pubmed_xml(read(name))
    assert result.errors == []
    assert len(result.records) == 1
    return result.records[0]


def article_set(*articles: str) -> bytes:
    body = "".join(articles)
    return f'<?xml version="1.0" ?>\n<PubmedArticleSet>{body}</PubmedArticleSet>'.encode()


def article(
    pmid: str = "100",
    *,
    title: str = "A title.",
    inside_article: str = "",
    pub_date: str = "<Year>2020</Year>",
    inside_citation: str = "",
    pubmed_data: str = "",
) -> str:
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        '<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print">'
        f"<PubDate>{pub_date}</PubDate></JournalIssue><Title>A journal</Title></Journal>"
        f"<ArticleTitle>{title}</ArticleTitle>{inside_article}<Language>eng</Language>"
        '<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>'
        f"</Article>{inside_citation}</MedlineCitation>"
        f"<PubmedData><PublicationStatus>ppublish</PublicationStatus>{pubmed_data}</PubmedData></PubmedArticle>"
    )


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


# Hand-written cases


def test_medline_date_keeps_text_and_year() -> None:
    data = article_set(article(pub_date="<MedlineDate>1998 Dec-1999 Jan</MedlineDate>"))

    (record,) = parse_pubmed_xml(data).records

    assert record.pub_date == PubDate(year=1998, text="1998 Dec-1999 Jan")


def test_pub_date_without_year_falls_back_to_article_date() -> None:
    electronic = '<ArticleDate DateType="Electronic"><Year>2020</Year><Month>03</Month><Day>04</Day></ArticleDate>'
    data = article_set(article(pub_date="<MedlineDate>Winter</MedlineDate>", inside_article=electronic))

    (record,) = parse_pubmed_xml(data).records

    assert record.pub_date == PubDate(year=2020, month=3, day=4, text="Winter")


def test_retraction_in_notice_marks_retracted() -> None:
    retraction = (
        '<CommentsCorrectionsList><CommentsCorrections RefType="RetractionIn">'
        '<RefSource>Nature. 2024 Jun;630(8015):E1</RefSource><PMID Version="1">38800001</PMID>'
        '</CommentsCorrections><CommentsCorrections RefType="CommentIn"><RefSource>X</RefSource>'
        '<PMID Version="1">5</PMID></CommentsCorrections></CommentsCorrectionsList>'
    )
    data = article_set(article(inside_citation=retraction))

    (record,) = parse_pubmed_xml(data).records

    assert record.notices == (Notice(kind="retraction_in", pmid=38800001, source="Nature. 2024 Jun;630(8015):E1"),)
    assert record.is_retracted


def test_retracted_publication_type_marks_retracted() -> None:
    data = article_set(article()).replace(
        b"</PublicationTypeList>",
        b'<PublicationType UI="D016441">Retracted Publication</PublicationType></PublicationTypeList>',
    )

    (record,) = parse_pubmed_xml(data).records

    assert record.publication_types == ("Journal Article", "Retracted Publication")
    assert record.is_retracted


def test_markup_inside_abstract_is_neutralised() -> None:
    hostile = (
        "<Abstract><AbstractText>Before <script>alert(1)</script>"
        '<a href="javascript:alert(2)">link text</a> <img src="x" onerror="alert(3)"/>'
        '<i onclick="alert(4)">italic</i> <b><span style="x">bold</span></b> '
        "&lt;script&gt;alert(5)&lt;/script&gt; a &lt; b &amp; c</AbstractText></Abstract>"
    )
    data = article_set(article(title="x &lt; y &amp;amp; <sub>2</sub>", inside_article=hostile))

    (record,) = parse_pubmed_xml(data).records
    text = record.abstract[0].text

    assert text == ("Before link text <i>italic</i> <b>bold</b> &lt;script&gt;alert(5)&lt;/script&gt; a &lt; b &amp; c")
    assert record.title == "x &lt; y &amp;amp; <sub>2</sub>"


def test_mathml_becomes_text_with_scripts() -> None:
    math = (
        '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:semantics><mml:mrow>'
        "<mml:mi>E</mml:mi><mml:mo>=</mml:mo><mml:mi>m</mml:mi>"
        "<mml:msup><mml:mi>c</mml:mi><mml:mn>2</mml:mn></mml:msup></mml:mrow>"
        '<mml:annotation encoding="TeX">E=mc^2</mml:annotation></mml:semantics></mml:math>'
    )
    comparison = (
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>p</mi><mo>&lt;</mo><mfrac><mn>1</mn><mn>20</mn>'
        "</mfrac></math>"
    )
    data = article_set(article(title=f"Mass {math} and {comparison}."))

    (record,) = parse_pubmed_xml(data).records

    assert record.title == "Mass E=mc<sup>2</sup> and p&lt;1/20."


def test_unquoted_attribute_is_a_parse_error_not_output() -> None:
    data = article_set(
        article("1"),
        article(
            "2", inside_article="<Abstract><AbstractText><a href=javascript:alert(1)>x</a></AbstractText></Abstract>"
        ),
    )

    result = parse_pubmed_xml(data)

    assert [record.pmid for record in result.records] == [1]
    assert result.errors[0].startswith("response truncated or malformed after 1 articles: not well-formed")


def test_whitespace_is_normalised() -> None:
    data = article_set(article(title="\n   Spread\tover\n\n lines <i> and  tags </i>  "))

    (record,) = parse_pubmed_xml(data).records

    assert record.title == "Spread over lines <i> and tags </i>"


def test_orcid_forms_are_normalised() -> None:
    authors = (
        '<AuthorList CompleteYN="Y">'
        '<Author ValidYN="Y"><LastName>Hanahan</LastName><ForeName>Douglas</ForeName><Initials>D</Initials>'
        '<Identifier Source="ORCID">http://orcid.org/0000-0002-1825-009x</Identifier></Author>'
        '<Author ValidYN="Y"><LastName>Weinberg</LastName><Initials>RA</Initials>'
        '<Identifier Source="ORCID">0000000218250097</Identifier></Author>'
        '<Author ValidYN="N"><LastName>Weinbreg</LastName><Initials>RA</Initials></Author>'
        "</AuthorList>"
    )
    data = article_set(article(inside_article=authors))

    (record,) = parse_pubmed_xml(data).records

    assert [(a.display_name, a.orcid) for a in record.authors] == [
        ("Hanahan D", "0000-0002-1825-009X"),
        ("Weinberg RA", "0000-0002-1825-0097"),
    ]


def test_own_ids_are_not_taken_from_the_reference_list() -> None:
    pubmed_data = (
        '<ArticleIdList><ArticleId IdType="pubmed">100</ArticleId><ArticleId IdType="pmc">PMC42</ArticleId>'
        "</ArticleIdList>"
        "<ReferenceList><Title>References</Title>"
        '<Reference><Citation>First.</Citation><ArticleIdList><ArticleId IdType="doi">10.1/first</ArticleId>'
        '<ArticleId IdType="pubmed">11</ArticleId></ArticleIdList></Reference>'
        "<Reference><Citation>Second, no ids.</Citation></Reference>"
        "<ReferenceList><Title>Further reading</Title>"
        '<Reference><Citation>Third.</Citation><ArticleIdList><ArticleId IdType="pmc">PMC33</ArticleId>'
        "</ArticleIdList></Reference></ReferenceList>"
        "</ReferenceList>"
        '<ReferenceList><Reference><Citation>Fourth.</Citation><ArticleIdList><ArticleId IdType="pubmed">44'
        "</ArticleId></ArticleIdList></Reference></ReferenceList>"
    )
    elocation = '<ELocationID EIdType="doi" ValidYN="Y">10.9/own</ELocationID>'
    data = article_set(article(inside_article=elocation, pubmed_data=pubmed_data))

    (record,) = parse_pubmed_xml(data).records

    assert (record.doi, record.pmcid) == ("10.9/own", "PMC42")
    assert record.references == (
        Reference(position=1, citation="First.", pmid=11, doi="10.1/first"),
        Reference(position=2, citation="Second, no ids."),
        Reference(position=3, citation="Third.", pmcid="PMC33"),
        Reference(position=4, citation="Fourth.", pmid=44),
    )


def test_book_article_is_parsed() -> None:
    book = (
        "<PubmedBookArticle><BookDocument>"
        '<PMID Version="1">20301295</PMID>'
        '<ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>'
        "<Book><Publisher><PublisherName>University of Washington, Seattle</PublisherName></Publisher>"
        '<BookTitle book="gene">GeneReviews<sup>®</sup></BookTitle>'
        "<PubDate><Year>1993</Year></PubDate>"
        '<AuthorList Type="editors"><Author><LastName>Adam</LastName><ForeName>Margaret P</ForeName>'
        "<Initials>MP</Initials></Author></AuthorList></Book>"
        '<ArticleTitle book="gene" part="brca1">BRCA1- and BRCA2-Associated Hereditary Breast Cancer</ArticleTitle>'
        "<Language>eng</Language>"
        '<AuthorList Type="authors"><Author><LastName>Petrucelli</LastName><ForeName>Nancie</ForeName>'
        "<Initials>N</Initials></Author></AuthorList>"
        '<PublicationType UI="D000072">Review</PublicationType>'
        '<Abstract><AbstractText Label="CLINICAL CHARACTERISTICS">Carriers of a <i>BRCA1</i> variant.</AbstractText>'
        "</Abstract></BookDocument>"
        "<PubmedBookData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>"
        '<ArticleId IdType="pubmed">20301425</ArticleId></ArticleIdList></PubmedBookData>'
        "</PubmedBookArticle>"
    )

    result = parse_pubmed_xml(article_set(book, article("7")))

    assert result.errors == []
    record, other = result.records
    assert other.pmid == 7
    assert record.pmid == 20301295
    assert record.title == "BRCA1- and BRCA2-Associated Hereditary Breast Cancer"
    assert record.journal_title == "GeneReviews®"
    assert record.pub_date == PubDate(year=1993)
    assert [a.display_name for a in record.authors] == ["Petrucelli N"]
    assert record.abstract == (
        AbstractSection(text="Carriers of a <i>BRCA1</i> variant.", label="CLINICAL CHARACTERISTICS"),
    )
    assert record.publication_types == ("Review",)


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
