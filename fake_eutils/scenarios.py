"""Ready-made stores: the bundled review's network for the offline demo, and synthetic networks of any size."""

from __future__ import annotations

import json
from pathlib import Path

from fake_eutils.server import DATA_DIR
from fake_eutils.store import Store

DEMO_REVIEW_PMID = 34852849
DEMO_SEED = Path(__file__).resolve().parent.parent / "articles" / "data" / "demo_review.json"
CITED_BY = "pubmed_pubmed_citedin"
SIMILAR = "pubmed_pubmed"


# The review's authors as PubMed lists them (last name and initials; the bundle does not carry forenames).
DEMO_REVIEW_AUTHORS = ("Li, C", "Teixeira, A F", "Zhu, H J", "ten Dijke, P")


def demo_store() -> Store:
    """The bundled review as the fake serves it, saying nothing the bundle does not: its record with the printed
    reference list (the entries the seed shows, without PMIDs), and the five citing and five similar papers of the
    seed, linked. Their authors are not in the bundle, so their records have none rather than invented ones. The
    real recorded articles are served too (efetch by PMID), but are not linked to the review: they are not its
    references. Tests that need a large network use `network_store`, a review plainly named synthetic."""
    seed = json.loads(DEMO_SEED.read_text(encoding="utf-8"))
    store = Store.from_directory(DATA_DIR / "pubmed")
    review = seed["review"]
    store.add_synthetic(
        DEMO_REVIEW_PMID,
        title=review["title"],
        abstract=review["abstract"][0]["text"],
        year=review["pub_year"],
        month="Dec",
        journal="Molecular cancer",
        journal_abbreviation="Mol Cancer",
        volume="20",
        issue="1",
        pages="154",
        doi=review["doi"],
        pmc=review["pmcid"],
        authors=DEMO_REVIEW_AUTHORS,
        references=seed["references"],
        publication_types=("Journal Article", "Review"),
    )
    for relation, linkname in (("cited_by", CITED_BY), ("similar", SIMILAR)):
        entries = seed[relation]
        for entry in entries:
            store.add_synthetic(
                entry["pmid"],
                title=entry["title"],
                year=entry["pub_year"],
                journal_abbreviation=entry["journal_iso"],
                journal=entry["journal_iso"],
                volume=entry.get("volume", ""),
                issue=entry.get("issue", ""),
                pages=entry.get("pages", ""),
                doi=entry["doi"],
                authors=(),
                publication_types=("Journal Article", *entry["publication_types"]),
            )
        links = [(entry["pmid"], 100.0 - rank) for rank, entry in enumerate(entries)]
        store.set_links(DEMO_REVIEW_PMID, linkname, links if linkname == SIMILAR else [p for p, _ in links])
    return store


def network_store(
    review_pmid: int = 90_000_000,
    *,
    references: int = 10,
    unresolved: int = 2,
    cited_by: int = 5,
    similar: int = 5,
    store: Store | None = None,
) -> Store:
    """A synthetic review with `references` numbered references (the last `unresolved` of them without a PMID),
    `cited_by` citing papers and `similar` similar papers (scores descending), every linked article stored."""
    store = store if store is not None else Store()
    next_pmid = review_pmid + 1
    reference_list: list = []
    for number in range(1, references + 1):
        if number > references - unresolved:
            reference_list.append(f"Unindexed A. A reference PubMed does not know, number {number}. 1999;1:{number}.")
            continue
        store.add_synthetic(next_pmid, title=f"Referenced study {number}.", year=2000 + number % 20)
        reference_list.append((f"Author {number}. Referenced study {number}. J Synth Res. 2010;1:{number}.", next_pmid))
        next_pmid += 1
    citing = []
    for number in range(1, cited_by + 1):
        store.add_synthetic(next_pmid, title=f"Citing study {number}.", year=2022 + number % 3)
        citing.append(next_pmid)
        next_pmid += 1
    neighbours = []
    for number in range(1, similar + 1):
        store.add_synthetic(next_pmid, title=f"Similar study {number}.", year=2015 + number % 8)
        neighbours.append((next_pmid, float(1000 - number)))
        next_pmid += 1
    store.add_synthetic(
        review_pmid,
        title="A synthetic review of CAF-derived exosomes.",
        year=2021,
        references=reference_list,
        doi=f"10.5555/review.{review_pmid}",
        publication_types=("Journal Article", "Review"),
    )
    store.set_links(review_pmid, CITED_BY, citing)
    # PubMed lists the article itself first among its neighbours, with the top score.
    store.set_links(review_pmid, SIMILAR, [(review_pmid, 100000.0), *neighbours])
    return store
