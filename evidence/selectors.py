"""Reads of the public evidence: accepted mechanism annotations only, counted and paired in the database.

Every function starts from `accepted_annotations()`, so drafts, submissions and rejections never reach a public
page. A *paper* is the cited article; an annotation on a reference NCBI could not resolve counts its citation as
the paper. Counts are GROUP BY queries over the annotations' terms: a fixed number of queries whatever the size.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from articles.models import Article, Citation, Review
from curation.models import AnnotationTerm, Facet, MechanismAnnotation, ScreeningDecision, Term

ACCEPTED = MechanismAnnotation.State.ACCEPTED
# The direction terms whose meeting on one edge is a disagreement (the starting vocabulary's labels).
PROMOTES = "promotes"
SUPPRESSES = "suppresses"
# The bulk of an article row, never shown in evidence lists.
ARTICLE_HEAVY_FIELDS = ("abstract", "mesh_headings", "keywords", "authors")


def accepted_annotations() -> QuerySet[MechanismAnnotation]:
    """The public record: accepted annotations of the reviews that are not archived, and nothing else."""
    return MechanismAnnotation.objects.filter(state=ACCEPTED, citation__review__archived_at__isnull=True)


def public_review(*, pmid: int) -> Review | None:
    """The review with this PMID unless it is archived (archived reviews are not public)."""
    return Review.objects.select_related("article").filter(article__pmid=pmid, archived_at__isnull=True).first()


def _paper(prefix: str = "") -> Coalesce:
    """An annotation's paper as one number: its article's id, or minus its citation's id when unresolved."""
    return Coalesce(
        F(f"{prefix}citation__article_id"), Value(0) - F(f"{prefix}citation_id"), output_field=IntegerField()
    )


def terms_prefetch() -> Prefetch:
    """An annotation's terms in the order they were added, with only what pages and exports show of a term (the
    synonyms and search text are most of a term's row)."""
    links = AnnotationTerm.objects.select_related("term").only(
        "annotation_id", "term__facet", "term__label", "term__identifier"
    )
    return Prefetch("annotation_terms", queryset=links.order_by("pk"))


def evidence_rows(annotations: QuerySet[MechanismAnnotation]) -> QuerySet[MechanismAnnotation]:
    """The annotations ready to show as rows: paper, review and terms in order, in three queries a page."""
    heavy = [f"citation__article__{name}" for name in ARTICLE_HEAVY_FIELDS]
    heavy += [f"citation__review__article__{name}" for name in ARTICLE_HEAVY_FIELDS]
    return (
        annotations.select_related("citation__article", "citation__review__article")
        .defer(*heavy)
        .prefetch_related(terms_prefetch())
    )


@dataclass
class FacetValue:
    id: int
    label: str
    n: int
    href: str = ""  # set by the page: the link that adds (or, when `active`, removes) this value's filter
    active: bool = False


@dataclass
class FacetCounts:
    facet: str
    label: str
    values: list[FacetValue] = field(default_factory=list)


def evidence_facet_counts(
    annotations: QuerySet[MechanismAnnotation], *, facets: list[str] | None = None
) -> list[FacetCounts]:
    """For every facet (or only `facets`), its terms on these annotations with how many annotations hold each: one
    query."""
    links = AnnotationTerm.objects.filter(annotation__in=annotations.order_by().values("pk"))
    if facets is not None:
        links = links.filter(term__facet__in=facets)
    rows = (
        links.values("term_id", "term__facet", "term__label")
        .annotate(n=Count("annotation_id"))
        .order_by("-n", "term__label")
    )
    grouped = {facet: FacetCounts(facet, label) for facet, label in Facet.choices if facets is None or facet in facets}
    for row in rows:
        grouped[row["term__facet"]].values.append(FacetValue(row["term_id"], row["term__label"], row["n"]))
    return list(grouped.values())


def evidence_summary(annotations: QuerySet[MechanismAnnotation]) -> dict[str, int]:
    """How many mechanisms, papers and reviews these annotations make."""
    return annotations.order_by().aggregate(
        mechanisms=Count("pk"),
        papers=Count(_paper(), distinct=True),
        reviews=Count("citation__review", distinct=True),
    )


# --- pairs of facets: the matrices and the network -------------------------------------------------------------


def _direction_ids() -> dict[str, list[int]]:
    """The ids of the direction terms called `promotes` and `suppresses` (a merged duplicate's annotations were
    moved to the term it was merged into, so only the others are held)."""
    found: dict[str, list[int]] = {PROMOTES: [], SUPPRESSES: []}
    terms = Term.objects.filter(facet=Facet.DIRECTION).exclude(status=Term.Status.MERGED).values_list("label", "pk")
    for label, pk in terms:
        if label.casefold() in found:
            found[label.casefold()].append(pk)
    return found


def term_pair_counts(
    annotations: QuerySet[MechanismAnnotation], first: str, second: str, *, without: str | None = None
) -> list[dict]:
    """Every (term of `first`, term of `second`) held by one annotation, with the papers holding the pair, and of
    those, the papers saying `promotes` and `suppresses`. `without`: only annotations with no term of that facet.
    One query: the annotation's terms joined to themselves (and to its one direction), grouped by the pair."""
    links = AnnotationTerm.objects.filter(annotation__in=annotations.order_by().values("pk"))
    if without:
        links = links.exclude(
            Exists(AnnotationTerm.objects.filter(annotation=OuterRef("annotation_id"), term__facet=without))
        )
    paper = _paper("annotation__")
    saying = _direction_ids()
    rows = (
        links.filter(term__facet=first, annotation__annotation_terms__term__facet=second)
        # An annotation has one direction at most, so this join adds no rows; it is a LEFT JOIN, and a mechanism
        # without a direction still counts in `papers`.
        .annotate(
            direction=FilteredRelation(
                "annotation__annotation_terms",
                condition=Q(annotation__annotation_terms__term_id__in=saying[PROMOTES] + saying[SUPPRESSES]),
            )
        )
        .values(
            source=F("term_id"),
            source_label=F("term__label"),
            target=F("annotation__annotation_terms__term_id"),
            target_label=F("annotation__annotation_terms__term__label"),
        )
        .annotate(
            papers=Count(paper, distinct=True),
            promoting=Count(paper, distinct=True, filter=Q(direction__term_id__in=saying[PROMOTES])),
            suppressing=Count(paper, distinct=True, filter=Q(direction__term_id__in=saying[SUPPRESSES])),
        )
        .order_by("source_label", "target_label")
    )
    return list(rows)


@dataclass
class Matrix:
    rows_facet: str
    columns_facet: str
    rows: list[dict]  # {"id", "label"}
    columns: list[dict]
    cells: dict[tuple[int, int], int]  # (row term id, column term id) → papers
    most: int

    def table(self) -> list[tuple[dict, list[tuple[dict, int, int]]]]:
        """Row by row, each column's papers (0 where none holds the pair) and its shade from 0 to 5."""
        return [
            (row, [(column, n, -(-5 * n // self.most) if n else 0) for column, n in self._cells_of(row)])
            for row in self.rows
        ]

    def _cells_of(self, row: dict) -> list[tuple[dict, int]]:
        return [(column, self.cells.get((row["id"], column["id"]), 0)) for column in self.columns]


def evidence_matrix(annotations: QuerySet[MechanismAnnotation], rows_facet: str, columns_facet: str) -> Matrix:
    """Papers per pair of terms of two facets (cargo type × effect, cancer type × effect)."""
    pairs = term_pair_counts(annotations, rows_facet, columns_facet)
    rows = {pair["source"]: pair["source_label"] for pair in pairs}
    columns = {pair["target"]: pair["target_label"] for pair in pairs}
    cells = {(pair["source"], pair["target"]): pair["papers"] for pair in pairs}
    return Matrix(
        rows_facet=rows_facet,
        columns_facet=columns_facet,
        rows=[{"id": pk, "label": label} for pk, label in sorted(rows.items(), key=lambda item: item[1].casefold())],
        columns=[
            {"id": pk, "label": label} for pk, label in sorted(columns.items(), key=lambda item: item[1].casefold())
        ],
        cells=cells,
        most=max(cells.values(), default=0),
    )


# The network's steps, left to right; a mechanism without a target goes from its cargo straight to its effect.
NETWORK_STEPS = [
    (Facet.DONOR, Facet.CARGO, None),
    (Facet.CARGO, Facet.TARGET, None),
    (Facet.TARGET, Facet.EFFECT, None),
    (Facet.CARGO, Facet.EFFECT, Facet.TARGET),
]


def evidence_network(annotations: QuerySet[MechanismAnnotation]) -> dict:
    """CAF → cargo → target/pathway → effect as nodes and edges (Cytoscape.js elements): an edge's weight is its
    papers, and it is a disagreement when some of them say `promotes` and others `suppresses`. Four queries."""
    nodes: dict[int, dict] = {}
    edges = []
    for first, second, without in NETWORK_STEPS:
        for pair in term_pair_counts(annotations, first, second, without=without):
            nodes[pair["source"]] = {"id": f"t{pair['source']}", "term": pair["source"], "label": pair["source_label"],
                                     "facet": first}  # fmt: skip
            nodes[pair["target"]] = {"id": f"t{pair['target']}", "term": pair["target"], "label": pair["target_label"],
                                     "facet": second}  # fmt: skip
            edges.append(
                {
                    "id": f"e{pair['source']}-{pair['target']}",
                    "source": f"t{pair['source']}",
                    "target": f"t{pair['target']}",
                    "source_facet": first,
                    "target_facet": second,
                    "source_term": pair["source"],
                    "target_term": pair["target"],
                    "papers": pair["papers"],
                    "promotes": pair["promoting"],
                    "suppresses": pair["suppressing"],
                    "disagree": bool(pair["promoting"] and pair["suppressing"]),
                }
            )
    return {
        "nodes": [{"data": node} for node in nodes.values()],
        "edges": [{"data": edge} for edge in edges],
    }


# --- a review: citations per year, chips on its citation list --------------------------------------------------


def citations_per_year(*, review: Review) -> list[dict]:
    """The review's references and the papers citing it, per publication year: [{"year", "reference",
    "cited_by"}], oldest first; each counts distinct papers."""
    rows = (
        Citation.objects.filter(
            review=review,
            relation__in=[Citation.Relation.REFERENCE, Citation.Relation.CITED_BY],
            article__pub_year__isnull=False,
        )
        .values("article__pub_year", "relation")
        .annotate(n=Count("article", distinct=True))
        .order_by("article__pub_year")
    )
    years: dict[int, dict] = {}
    for row in rows:
        year = years.setdefault(row["article__pub_year"], {"year": row["article__pub_year"], "reference": 0,
                                                           "cited_by": 0})  # fmt: skip
        year[row["relation"]] = row["n"]
    return list(years.values())


@dataclass
class CitationEvidence:
    """What the review page shows under one citation: its screening decision and its accepted mechanisms."""

    citation_id: int
    article_id: int | None
    decision: str = ScreeningDecision.Decision.UNDECIDED
    decision_label: str = ScreeningDecision.Decision.UNDECIDED.label
    mechanisms: list[MechanismAnnotation] = field(default_factory=list)


def citation_evidence(*, review: Review, citation_ids: list[int]) -> list[CitationEvidence]:
    """Screening decision and accepted mechanisms of these citations of the review (ids of another review are
    left out): two queries for the annotations and their terms, one for the decisions."""
    citations = list(
        Citation.objects.filter(review=review, pk__in=citation_ids)
        .annotate(decision=Coalesce(F("screening__decision"), Value(ScreeningDecision.Decision.UNDECIDED)))
        .values_list("pk", "article_id", "decision")
    )
    labels = dict(ScreeningDecision.Decision.choices)
    found = {pk: CitationEvidence(pk, article, decision, labels[decision]) for pk, article, decision in citations}
    annotations = accepted_annotations().filter(citation_id__in=found).order_by("created_at", "pk")
    for annotation in annotations.prefetch_related(terms_prefetch()):
        found[annotation.citation_id].mechanisms.append(annotation)
    return list(found.values())


def article_mechanisms(*, article: Article) -> QuerySet[MechanismAnnotation]:
    """The paper's accepted mechanisms, in every review that cites it, review by review."""
    return evidence_rows(accepted_annotations().filter(citation__article=article)).order_by(
        "citation__review_id", "created_at", "pk"
    )


def review_evidence(*, review: Review) -> QuerySet[MechanismAnnotation]:
    return accepted_annotations().filter(citation__review=review)


# --- terms ---------------------------------------------------------------------------------------------------


def term_by_label(*, facet: str, label: str) -> Term | None:
    """The facet's term called `label` (ignoring case); a merged term's label gives the term it became. Proposed
    and refused terms are not the vocabulary (yet): they have no public page."""
    term = Term.objects.select_related("merged_into").filter(facet=facet, label__iexact=label)
    term = term.exclude(status__in=[Term.Status.PROPOSED, Term.Status.REFUSED])
    found = term.exclude(status=Term.Status.MERGED).first() or term.first()
    return found.merged_into if found and found.merged_into_id else found


def term_annotations(*, term: Term) -> QuerySet[MechanismAnnotation]:
    return accepted_annotations().filter(Exists(AnnotationTerm.objects.filter(annotation=OuterRef("pk"), term=term)))


def term_co_occurring(*, term: Term, limit: int = 12) -> list[FacetCounts]:
    """The other terms held by the accepted annotations that hold `term`, per facet, with the papers holding both."""
    paper = _paper("annotation__")
    rows = (
        AnnotationTerm.objects.filter(annotation__in=term_annotations(term=term).values("pk"))
        .exclude(term=term)
        .values("term_id", "term__facet", "term__label")
        .annotate(n=Count(paper, distinct=True))
        .order_by("-n", "term__label")
    )
    grouped: dict[str, FacetCounts] = {facet: FacetCounts(facet, label) for facet, label in Facet.choices}
    for row in rows:
        values = grouped[row["term__facet"]].values
        if len(values) < limit:
            values.append(FacetValue(row["term_id"], row["term__label"], row["n"]))
    return [counts for counts in grouped.values() if counts.values]


def citation_statuses() -> list[tuple[str, str, Callable[[QuerySet[Citation]], QuerySet[Citation]]]]:
    """The review page's status filters: the screening decision, and whether accepted mechanisms were recorded."""
    Decision = ScreeningDecision.Decision
    accepted = Exists(accepted_annotations().filter(citation=OuterRef("pk")))
    return [
        (Decision.UNDECIDED, "Not screened yet",
         lambda qs: qs.filter(Q(screening__isnull=True) | Q(screening__decision=Decision.UNDECIDED))),
        (Decision.IN_SCOPE, "In scope", lambda qs: qs.filter(screening__decision=Decision.IN_SCOPE)),
        (Decision.OUT_OF_SCOPE, "Out of scope", lambda qs: qs.filter(screening__decision=Decision.OUT_OF_SCOPE)),
        ("mechanisms", "With accepted mechanisms", lambda qs: qs.filter(accepted)),
    ]  # fmt: skip
