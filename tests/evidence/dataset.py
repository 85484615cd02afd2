"""A small public record with known numbers, and annotations in every other state that must never show.

A synthetic review (PMID 99,000,001, beyond PubMed's range) with four annotated papers and five accepted mechanisms;
every record is labelled synthetic, carries no authors and links to no real PubMed record or DOI:

| paper | year | relation | mechanism | cargo type, cargo | donor | cancer | target | effect | direction |
|---|---|---|---|---|---|---|---|---|---|
| A1 | 2020 | reference #1 | M1 | miRNA, miR-522 | CAF | gastric | ALOX15 | ferroptosis res., chemoresistance | promotes |
| A2 | 2021 | reference #2 | M2 | miRNA, miR-21 | CAF | gastric | PTEN | proliferation | promotes |
| A2 | 2021 | reference #2 | M5 | miRNA, miR-21 | – | gastric | PTEN | EMT/invasion/migration | promotes |
| A3 | 2022 | cited by | M3 | miRNA, miR-21 | CAF | colorectal | PTEN | proliferation | suppresses |
| A4 | 2019 | reference #3 | M4 | lncRNA, lncRNA H19 | CAF | colorectal | – | stemness | promotes |

A5 (2022) cites the review without annotations; a similar paper (2018) is left out of the per-year chart. Papers
A1 and A2 disagree with A3 on miR-21 → PTEN → proliferation. A draft, a submission and a rejection carry cargo
terms of their own (HIDDEN_LABELS) that no public page or endpoint may show.
"""

from dataclasses import dataclass

from django.utils import timezone

from articles.models import Article, Citation, Review
from curation.models import Facet, MechanismAnnotation, ScreeningDecision
from tests.curation.factories import (
    ArticleFactory,
    CitationFactory,
    MechanismAnnotationFactory,
    ReviewFactory,
    ScreeningDecisionFactory,
    TermFactory,
    ensure_seed,
    term,
)

REVIEW_PMID = 99_000_001
SYNTHETIC = {"authors": [], "doi": "", "journal_title": "Journal of Synthetic Test Data", "journal_iso": "J Synth Test"}
HIDDEN_LABELS = ("miR-DRAFTONLY", "miR-SUBMITTEDONLY", "miR-REJECTEDONLY")
State = MechanismAnnotation.State


@dataclass
class Dataset:
    review: Review
    papers: dict[str, Article]
    citations: dict[str, Citation]
    mechanisms: dict[str, MechanismAnnotation]


def _terms(**facets: str | tuple[str, ...]) -> list:
    found = []
    for facet, labels in facets.items():
        for label in (labels,) if isinstance(labels, str) else labels:
            found.append(term(facet, label))
    return found


def accepted(citation: Citation, **facets) -> MechanismAnnotation:
    now = timezone.now()
    return MechanismAnnotationFactory(
        citation=citation,
        state=State.ACCEPTED,
        submitted_at=now,
        reviewed_at=now,
        quote="Exosomal cargo from CAFs changed the recipient cells.",
        figure="Fig. 2A",
        terms=_terms(**facets),
    )


def paper(year: int, title: str) -> Article:
    return ArticleFactory(pmid=None, pub_year=year, title=f"Synthetic paper: {title}", **SYNTHETIC)


def build() -> Dataset:
    ensure_seed()
    review = ReviewFactory(
        article__pmid=REVIEW_PMID,
        article__title="Synthetic review of CAF-derived exosomes (test data)",
        article__pub_year=2021,
        **{f"article__{field}": value for field, value in SYNTHETIC.items()},
    )
    papers = {
        "A1": paper(2020, "CAF secreted miR-522 suppresses ferroptosis in gastric cancer"),
        "A2": paper(2021, "Exosomal miR-21 from CAFs targets PTEN in gastric cancer"),
        "A3": paper(2022, "CAF exosomal miR-21 and PTEN in colorectal cancer"),
        "A4": paper(2019, "CAF exosomal lncRNA H19 promotes stemness in colorectal cancer"),
        "A5": paper(2022, "A later paper citing the review"),
        "S1": paper(2018, "A similar paper"),
    }
    reference, cited_by = Citation.Relation.REFERENCE, Citation.Relation.CITED_BY
    citations = {
        "A1": CitationFactory(review=review, article=papers["A1"], relation=reference, position=1),
        "A2": CitationFactory(review=review, article=papers["A2"], relation=reference, position=2),
        "A4": CitationFactory(review=review, article=papers["A4"], relation=reference, position=3),
        "A3": CitationFactory(review=review, article=papers["A3"], relation=cited_by),
        "A5": CitationFactory(review=review, article=papers["A5"], relation=cited_by),
        "S1": CitationFactory(review=review, article=papers["S1"], relation=Citation.Relation.SIMILAR, score=0.9),
    }
    for name in ("A1", "A2", "A4"):
        ScreeningDecisionFactory(citation=citations[name], decision=ScreeningDecision.Decision.IN_SCOPE)
    ScreeningDecisionFactory(
        citation=citations["S1"], decision=ScreeningDecision.Decision.OUT_OF_SCOPE, reason="not_caf"
    )
    mechanisms = {
        "M1": accepted(
            citations["A1"], cargo_type="miRNA", cargo="miR-522", donor="CAF (unspecified)",
            recipient_cell="cancer cell", cancer_type="gastric cancer", target="ALOX15",
            effect=("ferroptosis/apoptosis resistance", "chemoresistance"), direction="promotes",
            drug="cisplatin", evidence="in vitro",
        ),
        "M2": accepted(
            citations["A2"], cargo_type="miRNA", cargo="miR-21", donor="CAF (unspecified)",
            recipient_cell="cancer cell", cancer_type="gastric cancer", target="PTEN", effect="proliferation",
            direction="promotes", evidence="in vitro",
        ),
        "M3": accepted(
            citations["A3"], cargo_type="miRNA", cargo="miR-21", donor="CAF (unspecified)",
            recipient_cell="cancer cell", cancer_type="colorectal cancer", target="PTEN", effect="proliferation",
            direction="suppresses", evidence="in vivo (mouse)",
        ),
        "M4": accepted(
            citations["A4"], cargo_type="lncRNA", cargo="lncRNA H19", donor="CAF (unspecified)",
            recipient_cell="cancer stem cell", cancer_type="colorectal cancer", effect="stemness",
            direction="promotes", evidence="in vitro",
        ),
        "M5": accepted(
            citations["A2"], cargo_type="miRNA", cargo="miR-21", cancer_type="gastric cancer", target="PTEN",
            effect="EMT/invasion/migration", direction="promotes", evidence="in vitro",
        ),
    }  # fmt: skip
    now = timezone.now()
    draft, submitted, rejected = (TermFactory(facet=Facet.CARGO, label=label) for label in HIDDEN_LABELS)
    gastric = term("cancer_type", "gastric cancer")
    MechanismAnnotationFactory(citation=citations["A1"], state=State.DRAFT, terms=[draft, gastric])
    MechanismAnnotationFactory(
        citation=citations["A2"], state=State.SUBMITTED, submitted_at=now, terms=[submitted, gastric]
    )
    MechanismAnnotationFactory(
        citation=citations["A3"], state=State.REJECTED, submitted_at=now, reviewed_at=now,
        review_comment="Not shown by the paper.", terms=[rejected, gastric],
    )  # fmt: skip
    return Dataset(review=review, papers=papers, citations=citations, mechanisms=mechanisms)
