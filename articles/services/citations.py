"""A review's citation network: its numbered reference list, and links to citing and similar papers."""

from collections import defaultdict
from difflib import SequenceMatcher

from django.db import transaction

from cafex_portal.built_json import change_log_fold

from ..models import Article, Citation, CitationListChange, Review
from ..ncbi.records import Reference
from ..selectors import articles_by_doi


@transaction.atomic
def references_store(*, review: Review, references: list[Reference]) -> None:
    """Record the review's numbered reference list as NCBI gives it.

    A stored reference is recognised by what identifies it (PMID, DOI, its text), not by its number, so curators'
    work stays with the paper it is about when the list is renumbered. References NCBI no longer lists are kept,
    after the list: curated data hangs on them. A value NCBI leaves out never blanks a stored one.
    """
    own_pmid = review.article.pmid
    stored = list(review.citations.filter(relation=Citation.Relation.REFERENCE).select_related("article"))
    # A review may list its own data set under its own PMID; that is not a cited paper.
    incoming = [(reference, reference.pmid if reference.pmid != own_pmid else None) for reference in references]
    matched = _ReferenceMatcher(stored).match(incoming)
    placed: list[tuple[Citation, int]] = []
    new = []
    for (reference, pmid), citation in zip(incoming, matched, strict=True):
        if citation is None:
            new.append(Citation(
                review=review, relation=Citation.Relation.REFERENCE, position=reference.position,
                citation_text=reference.citation, cited_pmid=pmid, cited_doi=reference.doi,
                cited_pmcid=reference.pmcid,
            ))  # fmt: skip
            continue
        if pmid and citation.article is not None and citation.article.pmid != pmid:
            citation.article = None  # NCBI now names another paper here: resolve it again
        citation.citation_text = reference.citation or citation.citation_text
        citation.cited_pmid = pmid or citation.cited_pmid
        citation.cited_doi = reference.doi or citation.cited_doi
        citation.cited_pmcid = reference.pmcid or citation.cited_pmcid
        placed.append((citation, reference.position))
    claimed = {citation.pk for citation in matched if citation is not None}
    dropped = sorted((c for c in stored if c.pk not in claimed), key=lambda c: c.position)
    last = max([r.position for r in references], default=0)
    placed += [(citation, last + offset) for offset, citation in enumerate(dropped, start=1)]
    _positions_set(placed)
    Citation.objects.bulk_update(
        [citation for citation, _ in placed], ["citation_text", "cited_pmid", "cited_doi", "cited_pmcid", "article"]
    )
    Citation.objects.bulk_create(new)


def _positions_set(placed: list[tuple[Citation, int]]) -> None:
    """Renumber in two steps, through numbers no reference uses, so the unique (review, position) never clashes."""
    moving = [(citation, position) for citation, position in placed if citation.position != position]
    for step in (1_000_000, 0):
        for citation, position in moving:
            citation.position = position + step
        Citation.objects.bulk_update([citation for citation, _ in moving], ["position"])


class _ReferenceMatcher:
    """Pairs incoming references with stored ones. First by what identifies a paper (PMID, else DOI, else the exact
    text), for the whole list, so no reference takes the row of another that names it exactly; then, for those
    left, the row at the same number if nothing contradicts it (a reference first stored from its text alone).
    A paper listed twice pairs with its stored rows in order."""

    def __init__(self, stored: list[Citation]) -> None:
        self.by_position = {c.position: c for c in stored}
        self.by_key: dict[tuple, list[Citation]] = defaultdict(list)
        for citation in sorted(stored, key=lambda c: c.position):
            pmid = citation.cited_pmid or (citation.article.pmid if citation.article else None)
            doi = citation.cited_doi or (citation.article.doi if citation.article else "")
            if pmid:
                self.by_key[("pmid", pmid)].append(citation)
            if doi:
                self.by_key[("doi", doi.lower())].append(citation)
            self.by_key[("text", _text_key(citation.citation_text))].append(citation)
        self.claimed: set[int] = set()

    def match(self, incoming: list[tuple[Reference, int | None]]) -> list[Citation | None]:
        matched: list[Citation | None] = [None] * len(incoming)
        for kind in ("pmid", "doi", "text"):  # the strongest evidence first, over the whole list
            for index, (reference, pmid) in enumerate(incoming):
                if matched[index] is None:
                    matched[index] = self._take(self._key(kind, reference, pmid))
        for index, (reference, pmid) in enumerate(incoming):
            at_number = self.by_position.get(reference.position)
            if matched[index] is None and at_number is not None and at_number.pk not in self.claimed:
                if self._fits(at_number, reference, pmid):
                    self.claimed.add(at_number.pk)
                    matched[index] = at_number
        return matched

    @staticmethod
    def _key(kind: str, reference: Reference, pmid: int | None) -> tuple | None:
        if kind == "pmid":
            return ("pmid", pmid) if pmid else None
        if kind == "doi":
            return ("doi", reference.doi.lower()) if reference.doi else None
        return ("text", _text_key(reference.citation))

    def _take(self, key: tuple | None) -> Citation | None:
        for citation in self.by_key.get(key, []) if key else []:
            if citation.pk not in self.claimed:
                self.claimed.add(citation.pk)
                return citation
        return None

    @staticmethod
    def _fits(citation: Citation, reference: Reference, pmid: int | None) -> bool:
        known_pmid = citation.cited_pmid or (citation.article.pmid if citation.article else None)
        if known_pmid and known_pmid != pmid:
            return False
        if citation.cited_doi and citation.cited_doi.lower() != reference.doi.lower():
            return False
        similarity = SequenceMatcher(None, _text_key(citation.citation_text), _text_key(reference.citation))
        return similarity.ratio() >= 0.6


def _text_key(text: str) -> str:
    return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).split())


@transaction.atomic
def citations_link(
    *,
    review: Review,
    articles: dict[int, Article],
    cited_by: list[int],
    similar: list[tuple[int, float | None]],
    by_doi: bool = True,
) -> int:
    """Point references at the stored `articles` they cite and add those among the citing and similar papers;
    with `by_doi`, references without a usable PMID are matched on DOI too. Returns the references left unresolved.

    Only the given articles are looked at, so a sync can link each batch as it arrives. Citations are never
    removed: curators' work hangs on them.
    """
    references = review.citations.filter(relation=Citation.Relation.REFERENCE, article__isnull=True)
    if not by_doi:
        references = references.filter(cited_pmid__in=list(articles))
    unresolved = list(references)
    # the DOI stands in only where the reference names no PMID: a PMID that failed to fetch is not another paper
    doi_holders = articles_by_doi([c.cited_doi for c in unresolved if not c.cited_pmid]) if by_doi else {}
    resolved = []
    for reference in unresolved:
        by_doi_match = doi_holders.get(reference.cited_doi.lower()) if not reference.cited_pmid else None
        reference.article = articles.get(reference.cited_pmid) or by_doi_match
        if reference.article is not None:
            resolved.append(reference)
    Citation.objects.bulk_update(resolved, ["article"])

    pks = {article.pk for article in articles.values()}
    linked = {
        (c.relation, c.article_id): c
        for c in review.citations.filter(
            relation__in=[Citation.Relation.CITED_BY, Citation.Relation.SIMILAR], article__in=pks
        )
    }
    new, rescored = [], []
    wanted = [(Citation.Relation.CITED_BY, pmid, None) for pmid in cited_by]
    wanted += [(Citation.Relation.SIMILAR, pmid, score) for pmid, score in similar]
    for relation, pmid, score in wanted:
        article = articles.get(pmid)
        if article is None:
            continue
        citation = linked.get((relation, article.pk))
        if citation is None:
            linked[(relation, article.pk)] = citation = Citation(
                review=review, relation=relation, article=article, score=score
            )
            new.append(citation)
        elif citation.score != score:
            citation.score = score
            rescored.append(citation)
    Citation.objects.bulk_create(new)
    Citation.objects.bulk_update(rescored, ["score"])
    return review.citations.filter(relation=Citation.Relation.REFERENCE, article__isnull=True).count()


def citation_list_changes_fold() -> None:
    """Fold the change log of articles, citations and reviews (CitationListChange; cafex_portal.built_json)."""
    change_log_fold(CitationListChange._meta.db_table)
