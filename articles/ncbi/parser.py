"""PubMed efetch XML in, plain typed records out.

Parsed with the standard library's ``iterparse`` rather than ``Bio.Entrez.read``: Bio.Entrez needs the whole
document (a truncated body raises and loses every article), re-emits inline markup with ``<`` unescaped, and
downloads any DTD it does not bundle; streaming keeps every complete ``PubmedArticle`` before a break, keeps
mixed content as elements, and expat never fetches the DTD named in the DOCTYPE.
"""

import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from articles.ncbi.markup import (
    as_int,
    inline_html,
    normalise_doi,
    normalise_orcid,
    normalise_pmcid,
    normalise_space,
    plain_text,
    plain_texts,
)
from articles.ncbi.records import (
    NOTICE_KINDS,
    AbstractSection,
    Author,
    MeshHeading,
    Notice,
    ParseResult,
    PubDate,
    PubmedRecord,
    Reference,
)

_ARTICLE_TAGS = frozenset({"PubmedArticle", "PubmedBookArticle"})
_SET_TAGS = frozenset({"PubmedArticleSet", "PubmedBookArticleSet"})
_NOWHERE = ET.Element("nowhere")  # stands in for a missing element; never modified
_MONTHS = {name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def parse_pubmed_xml(data: bytes) -> ParseResult:
    """Parse an efetch ``db=pubmed retmode=xml`` body; never raises, problems go to ``errors``."""
    result = ParseResult(records=[], errors=[])
    data = data.encode() if isinstance(data, str) else bytes(data)
    problem = _not_xml(data)
    if problem:
        result.errors.append(problem)
        return result
    root_tag, seen, ncbi_errors = "", 0, []
    try:
        for event, element in ET.iterparse(io.BytesIO(data), events=("start", "end")):
            if event == "start":
                root_tag = root_tag or element.tag
            elif element.tag in _ARTICLE_TAGS:
                seen += 1
                _collect(element, seen, result)
                element.clear()
            elif element.tag == "ERROR" and (message := normalise_space("".join(element.itertext()))):
                ncbi_errors.append(message)
    except ET.ParseError as exc:
        if not root_tag:
            result.errors.append(f"response is not XML ({exc}): {_preview(data)}")
        else:
            result.errors.append(f"response truncated or malformed after {seen} articles: {exc}")
    result.errors.extend(f"NCBI returned an error: {message}" for message in ncbi_errors)
    if root_tag and root_tag not in _SET_TAGS and not ncbi_errors:
        result.errors.append(f"unexpected <{root_tag}> document, expected <PubmedArticleSet>")
    return result


def _not_xml(data: bytes) -> str:
    """Describe a body that is plainly not PubMed XML (empty, JSON, an HTML page), or return ""."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024]
    if not head:
        return "empty response body"
    if head[:1] in (b"{", b"["):
        try:
            payload = json.loads(data)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and payload.get("error"):
            return f"NCBI returned JSON instead of XML: {payload['error']} ({_preview(data)})"
        return f"NCBI returned JSON instead of XML: {_preview(data)}"
    if re.match(rb"<!doctype\s+html|<html", head, re.IGNORECASE):
        title = re.search(rb"<title[^>]*>(.*?)</title>", data[:8192], re.IGNORECASE | re.DOTALL)
        shown = normalise_space(title.group(1).decode("utf-8", "replace")) if title else _preview(data)
        return f"NCBI returned an HTML page instead of XML: {shown}"
    if not head.startswith(b"<"):
        return f"response is not XML: {_preview(data)}"
    return ""


def _preview(data: bytes) -> str:
    return repr(normalise_space(data[:120].decode("utf-8", "replace")))


def _collect(element: ET.Element, number: int, result: ParseResult) -> None:
    try:
        record = _book_record(element) if element.tag == "PubmedBookArticle" else _article_record(element)
    except Exception as exc:  # one odd record must not cost the rest of the batch
        result.errors.append(f"{element.tag} #{number} could not be read: {exc.__class__.__name__}: {exc}")
        return
    if record is None:
        result.errors.append(f"{element.tag} without PMID skipped")
    else:
        result.records.append(record)


def _article_record(element: ET.Element) -> PubmedRecord | None:
    citation = _child(element, "MedlineCitation")
    article = _child(citation, "Article")
    pmid = as_int(citation.findtext("PMID"))
    if not pmid:
        return None
    pubmed_data = _child(element, "PubmedData")
    ids = _article_ids(pubmed_data.find("ArticleIdList"))
    doi = ids.get("doi") or next(
        (
            plain_text(e)
            for e in article.findall("ELocationID")
            if e.get("EIdType") == "doi" and e.get("ValidYN") != "N"
        ),
        "",
    )
    pub_date = _pub_date(article.find("Journal/JournalIssue/PubDate"))
    if pub_date.year is None:
        electronic = next((d for d in map(_pub_date, article.findall("ArticleDate")) if d.year), None)
        pub_date = dataclasses.replace(electronic, text=pub_date.text) if electronic else pub_date
    return PubmedRecord(
        pmid=pmid,
        title=inline_html(article.find("ArticleTitle")) or inline_html(article.find("VernacularTitle")),
        abstract=_abstract(article),
        doi=normalise_doi(doi),
        pmcid=normalise_pmcid(ids.get("pmc") or ids.get("pmcid", "")),
        journal_title=plain_text(article.find("Journal/Title")),
        journal_iso=plain_text(article.find("Journal/ISOAbbreviation"))
        or plain_text(citation.find("MedlineJournalInfo/MedlineTA")),
        volume=plain_text(article.find("Journal/JournalIssue/Volume")),
        issue=plain_text(article.find("Journal/JournalIssue/Issue")),
        pages=_pages(article),
        pub_date=pub_date,
        authors=_authors(article.findall("AuthorList")),
        publication_types=plain_texts(article.findall("PublicationTypeList/PublicationType")),
        mesh_headings=tuple(_mesh_headings(citation)),
        keywords=plain_texts(citation.findall("KeywordList/Keyword")),
        language=plain_text(article.find("Language")),
        notices=tuple(_notices(citation)),
        references=_references(pubmed_data, citation),
    )


def _book_record(element: ET.Element) -> PubmedRecord | None:
    document = _child(element, "BookDocument")
    book = _child(document, "Book")
    pmid = as_int(document.findtext("PMID"))
    if not pmid:
        return None
    ids = _article_ids(_child(element, "PubmedBookData").find("ArticleIdList"))
    ids = _article_ids(document.find("ArticleIdList")) | ids
    chapter_title = inline_html(document.find("ArticleTitle")) or inline_html(document.find("VernacularTitle"))
    return PubmedRecord(
        pmid=pmid,
        title=chapter_title or inline_html(book.find("BookTitle")),
        abstract=_abstract(document),
        doi=normalise_doi(ids.get("doi", "")),
        pmcid=normalise_pmcid(ids.get("pmc") or ids.get("pmcid", "")),
        journal_title=plain_text(book.find("BookTitle")) if chapter_title else "",
        volume=plain_text(book.find("Volume")),
        pages=_pages(document),
        pub_date=_pub_date(book.find("PubDate")),
        authors=_authors(document.findall("AuthorList")) or _authors(book.findall("AuthorList")),
        publication_types=plain_texts(document.findall("PublicationType")),
        keywords=plain_texts(document.findall("KeywordList/Keyword")),
        language=plain_text(document.find("Language")),
        references=_references(document, _NOWHERE),
    )


def _child(element: ET.Element, path: str) -> ET.Element:
    found = element.find(path)
    return _NOWHERE if found is None else found


def _article_ids(id_list: ET.Element | None) -> dict[str, str]:
    ids: dict[str, str] = {}
    for article_id in [] if id_list is None else id_list.findall("ArticleId"):
        text = plain_text(article_id)
        if text:
            ids.setdefault(article_id.get("IdType", "pubmed").lower(), text)
    return ids


def _abstract(container: ET.Element) -> tuple[AbstractSection, ...]:
    sections = (
        AbstractSection(text=inline_html(part), label=part.get("Label", ""), category=part.get("NlmCategory", ""))
        for part in container.findall("Abstract/AbstractText")
    )
    return tuple(section for section in sections if section.text)


def _pages(container: ET.Element) -> str:
    medline = plain_text(container.find("Pagination/MedlinePgn"))
    if medline:
        return medline
    start, end = plain_text(container.find("Pagination/StartPage")), plain_text(container.find("Pagination/EndPage"))
    if start:
        return f"{start}-{end}" if end else start
    return next((plain_text(e) for e in container.findall("ELocationID") if e.get("EIdType") == "pii"), "")


def _pub_date(element: ET.Element | None) -> PubDate:
    if element is None:
        return PubDate()
    medline_date = plain_text(element.find("MedlineDate"))
    if medline_date:
        year = re.match(r"([0-9]{4})", medline_date)
        return PubDate(year=int(year.group(1)) if year else None, text=medline_date)
    month_text = plain_text(element.find("Month"))
    month = _MONTHS.get(month_text[:3].lower()) or as_int(month_text)
    month = month if month and 1 <= month <= 12 else None
    day = as_int(element.findtext("Day")) if month else None
    return PubDate(
        year=as_int(element.findtext("Year")),
        month=month,
        day=day if day and 1 <= day <= 31 else None,
        text=plain_text(element.find("Season")),
    )


def _authors(author_lists: list[ET.Element]) -> tuple[Author, ...]:
    authors = []
    for author_list in author_lists:
        if author_list.get("Type", "authors") != "authors":
            continue
        # ValidYN="N" marks a misspelt name that is listed only next to its corrected form.
        people = (_author(person) for person in author_list.findall("Author") if person.get("ValidYN") != "N")
        authors.extend(author for author in people if author.display_name)
    return tuple(authors)


def _author(person: ET.Element) -> Author:
    orcids = [i.text or "" for i in person.findall("Identifier") if i.get("Source", "").upper() == "ORCID"]
    return Author(
        last_name=plain_text(person.find("LastName")),
        fore_name=plain_text(person.find("ForeName")),
        initials=plain_text(person.find("Initials")),
        collective_name=plain_text(person.find("CollectiveName")),
        affiliations=plain_texts(person.findall("AffiliationInfo/Affiliation")),
        orcid=normalise_orcid(orcids[0]) if orcids else "",
    )


def _mesh_headings(citation: ET.Element) -> Iterable[MeshHeading]:
    for heading in citation.findall("MeshHeadingList/MeshHeading"):
        descriptor = heading.find("DescriptorName")
        qualifiers = heading.findall("QualifierName")
        if plain_text(descriptor):
            yield MeshHeading(
                descriptor=plain_text(descriptor),
                ui=descriptor.get("UI", ""),
                # PubMed stars a heading when the descriptor or any of its qualifiers is a major topic.
                major=any(e.get("MajorTopicYN") == "Y" for e in [descriptor, *qualifiers]),
                qualifiers=plain_texts(qualifiers),
            )


def _notices(citation: ET.Element) -> Iterable[Notice]:
    for entry in citation.findall("CommentsCorrectionsList/CommentsCorrections"):
        kind = NOTICE_KINDS.get(entry.get("RefType", ""))
        if kind:
            yield Notice(kind=kind, pmid=as_int(entry.findtext("PMID")), source=plain_text(entry.find("RefSource")))


def _references(container: ET.Element, citation: ET.Element) -> tuple[Reference, ...]:
    listed = [
        reference
        for reference_list in container.findall("ReferenceList")
        for reference in reference_list.iter("Reference")
    ]
    if listed:
        return tuple(_listed_reference(position, reference) for position, reference in enumerate(listed, 1))
    cites = [e for e in citation.findall("CommentsCorrectionsList/CommentsCorrections") if e.get("RefType") == "Cites"]
    return tuple(
        Reference(position=position, citation=plain_text(entry.find("RefSource")), pmid=as_int(entry.findtext("PMID")))
        for position, entry in enumerate(cites, 1)
    )


def _listed_reference(position: int, reference: ET.Element) -> Reference:
    ids = _article_ids(reference.find("ArticleIdList"))
    return Reference(
        position=position,
        citation=plain_text(reference.find("Citation")),
        pmid=as_int(ids.get("pubmed")),
        doi=normalise_doi(ids.get("doi", "")),
        pmcid=normalise_pmcid(ids.get("pmc") or ids.get("pmcid", "")),
    )
