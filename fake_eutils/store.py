"""The records a fake E-utilities server answers from: PubMed articles, their links, withdrawals."""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from fake_eutils.synthetic import build_article

LINKNAMES = ("pubmed_pubmed", "pubmed_pubmed_citedin", "pubmed_pubmed_refs")

_ARTICLE_RE = re.compile(r"<(PubmedArticle|PubmedBookArticle)\b[^>]*>.*?</\1>", re.DOTALL)
# The first PMID inside an article is its own: MedlineCitation/PMID (or BookDocument/PMID) comes
# before any CommentsCorrections/PMID.
_PMID_RE = re.compile(r"<PMID\b[^>]*>\s*(\d+)\s*</PMID>")

Link = tuple[int, float | None]


@dataclass
class ArticleSummary:
    """The fields esummary and esearch need, read once from an article's XML."""

    pmid: int
    title: str = ""
    pubdate: str = ""
    source: str = ""
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    authors: list[str] = field(default_factory=list)
    doi: str = ""
    pmc: str = ""
    languages: list[str] = field(default_factory=list)
    pub_types: list[str] = field(default_factory=list)
    has_abstract: bool = False
    status: str = ""


def split_articles(xml: str | bytes) -> list[tuple[int, str]]:
    """Cut a PubmedArticleSet (or a lone PubmedArticle) into ``(pmid, article_xml)`` pairs, text untouched."""
    if isinstance(xml, bytes):
        xml = xml.decode("utf-8")
    found = []
    for match in _ARTICLE_RE.finditer(xml):
        article = match.group(0)
        pmid = _PMID_RE.search(article)
        if pmid is None:
            raise ValueError(f"article without a PMID: {article[:120]!r}")
        found.append((int(pmid.group(1)), article))
    return found


def summarize(pmid: int, article_xml: str) -> ArticleSummary:
    summary = ArticleSummary(pmid=pmid)
    try:
        root = ET.fromstring(article_xml)
    except ET.ParseError:
        return summary
    text = _text
    summary.title = text(root.find(".//ArticleTitle")) or text(root.find(".//BookTitle"))
    pubdate = root.find(".//JournalIssue/PubDate")
    if pubdate is not None:
        medline_date = text(pubdate.find("MedlineDate"))
        parts = [text(pubdate.find(tag)) for tag in ("Year", "Month", "Day", "Season")]
        summary.pubdate = medline_date or " ".join(p for p in parts if p)
    summary.source = text(root.find(".//Journal/ISOAbbreviation")) or text(root.find(".//MedlineTA"))
    summary.journal = text(root.find(".//Journal/Title"))
    summary.volume = text(root.find(".//JournalIssue/Volume"))
    summary.issue = text(root.find(".//JournalIssue/Issue"))
    summary.pages = text(root.find(".//Pagination/MedlinePgn"))
    for author in root.iterfind(".//Article/AuthorList/Author"):
        collective = text(author.find("CollectiveName"))
        name = collective or " ".join(p for p in (text(author.find("LastName")), text(author.find("Initials"))) if p)
        if name:
            summary.authors.append(name)
    for article_id in root.iterfind("./PubmedData/ArticleIdList/ArticleId"):
        if article_id.get("IdType") == "doi" and not summary.doi:
            summary.doi = text(article_id)
        elif article_id.get("IdType") == "pmc" and not summary.pmc:
            summary.pmc = text(article_id)
    if not summary.doi:
        for location in root.iterfind(".//ELocationID"):
            if location.get("EIdType") == "doi":
                summary.doi = text(location)
                break
    summary.languages = [text(e) for e in root.iterfind(".//Article/Language")]
    summary.pub_types = [text(e) for e in root.iterfind(".//PublicationTypeList/PublicationType")]
    summary.has_abstract = root.find(".//Abstract") is not None
    citation = root.find("./MedlineCitation")
    summary.status = citation.get("Status", "") if citation is not None else ""
    return summary


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


class Store:
    """PubMed records by PMID, plus elink links; safe to read from server threads while a test writes."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._articles: dict[int, str] = {}
        self._summaries: dict[int, ArticleSummary] = {}
        self._links: dict[int, dict[str, list[Link]]] = {}
        self._withdrawn: set[int] = set()

    @classmethod
    def from_directory(cls, path: str | Path) -> Store:
        store = cls()
        store.load_directory(path)
        return store

    def load_directory(self, path: str | Path) -> int:
        """Load every efetch ``PubmedArticleSet`` file (``*.xml``) under ``path`` and an optional ``links.json``.

        ``links.json`` holds ``{"links": {"<pmid>": {"<linkname>": [[id, score|null], ...]}}, "withdrawn": [pmid]}``.
        Other XML files (einfo, elink...) are skipped. Returns how many articles were loaded.
        """
        root = Path(path)
        loaded = 0
        for xml_path in sorted(root.rglob("*.xml")):
            text = xml_path.read_text(encoding="utf-8")
            if "<PubmedArticleSet" in text:
                loaded += len(self.add_article_xml(text))
        links_path = root / "links.json"
        if links_path.exists():
            data = json.loads(links_path.read_text(encoding="utf-8"))
            for pmid, by_name in data.get("links", {}).items():
                for linkname, links in by_name.items():
                    self.set_links(int(pmid), linkname, [tuple(link) for link in links])
            for pmid in data.get("withdrawn", []):
                self.withdraw(int(pmid))
        return loaded

    def add_article_xml(self, xml: str | bytes) -> list[int]:
        """Add the articles of an efetch response or of a single ``<PubmedArticle>``; returns their PMIDs."""
        articles = split_articles(xml)
        with self._lock:
            for pmid, article in articles:
                self._articles[pmid] = article
                self._summaries.pop(pmid, None)
                self._withdrawn.discard(pmid)
        return [pmid for pmid, _ in articles]

    def add_synthetic(self, pmid: int, **fields) -> str:
        """Build a valid PubMed record (see :func:`fake_eutils.synthetic.build_article`), store it, return its XML."""
        article = build_article(pmid, **fields)
        self.add_article_xml(article)
        return article

    def set_links(self, pmid: int, linkname: str, links: Iterable[int | Sequence]) -> None:
        """Set the links elink answers for ``pmid`` under ``linkname``, in NCBI's order.

        Each link is an id or ``(id, score)``; scores appear only with ``cmd=neighbor_score``.
        """
        normalized: list[Link] = []
        for link in links:
            if isinstance(link, int):
                normalized.append((link, None))
            else:
                target, score = link
                normalized.append((int(target), None if score is None else float(score)))
        with self._lock:
            self._links.setdefault(int(pmid), {})[linkname] = normalized

    def links(self, pmid: int, linkname: str | None = None) -> dict[str, list[Link]]:
        with self._lock:
            if pmid in self._withdrawn:
                return {}
            by_name = self._links.get(pmid, {})
            if linkname is not None:
                return {linkname: list(by_name[linkname])} if linkname in by_name else {}
            return {name: list(links) for name, links in by_name.items()}

    def withdraw(self, pmid: int) -> None:
        """Make ``pmid`` vanish as a withdrawn record does: efetch omits it, esummary reports an error."""
        with self._lock:
            self._withdrawn.add(int(pmid))

    def restore(self, pmid: int) -> None:
        with self._lock:
            self._withdrawn.discard(int(pmid))

    def article_xml(self, pmid: int) -> str | None:
        with self._lock:
            if pmid in self._withdrawn:
                return None
            return self._articles.get(pmid)

    def summary(self, pmid: int) -> ArticleSummary | None:
        with self._lock:
            article = self.article_xml(pmid)
            if article is None:
                return None
            if pmid not in self._summaries:
                self._summaries[pmid] = summarize(pmid, article)
            return self._summaries[pmid]

    def pmids(self) -> list[int]:
        """Available (not withdrawn) PMIDs, newest first like PubMed's default sort."""
        with self._lock:
            return sorted((p for p in self._articles if p not in self._withdrawn), reverse=True)

    def search(self, term: str) -> list[int]:
        """Answer the few esearch forms the fake knows: ``<doi>[doi]``, ``<pmid>[pmid]``/``[uid]``, words in titles.

        ``A OR B`` unions the parts.
        """
        found: list[int] = []
        for part in re.split(r"\s+OR\s+", term.strip()):
            for pmid in self._search_one(part.strip().strip("()").strip()):
                if pmid not in found:
                    found.append(pmid)
        return sorted(found, reverse=True)

    def _search_one(self, term: str) -> list[int]:
        match = re.fullmatch(r'"?(.+?)"?\s*\[(\w+)\]', term)
        if match:
            value, field_name = match.group(1).strip(), match.group(2).lower()
            if field_name in ("pmid", "uid"):
                return [int(value)] if value.isdigit() and self.article_xml(int(value)) else []
            if field_name in ("doi", "aid", "lid"):
                return [p for p in self.pmids() if self.summary(p).doi.lower() == value.lower()]
            if field_name in ("ti", "title"):
                term = value
            else:
                return []
        words = term.lower().split()
        if not words:
            return []
        return [p for p in self.pmids() if all(w in self.summary(p).title.lower() for w in words)]

    def __contains__(self, pmid: object) -> bool:
        return isinstance(pmid, int) and self.article_xml(pmid) is not None

    def __len__(self) -> int:
        return len(self.pmids())


def xml_text(value: object) -> str:
    return escape(str(value))
