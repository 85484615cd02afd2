"""The PubMed parser on hand-written records: dates, notices, authors, own and cited ids, book articles."""

from articles.ncbi.parser import parse_pubmed_xml
from articles.ncbi.records import AbstractSection, Notice, PubDate, Reference
from tests.articles.ncbi_helpers import article, article_set


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
