"""Synthetic PubMed records that follow pubmed_250101.dtd, for tests that need articles no recording has."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from xml.sax.saxutils import escape

Reference = int | str | tuple[str, int | None]


def build_article(
    pmid: int,
    *,
    title: str | None = None,
    year: int = 2020,
    month: str | None = None,
    medline_date: str | None = None,
    journal: str = "Journal of Synthetic Results",
    journal_abbreviation: str = "J Synth Res",
    volume: str = "1",
    issue: str = "1",
    pages: str = "1-10",
    abstract: str | None = None,
    authors: Sequence[str] = ("Doe, Jane",),
    references: Sequence[Reference] = (),
    references_as_cites: bool = False,
    doi: str | None = None,
    pmc: str | None = None,
    retracted: bool = False,
    retraction_pmid: int | None = None,
    errata: Sequence[int] = (),
    publication_types: Sequence[str] = ("Journal Article",),
) -> str:
    """Return one ``<PubmedArticle>`` element as text.

    ``title``, ``abstract`` and ``medline_date`` are inserted as XML (so ``<i>`` markup works); other strings are
    escaped. An author ``"Last, Fore"`` becomes LastName/ForeName/Initials, one without a comma a CollectiveName.
    A reference is a PMID, a citation string with no PMID, or ``(citation, pmid_or_None)``; they go into
    ``PubmedData/ReferenceList`` or, with ``references_as_cites``, into ``CommentsCorrections RefType="Cites"``
    as pre-2019 records do. ``retracted`` adds ``RetractionIn`` and the "Retracted Publication" type.
    """
    title = title if title is not None else f"Synthetic article {pmid}."
    pub_types = list(publication_types)
    if retracted and "Retracted Publication" not in pub_types:
        pub_types.append("Retracted Publication")
    normalized = [_reference(ref) for ref in references]
    article = _article(
        title=title,
        journal=_journal(journal, journal_abbreviation, volume, issue, _pub_date(year, month, medline_date)),
        pages=pages,
        doi=doi,
        abstract=abstract,
        authors=authors,
        publication_types=pub_types,
    )
    comments = _notices(journal_abbreviation, year, retracted, retraction_pmid, errata)
    if references_as_cites:
        comments += _cites(normalized)
    citation = _medline_citation(pmid, article, journal_abbreviation, comments)
    pubmed_data = _pubmed_data(pmid, year, doi, pmc, [] if references_as_cites else normalized)
    return _well_formed(pmid, "<PubmedArticle>" + citation + pubmed_data + "</PubmedArticle>")


def _well_formed(pmid: int, xml: str) -> str:
    """Return ``xml`` if it parses; the text inserted as XML is the usual culprit when it does not."""
    try:
        ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ValueError(
            f"PMID {pmid}: title/abstract/medline_date are inserted as XML; escape & and < ({exc})"
        ) from exc
    return xml


def _pub_date(year: int, month: str | None, medline_date: str | None) -> str:
    """The content of ``PubDate``: a free-text ``MedlineDate``, or a Year with an optional Month."""
    if medline_date:
        return f"<MedlineDate>{medline_date}</MedlineDate>"
    return f"<Year>{year}</Year>" + (f"<Month>{escape(month)}</Month>" if month else "")


def _journal(journal: str, journal_abbreviation: str, volume: str, issue: str, pubdate: str) -> str:
    """The ``Journal`` element: ISSN, the issue (volume, number, date), title and ISO abbreviation."""
    return "".join(
        [
            "<Journal>",
            '<ISSN IssnType="Print">0000-0000</ISSN>',
            '<JournalIssue CitedMedium="Print">',
            f"<Volume>{escape(volume)}</Volume>" if volume else "",
            f"<Issue>{escape(issue)}</Issue>" if issue else "",
            f"<PubDate>{pubdate}</PubDate></JournalIssue>",
            f"<Title>{escape(journal)}</Title><ISOAbbreviation>{escape(journal_abbreviation)}</ISOAbbreviation>",
            "</Journal>",
        ]
    )


def _article(
    *,
    title: str,
    journal: str,
    pages: str,
    doi: str | None,
    abstract: str | None,
    authors: Sequence[str],
    publication_types: Sequence[str],
) -> str:
    """The ``Article`` element: journal, title, pagination and DOI, abstract, authors, language, types."""
    article = ['<Article PubModel="Print">', journal, f"<ArticleTitle>{title}</ArticleTitle>"]
    if pages or not doi:  # the DTD wants Pagination, an ELocationID, or both
        article.append(f"<Pagination><MedlinePgn>{escape(pages)}</MedlinePgn></Pagination>")
    if doi:
        article.append(f'<ELocationID EIdType="doi" ValidYN="Y">{escape(doi)}</ELocationID>')
    if abstract:
        article.append(f"<Abstract><AbstractText>{abstract}</AbstractText></Abstract>")
    if authors:
        article.append('<AuthorList CompleteYN="Y">')
        article.extend(_author(name) for name in authors)
        article.append("</AuthorList>")
    article.append("<Language>eng</Language>")
    article.append("<PublicationTypeList>")
    article.extend(f"<PublicationType>{escape(t)}</PublicationType>" for t in publication_types)
    article.append("</PublicationTypeList>")
    article.append("</Article>")
    return "".join(article)


def _notices(
    journal_abbreviation: str, year: int, retracted: bool, retraction_pmid: int | None, errata: Sequence[int]
) -> list[str]:
    """``CommentsCorrections`` for a retraction notice and for errata."""
    comments = []
    if retracted:
        target = f'<PMID Version="1">{retraction_pmid}</PMID>' if retraction_pmid else ""
        source = f"{journal_abbreviation}. {year + 1}. Retraction notice."
        comments.append(
            f'<CommentsCorrections RefType="RetractionIn"><RefSource>{escape(source)}</RefSource>{target}'
            "</CommentsCorrections>"
        )
    for erratum in errata:
        comments.append(
            f'<CommentsCorrections RefType="ErratumIn"><RefSource>{escape(journal_abbreviation)}. Erratum.</RefSource>'
            f'<PMID Version="1">{erratum}</PMID></CommentsCorrections>'
        )
    return comments


def _cites(references: Sequence[tuple[str, int | None]]) -> list[str]:
    """References as pre-2019 records give them: ``CommentsCorrections RefType="Cites"``."""
    comments = []
    for citation, ref_pmid in references:
        target = f'<PMID Version="1">{ref_pmid}</PMID>' if ref_pmid else ""
        comments.append(
            f'<CommentsCorrections RefType="Cites"><RefSource>{escape(citation)}</RefSource>{target}'
            "</CommentsCorrections>"
        )
    return comments


def _medline_citation(pmid: int, article: str, journal_abbreviation: str, comments: Sequence[str]) -> str:
    """The ``MedlineCitation`` element around the article, with the journal info and any comments."""
    citation_parts = [
        '<MedlineCitation Status="MEDLINE" Owner="NLM">',
        f'<PMID Version="1">{pmid}</PMID>',
        article,
        f"<MedlineJournalInfo><Country>United States</Country><MedlineTA>{escape(journal_abbreviation)}</MedlineTA>"
        "</MedlineJournalInfo>",
    ]
    if comments:
        citation_parts += ["<CommentsCorrectionsList>", *comments, "</CommentsCorrectionsList>"]
    citation_parts.append("</MedlineCitation>")
    return "".join(citation_parts)


def _pubmed_data(
    pmid: int, year: int, doi: str | None, pmc: str | None, references: Sequence[tuple[str, int | None]]
) -> str:
    """The ``PubmedData`` element: history, status, the record's own ids and a ``ReferenceList``."""
    ids = [f'<ArticleId IdType="pubmed">{pmid}</ArticleId>']
    if doi:
        ids.append(f'<ArticleId IdType="doi">{escape(doi)}</ArticleId>')
    if pmc:
        ids.append(f'<ArticleId IdType="pmc">{escape(pmc)}</ArticleId>')
    pubmed_data = [
        "<PubmedData>",
        "<History>",
        f'<PubMedPubDate PubStatus="pubmed"><Year>{year}</Year><Month>1</Month><Day>1</Day></PubMedPubDate>',
        "</History>",
        "<PublicationStatus>ppublish</PublicationStatus>",
        f"<ArticleIdList>{''.join(ids)}</ArticleIdList>",
    ]
    if references:
        pubmed_data.append("<ReferenceList>")
        for citation, ref_pmid in references:
            ref_ids = f'<ArticleIdList><ArticleId IdType="pubmed">{ref_pmid}</ArticleId></ArticleIdList>'
            pubmed_data.append(
                f"<Reference><Citation>{escape(citation)}</Citation>{ref_ids if ref_pmid else ''}</Reference>"
            )
        pubmed_data.append("</ReferenceList>")
    pubmed_data.append("</PubmedData>")
    return "".join(pubmed_data)


def _author(name: str) -> str:
    if "," not in name:
        return f'<Author ValidYN="Y"><CollectiveName>{escape(name)}</CollectiveName></Author>'
    last, fore = (part.strip() for part in name.split(",", 1))
    initials = "".join(word[0] for word in fore.replace("-", " ").split() if word)
    return (
        f'<Author ValidYN="Y"><LastName>{escape(last)}</LastName><ForeName>{escape(fore)}</ForeName>'
        f"<Initials>{escape(initials)}</Initials></Author>"
    )


def _reference(ref: Reference) -> tuple[str, int | None]:
    if isinstance(ref, int):
        return f"Synthetic reference to PMID {ref}.", ref
    if isinstance(ref, str):
        return ref, None
    citation, ref_pmid = ref
    return citation, ref_pmid
