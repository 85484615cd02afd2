"""Reads for blind double curation: a review's modes, each citation's two curators' work side by side, the
conflicts waiting for an editor, and the agreement statistics."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from articles.models import Citation, Review
from cafex_portal import roles

from ..agreement import Record, cohen_kappa, differing_facets, krippendorff_alpha, match_records
from ..models import (
    AnnotationTerm,
    ConflictResolution,
    CuratorScreening,
    Facet,
    MechanismAnnotation,
    ReviewCurationSettings,
    ScreeningDecision,
)

State = MechanismAnnotation.State
Kind = ConflictResolution.Kind


def review_settings(*, review: Review) -> ReviewCurationSettings:
    """The review's curation modes; an unsaved row with both switches off when none was ever set."""
    found = ReviewCurationSettings.objects.filter(review=review).first()
    return found or ReviewCurationSettings(review=review)


# --- blindness ----------------------------------------------------------------------------------------------------


def annotation_resolved(citation_ref: Any = None) -> Exists:
    """Whether the citation (an OuterRef to it, by default the outer row's `citation`) has had its double
    annotation resolved by an editor."""
    target = OuterRef("citation") if citation_ref is None else citation_ref
    return Exists(ConflictResolution.objects.filter(citation=target, kind=Kind.ANNOTATION))


def annotation_awaits_resolution(*, citation_id: int) -> bool:
    """Whether this citation's records are accepted or rejected only by resolving its double annotation: its review
    is under double annotation and no editor has resolved the citation yet."""
    double = Citation.objects.filter(pk=citation_id, review__curation_settings__double_annotation=True)
    return double.exclude(conflict_resolutions__kind=Kind.ANNOTATION).exists()


def annotation_complete_citations() -> QuerySet[Citation]:
    """Citations under double annotation where two curators are done — each has recorded at least one mechanism
    and holds no draft — or that an editor has resolved (a later draft must not hide what was accepted). Until
    then each curator's records are hidden from everyone else."""
    return (
        Citation.objects.filter(review__curation_settings__double_annotation=True)
        .annotate(
            authors=Count("annotations__author", distinct=True),
            drafting=Count("annotations__author", filter=Q(annotations__state=State.DRAFT), distinct=True),
        )
        .filter(Q(authors__gte=F("drafting") + 2) | annotation_resolved(OuterRef("pk")))
        .values("pk")
    )


def blind_citation_ids() -> frozenset[int]:
    """Citations whose others' records annotation_hidden hides: under double annotation, not both curators done."""
    blind = Citation.objects.filter(review__curation_settings__double_annotation=True).exclude(
        pk__in=annotation_complete_citations()
    )
    return frozenset(blind.values_list("pk", flat=True))


def annotation_hidden(*, user: Any) -> Q:
    """The annotations a user may not see yet, whatever their role: another person's records on a citation under
    double annotation that its two curators have not both finished. One SQL condition, no extra query."""
    hidden = Q(citation__review__curation_settings__double_annotation=True) & ~Q(
        citation__in=annotation_complete_citations()
    )
    if roles.is_authenticated(user):
        hidden &= ~Q(author_id=user.pk)
    return hidden


def screening_seen_by(*, citation: Citation, user: Any) -> ScreeningDecision | None:
    """The screening a person is shown for a citation: its result when there is one; under double screening,
    until then, their own decision (unsaved, as `screening_set` answers it) and never the other curator's."""
    result = ScreeningDecision.objects.select_related("decided_by").filter(citation=citation).first()
    if result is not None or not roles.is_authenticated(user):
        return result
    own = CuratorScreening.objects.filter(
        citation=citation, curator=user, citation__review__curation_settings__double_screening=True
    ).first()
    if own is None:
        return None
    return ScreeningDecision(
        citation=citation,
        decision=own.decision,
        reason=own.reason,
        note=own.note,
        decided_by=user,
        decided_at=own.decided_at,
    )


# --- screening pairs ------------------------------------------------------------------------------------------------


@dataclass
class ScreeningPair:
    """A citation both curators screened: the first two decisions, in the order they were made."""

    citation: Citation
    first: CuratorScreening
    second: CuratorScreening
    resolution: ConflictResolution | None = None

    @property
    def conflict(self) -> bool:
        return self.first.decision != self.second.decision

    @property
    def curators(self) -> tuple[int, int]:
        return tuple(sorted((self.first.curator_id, self.second.curator_id)))


def screening_status(*, citation: Citation) -> tuple[str, list[CuratorScreening]]:
    """Where a citation's double screening stands — "waiting" (fewer than two decisions), "agreed", "conflict" or
    "resolved" — with the first two decisions, in the order they were made."""
    rows = list(
        CuratorScreening.objects.filter(citation=citation).select_related("curator").order_by("decided_at", "pk")[:2]
    )
    if len(rows) < 2:
        return "waiting", rows
    if rows[0].decision == rows[1].decision:
        return "agreed", rows
    resolved = ConflictResolution.objects.filter(citation=citation, kind=Kind.SCREENING).exists()
    return ("resolved" if resolved else "conflict"), rows


def screening_pairs(*, review: Review, citation_id: int | None = None) -> list[ScreeningPair]:
    rows = CuratorScreening.objects.filter(citation__review=review).select_related(
        "curator", "citation__article", "citation__review__article"
    )
    if citation_id is not None:
        rows = rows.filter(citation_id=citation_id)
    by_citation: dict[int, list[CuratorScreening]] = defaultdict(list)
    for row in rows.order_by("citation_id", "decided_at", "pk"):
        by_citation[row.citation_id].append(row)
    resolutions = _resolutions(review=review, kind=Kind.SCREENING)
    return [
        ScreeningPair(rows[0].citation, rows[0], rows[1], resolutions.get(citation_pk))
        for citation_pk, rows in by_citation.items()
        if len(rows) >= 2
    ]


def _resolutions(*, review: Review, kind: str) -> dict[int, ConflictResolution]:
    found = ConflictResolution.objects.filter(citation__review=review, kind=kind).select_related("resolved_by")
    return {resolution.citation_id: resolution for resolution in found}


# --- annotation pairs -----------------------------------------------------------------------------------------------


def _record(annotation: MechanismAnnotation) -> Record:
    values: dict[str, set] = defaultdict(set)
    for link in annotation.annotation_terms.all():
        values[link.term.facet].add(link.term_id)
    return {facet: frozenset(values.get(facet, ())) for facet in Facet.values}


@dataclass
class MatchedRecords:
    first: MechanismAnnotation | None
    second: MechanismAnnotation | None
    differing: list[str]

    def facet_rows(self) -> list[tuple[str, list, list, bool]]:
        """(facet label, first's terms, second's terms, whether they differ) for each facet either one holds."""
        first = self.first.values_by_facet() if self.first else {}
        second = self.second.values_by_facet() if self.second else {}
        return [
            (label, first.get(facet, []), second.get(facet, []), facet in self.differing)
            for facet, label in Facet.choices
            if first.get(facet) or second.get(facet)
        ]


@dataclass
class AnnotationPair:
    """A citation two curators finished annotating: each one's records, matched mechanism by mechanism."""

    citation: Citation
    first_curator: Any
    second_curator: Any
    first: list[MechanismAnnotation]
    second: list[MechanismAnnotation]
    matches: list[MatchedRecords] = field(default_factory=list)
    resolution: ConflictResolution | None = None

    @property
    def conflict(self) -> bool:
        return any(match.differing for match in self.matches)

    @property
    def curators(self) -> tuple[int, int]:
        return tuple(sorted((self.first_curator.pk, self.second_curator.pk)))


def annotation_pairs(*, review: Review, citation_id: int | None = None) -> list[AnnotationPair]:
    """Citations under double annotation whose first two curators are both done, with their records matched.
    Four queries, whatever the number of citations."""
    annotations = MechanismAnnotation.objects.filter(citation__review=review).select_related(
        "author", "citation__article", "citation__review__article"
    )
    if citation_id is not None:
        annotations = annotations.filter(citation_id=citation_id)
    annotations = annotations.prefetch_related(
        Prefetch("annotation_terms", queryset=AnnotationTerm.objects.select_related("term").order_by("pk"))
    ).order_by("citation_id", "created_at", "pk")
    by_citation: dict[int, dict[int, list[MechanismAnnotation]]] = defaultdict(dict)
    for annotation in annotations:
        by_citation[annotation.citation_id].setdefault(annotation.author_id, []).append(annotation)
    resolutions = _resolutions(review=review, kind=Kind.ANNOTATION)
    pairs = []
    for citation_pk, by_author in by_citation.items():
        done = [records for records in by_author.values() if all(a.state != State.DRAFT for a in records)]
        if len(done) < 2:
            continue
        first, second = done[0], done[1]  # authors in the order they started
        pair = AnnotationPair(
            first[0].citation, first[0].author, second[0].author, first, second, resolution=resolutions.get(citation_pk)
        )
        first_records, second_records = [_record(a) for a in first], [_record(a) for a in second]
        for i, j in match_records(first_records, second_records):
            pair.matches.append(
                MatchedRecords(
                    first[i] if i is not None else None,
                    second[j] if j is not None else None,
                    differing_facets(
                        first_records[i] if i is not None else None,
                        second_records[j] if j is not None else None,
                        Facet.values,
                    ),
                )
            )
        pairs.append(pair)
    return pairs


# --- conflicts and agreement ----------------------------------------------------------------------------------------


def conflicts_open(*, review: Review) -> tuple[list[ScreeningPair], list[AnnotationPair]]:
    """What waits for an editor: screening disagreements, and finished double annotations (in conflict or
    agreeing) not yet accepted, oldest citation first."""
    screening = [pair for pair in screening_pairs(review=review) if pair.conflict and pair.resolution is None]
    annotation = [pair for pair in annotation_pairs(review=review) if pair.resolution is None]
    return screening, annotation


def curator_pairs(*, review: Review) -> list[tuple[Any, Any]]:
    """The pairs of curators who worked on the same citations of the review, by username."""
    people: dict[tuple[int, int], tuple[Any, Any]] = {}
    for pair in screening_pairs(review=review):
        first, second = sorted((pair.first.curator, pair.second.curator), key=lambda user: user.pk)
        people.setdefault((first.pk, second.pk), (first, second))
    for pair in annotation_pairs(review=review):
        first, second = sorted((pair.first_curator, pair.second_curator), key=lambda user: user.pk)
        people.setdefault((first.pk, second.pk), (first, second))
    return sorted(people.values(), key=lambda two: (two[0].get_username(), two[1].get_username()))


def agreement(*, review: Review, curators: tuple[int, int] | None = None) -> dict[str, Any]:
    """Agreement between the two curators of each citation, over the review or one pair of curators: Cohen's
    kappa on the screening decisions, Krippendorff's alpha per facet over matched mechanism records. Each
    side of a pair is the curator with the lower id, so a pair's figures do not depend on who was first."""
    wanted = tuple(sorted(curators)) if curators else None
    decisions = []
    for pair in screening_pairs(review=review):
        if wanted and pair.curators != wanted:
            continue
        ordered = sorted((pair.first, pair.second), key=lambda row: row.curator_id)
        decisions.append((ordered[0].decision, ordered[1].decision))
    units: dict[str, list[tuple]] = {facet: [] for facet in Facet.values}
    records = {"citations": 0, "matched": 0, "unmatched": 0}
    for pair in annotation_pairs(review=review):
        if wanted and pair.curators != wanted:
            continue
        records["citations"] += 1
        swap = pair.first_curator.pk > pair.second_curator.pk
        for match in pair.matches:
            if match.first is None or match.second is None:
                records["unmatched"] += 1
                continue
            records["matched"] += 1
            left, right = _record(match.first), _record(match.second)
            if swap:
                left, right = right, left
            for facet in Facet.values:
                units[facet].append((left[facet], right[facet]))
    facets = {}
    for facet, label in Facet.choices:
        result = krippendorff_alpha(units[facet]).as_dict()
        facets[facet] = {"label": label, "measure": "krippendorff_alpha_nominal", **result}
    return {
        "review": review.pmid,
        "curators": list(wanted) if wanted else None,
        "screening": {"measure": "cohen_kappa", **cohen_kappa(decisions).as_dict()},
        "records": records,
        "facets": facets,
    }
