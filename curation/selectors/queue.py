"""The curation queue: a review's citations with screening, assignments and annotation counts."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from articles.models import Citation, Review
from cafex_portal import roles
from cafex_portal.forms import parse_id

from ..models import Assignment, CuratorScreening, MechanismAnnotation, ScreeningDecision
from .double import annotation_hidden

State = MechanismAnnotation.State
Decision = ScreeningDecision.Decision
NOT_ANNOTATED = "none"  # the `state` of citations without any annotation


def _visible_annotations(user: Any) -> QuerySet[MechanismAnnotation]:
    """The annotations whose existence the user may know of: under double annotation, another person's records on
    a citation its two curators have not both finished are not counted either (no user: hidden from all)."""
    return MechanismAnnotation.objects.exclude(annotation_hidden(user=user))


def _annotation_count(state: str | None = None, author: Any = None, *, user: Any = None) -> Coalesce:
    annotations = _visible_annotations(user).filter(citation=OuterRef("pk"))
    if state:
        annotations = annotations.filter(state=state)
    if author is not None:
        annotations = annotations.filter(author=author)
    counted = annotations.order_by().values("citation").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


RELATION_RANK = Case(
    When(relation=Citation.Relation.REFERENCE, then=0),
    When(relation=Citation.Relation.CITED_BY, then=1),
    default=2,
    output_field=IntegerField(),
)


def _decision_shown(user: Any) -> Case:
    """The decision a person's queue shows: the citation's result once there is one; under double screening, until
    then, the person's own decision (never the other curator's); else undecided."""
    decided = [Decision.IN_SCOPE, Decision.OUT_OF_SCOPE]
    result = When(screening__decision__in=decided, then=F("screening__decision"))
    if not roles.is_authenticated(user):
        return Case(result, default=Value(Decision.UNDECIDED))
    own = CuratorScreening.objects.filter(citation=OuterRef("pk"), curator=user).values("decision")[:1]
    return Case(result, default=Coalesce(Subquery(own), Value(Decision.UNDECIDED)))


def _queue_queryset(citations: QuerySet[Citation], user: Any = None) -> QuerySet[Citation]:
    return (
        citations.select_related("article", "review__article", "screening", "screening__decided_by")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("curator").order_by("assigned_at"))
        )
        .annotate(
            annotation_count=_annotation_count(user=user),
            accepted_count=_annotation_count(State.ACCEPTED, user=user),
            submitted_count=_annotation_count(State.SUBMITTED, user=user),
            draft_count=_annotation_count(State.DRAFT, user=user),
            rejected_count=_annotation_count(State.REJECTED, user=user),
            decision_value=_decision_shown(user),
            relation_rank=RELATION_RANK,
        )
    )


def _queue_order(citations: QuerySet[Citation]) -> QuerySet[Citation]:
    """References in the review's order, then citing papers newest first, then similar ones by score."""
    return citations.order_by(
        "relation_rank",
        "position",
        F("score").desc(nulls_last=True),
        F("article__pub_year").desc(nulls_last=True),
        "pk",
    )


def _user_id(user: Any) -> int | None:
    if user is None or isinstance(user, int):
        return user
    return user.pk


def curation_queue(
    *,
    review: Review,
    relation: str | None = None,
    decision: str | None = None,
    state: str | None = None,
    assignee: Any = None,
    text: str | None = None,
    user: Any = None,
) -> QuerySet[Citation]:
    """A review's citations to screen and annotate, each with its article, screening decision and annotation
    counts (`annotation_count`, `accepted_count`, `submitted_count`, `draft_count`, `rejected_count`,
    `decision_value`) and its assignments.

    `decision` "undecided" includes citations never screened; `state` keeps citations with an annotation in that
    state, or without any annotation for "none" (NOT_ANNOTATED); `assignee` is a user or user id, or "none" for
    unassigned citations; `text` searches title, printed reference and journal, or PMID / position when it is a
    number.
    """
    citations = Citation.objects.filter(review=review)
    if relation:
        citations = citations.filter(relation=relation)
    if state == NOT_ANNOTATED:
        citations = citations.exclude(Exists(_visible_annotations(user).filter(citation=OuterRef("pk"))))
    elif state:
        citations = citations.filter(Exists(_visible_annotations(user).filter(citation=OuterRef("pk"), state=state)))
    if assignee == "none":
        citations = citations.exclude(Exists(Assignment.objects.filter(citation=OuterRef("pk"))))
    elif assignee not in (None, ""):
        citations = citations.filter(
            Exists(Assignment.objects.filter(citation=OuterRef("pk"), curator_id=_user_id(assignee)))
        )
    text = (text or "").strip()
    if text:
        match = (
            Q(article__title__icontains=text)
            | Q(citation_text__icontains=text)
            | Q(article__journal_title__icontains=text)
        )
        number = parse_id(text)
        if number is not None:
            match |= Q(article__pmid=number) | Q(cited_pmid=number) | Q(position=number)
        citations = citations.filter(match)
    citations = _queue_queryset(citations, user)
    if decision:  # as the person's queue shows it (their own decision, under double screening)
        citations = citations.filter(decision_value=decision)
    return _queue_order(citations)


def queue_counts(*, review: Review, user: Any = None) -> dict[str, Any]:
    """How far the review's curation has come: screening totals, citations with annotations, annotations by
    state, of the annotations the user may know of. Two queries."""
    visible = _visible_annotations(user)
    has_annotation = Exists(visible.filter(citation=OuterRef("pk")))
    has_accepted = Exists(visible.filter(citation=OuterRef("pk"), state=State.ACCEPTED))
    has_assignment = Exists(Assignment.objects.filter(citation=OuterRef("pk")))
    counts = Citation.objects.filter(review=review).aggregate(
        total=Count("pk"),
        in_scope=Count("pk", filter=Q(screening__decision=Decision.IN_SCOPE)),
        out_of_scope=Count("pk", filter=Q(screening__decision=Decision.OUT_OF_SCOPE)),
        with_annotations=Count("pk", filter=has_annotation),
        accepted=Count("pk", filter=has_accepted),
        assigned=Count("pk", filter=has_assignment),
    )
    counts["screened"] = counts["in_scope"] + counts["out_of_scope"]
    counts["undecided"] = counts["total"] - counts["screened"]
    by_state = dict(
        visible.filter(citation__review=review)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    counts["annotations"] = {state: by_state.get(state, 0) for state in State.values}
    return counts


def citation_list_assigned(*, user: Any) -> QuerySet[Citation]:
    """The citations assigned to the user across reviews, oldest assignment first, with the same counts as the
    queue plus `my_annotation_count` and `assigned_at`."""
    if not roles.is_authenticated(user):
        return Citation.objects.none()
    assigned_at = Assignment.objects.filter(citation=OuterRef("pk"), curator=user).values("assigned_at")[:1]
    citations = Citation.objects.filter(Exists(Assignment.objects.filter(citation=OuterRef("pk"), curator=user)))
    return (
        _queue_queryset(citations, user)
        .annotate(my_annotation_count=_annotation_count(author=user, user=user), assigned_at=Subquery(assigned_at))
        .order_by("assigned_at", "review", "relation_rank", "position", "pk")
    )


def assignment_list(*, user: Any) -> QuerySet[Assignment]:
    """Editors see every assignment, curators their own, anyone else none."""
    assignments = Assignment.objects.select_related(
        "citation__article", "citation__review__article", "curator", "assigned_by"
    ).order_by("assigned_at", "pk")
    if roles.is_editor(user):
        return assignments
    if roles.is_curator(user):
        return assignments.filter(curator=user)
    return assignments.none()


def citation_in_review(*, review: Review, pk: int) -> Citation | None:
    """One citation of the review with what its workspace shows (article, screening and who decided)."""
    citation = (
        Citation.objects.select_related("article", "screening", "screening__decided_by")
        .filter(review=review, pk=pk)
        .first()
    )
    if citation is not None:
        citation.review = review
    return citation


def screening_get(*, citation: Citation) -> ScreeningDecision | None:
    return ScreeningDecision.objects.select_related("decided_by").filter(citation=citation).first()


def curator_list() -> QuerySet:
    """People an editor can assign citations to: active curators, editors and superusers."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name__in=[roles.CURATOR_GROUP, roles.EDITOR_GROUP]) | Q(is_superuser=True))
        .filter(is_active=True)
        .distinct()
        .order_by("username")
    )


@dataclass(frozen=True)
class QueuePlace:
    """Where a citation stands in a filtered queue: its neighbours, and its position when it is in the list."""

    previous_id: int | None
    next_id: int | None
    position: int | None
    total: int


def queue_place(*, review: Review, citation: Citation, filters: dict[str, Any], user: Any = None) -> QueuePlace:
    """Previous and next citation in the queue as filtered, so j/k walk the list the curator came from.

    A citation that left the filtered list (marked in scope while working through "undecided") keeps its place:
    its neighbours are the nearest filtered citations around it in the unfiltered order.
    """
    ids = list(curation_queue(review=review, user=user, **filters).values_list("pk", flat=True))
    if citation.pk in ids:
        index = ids.index(citation.pk)
        previous_id = ids[index - 1] if index > 0 else None
        next_id = ids[index + 1] if index + 1 < len(ids) else None
        return QueuePlace(previous_id, next_id, index + 1, len(ids))
    everything = list(curation_queue(review=review).values_list("pk", flat=True))
    index = everything.index(citation.pk) if citation.pk in everything else 0
    wanted = set(ids)
    previous_id = next((pk for pk in reversed(everything[:index]) if pk in wanted), None)
    next_id = next((pk for pk in everything[index + 1 :] if pk in wanted), None)
    return QueuePlace(previous_id, next_id, None, len(ids))


def queue_next_undecided(
    *, review: Review, filters: dict[str, Any], after: int | None = None, user: Any = None
) -> tuple[int, int] | None:
    """The first undecided citation of the filtered queue after citation `after` (wrapping round to the start), as
    (citation id, its 1-based position in the filtered queue); None when every one is decided."""
    ids = list(curation_queue(review=review, user=user, **filters).values_list("pk", flat=True))
    wanted = {k: v for k, v in filters.items() if k != "decision"}
    undecided = curation_queue(review=review, decision=Decision.UNDECIDED, user=user, **wanted)
    undecided = set(undecided.values_list("pk", flat=True))
    start = ids.index(after) + 1 if after in ids else 0
    for index in [*range(start, len(ids)), *range(0, start)]:
        if ids[index] in undecided:
            return ids[index], index + 1
    return None
