"""Helpers for the NCBI parser and client tests: recorded responses, hand-built PubMed XML, a counting limiter."""

from pathlib import Path

from articles.ncbi.parser import parse_pubmed_xml
from articles.ncbi.records import PubmedRecord
from fake_eutils.store import split_articles

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


class CountingLimiter:
    """Never blocks; counts how often the client asked for a slot."""

    def __init__(self) -> None:
        self.acquired = 0

    def acquire(self) -> None:
        self.acquired += 1


def pmids_in(xml: bytes) -> list[int]:
    return [pmid for pmid, _ in split_articles(xml)]
