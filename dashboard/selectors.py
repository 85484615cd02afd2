"""Reads for the editors' dashboard.

Every number is an aggregate the database computes (COUNT … FILTER, GROUP BY review, person or week); Python only
adds up the few grouped rows (one per review, or per person and week). Lists (alerts, activity) are cut to a few
dozen rows in the query. Each function checks the editor role first: the dashboard is the editors' alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.urls import reverse
from django.utils import timezone

from articles.models import Citation, EditorAlert, Review, SyncRun
from cafex_portal.roles import require_editor
from curation.models import (
    AnnotationComment,
    AnnotationRevision,
    Assignment,
    ConflictResolution,
    CuratorScreening,
    MechanismAnnotation,
    ScreeningDecision,
    Term,
)
from curation.selectors import curator_list
from curation.selectors.double import annotation_complete_citations, annotation_hidden, annotation_resolved

from .models import CitingPapersSeen

State = MechanismAnnotation.State
Decision = ScreeningDecision.Decision
Relation = Citation.Relation
Action = AnnotationRevision.Action

WEEKS = 8  # the throughput chart's span, this week included
ALERTS_SHOWN = 25
DISMISSED_SHOWN = 10
ACTIVITY_SHOWN = 40

PROGRESS_FIELDS = (
    "total", "reference", "cited_by", "similar", "screened", "in_scope", "out_of_scope", "annotated",
    "unassigned_in_scope", "conflicts", "new_citing", "inbox",
)  # fmt: skip


def _require(user: Any) -> None:
    require_editor(user, "see the dashboard")


# --- progress, per review and across reviews ----------------------------------------------------------------------


@dataclass
class ReviewProgress:
    """Where one review's curation stands (or all reviews', for the totals row)."""

    review: Review | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROGRESS_FIELDS, 0))
    annotations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(State.values, 0))
    inbox_oldest_at: datetime | None = None
    inbox_oldest_id: int | None = None
    latest_run: SyncRun | None = None
    next_refresh: datetime | None = None

    @property
    def records(self) -> int:
        return sum(self.annotations.values())


# A submitted record under double annotation is decided on the conflict page, not in the inbox, until resolved.
_AWAITING_RESOLUTION = Q(citation__review__curation_settings__double_annotation=True) & ~annotation_resolved()


def _reviews(review: Review | None) -> QuerySet[Review]:
    """The public reviews (or the one asked for) with their latest run, their latest scheduled run's start and their
    oldest waiting record, each a subquery of the one query."""
    runs = SyncRun.objects.filter(review=OuterRef("pk")).order_by("-created_at", "-pk")
    scheduled = runs.filter(trigger=SyncRun.Trigger.SCHEDULE)
    waiting = (
        MechanismAnnotation.objects.filter(citation__review=OuterRef("pk"), state=State.SUBMITTED)
        .exclude(_AWAITING_RESOLUTION)
        .order_by("submitted_at", "pk")
    )
    reviews = Review.objects.filter(archived_at__isnull=True) if review is None else Review.objects.filter(pk=review.pk)
    return (
        reviews.select_related("article")
        .annotate(
            latest_run_id=Subquery(runs.values("pk")[:1]),
            last_scheduled_at=Subquery(scheduled.values("created_at")[:1]),
            inbox_oldest_id=Subquery(waiting.values("pk")[:1]),
        )
        .order_by("created_at", "pk")
    )


def _citation_counts(*, user: Any, review_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per review: citations per relation, screening, annotated, in scope but unassigned, what waits on the conflict
    page (screening conflicts, double-annotated citations both curators finished), and
    citing papers linked since the user last dismissed them (or since they joined). One GROUP BY query."""
    seen_at = CitingPapersSeen.objects.filter(user=user, review=OuterRef("review")).values("seen_at")[:1]
    since = Coalesce(Subquery(seen_at), Value(user.date_joined))
    in_scope = Q(screening__decision=Decision.IN_SCOPE)
    resolved = ConflictResolution.objects.filter(kind=ConflictResolution.Kind.SCREENING).values("citation")
    # Double screening: two curators' own decisions that differ, not yet resolved by an editor.
    disputed = (
        CuratorScreening.objects.exclude(citation__in=resolved)
        .order_by()
        .values("citation")
        .annotate(kinds=Count("decision", distinct=True))
        .filter(kinds__gte=2)
        .values("citation")
    )
    # Double annotation: both curators done and no editor has resolved it yet (agreeing or not, an editor decides).
    annotations_to_resolve = annotation_complete_citations().exclude(
        conflict_resolutions__kind=ConflictResolution.Kind.ANNOTATION
    )
    rows = (
        Citation.objects.filter(review__in=review_ids)
        .order_by()
        .values("review_id")
        .annotate(
            total=Count("pk"),
            reference=Count("pk", filter=Q(relation=Relation.REFERENCE)),
            cited_by=Count("pk", filter=Q(relation=Relation.CITED_BY)),
            similar=Count("pk", filter=Q(relation=Relation.SIMILAR)),
            in_scope=Count("pk", filter=in_scope),
            out_of_scope=Count("pk", filter=Q(screening__decision=Decision.OUT_OF_SCOPE)),
            annotated=Count("pk", filter=Exists(MechanismAnnotation.objects.filter(citation=OuterRef("pk")))),
            unassigned_in_scope=Count(
                "pk", filter=in_scope & ~Exists(Assignment.objects.filter(citation=OuterRef("pk")))
            ),
            conflicts=Count("pk", filter=Q(pk__in=disputed) | Q(pk__in=annotations_to_resolve)),
            new_citing=Count("pk", filter=Q(relation=Relation.CITED_BY, created_at__gt=since)),
        )
    )
    return {row.pop("review_id"): row for row in rows}


def _annotation_counts(review_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per review: mechanism records per state and the oldest submission waiting. One GROUP BY query."""
    rows = (
        MechanismAnnotation.objects.filter(citation__review__in=review_ids)
        .order_by()
        .values("citation__review_id", "state")
        .annotate(
            n=Count("pk"),
            in_inbox=Count("pk", filter=~_AWAITING_RESOLUTION),
            oldest=Min("submitted_at", filter=~_AWAITING_RESOLUTION),
        )
    )
    counts: dict[int, dict[str, Any]] = {}
    for row in rows:
        counts.setdefault(row["citation__review_id"], {})[row["state"]] = (row["n"], row["in_inbox"], row["oldest"])
    return counts


def progress(*, user: Any, review: Review | None = None) -> tuple[list[ReviewProgress], ReviewProgress]:
    """One ReviewProgress per public review (or for `review` alone) and their totals. Five queries."""
    _require(user)
    reviews = list(_reviews(review))
    ids = [item.pk for item in reviews]
    citations = _citation_counts(user=user, review_ids=ids)
    annotations = _annotation_counts(ids)
    runs = SyncRun.objects.select_related("started_by").in_bulk([r.latest_run_id for r in reviews if r.latest_run_id])
    interval = timedelta(hours=settings.SYNC_SCHEDULE_HOURS)
    total = ReviewProgress(review=None)
    rows = []
    for item in reviews:
        row = ReviewProgress(review=item, latest_run=runs.get(item.latest_run_id), inbox_oldest_id=item.inbox_oldest_id)
        row.counts.update(citations.get(item.pk, {}))
        for state, (count, in_inbox, oldest) in annotations.get(item.pk, {}).items():
            row.annotations[state] = count
            if state == State.SUBMITTED:
                row.inbox_oldest_at = oldest
                row.counts["inbox"] = in_inbox
        row.counts["screened"] = row.counts["in_scope"] + row.counts["out_of_scope"]
        row.counts.setdefault("inbox", 0)
        if item.last_scheduled_at:
            row.next_refresh = item.last_scheduled_at + interval
        for name in PROGRESS_FIELDS:
            total.counts[name] += row.counts[name]
        for state in State.values:
            total.annotations[state] += row.annotations[state]
        if row.inbox_oldest_at and (total.inbox_oldest_at is None or row.inbox_oldest_at < total.inbox_oldest_at):
            total.inbox_oldest_at, total.inbox_oldest_id = row.inbox_oldest_at, row.inbox_oldest_id
        rows.append(row)
    return rows, total


def term_proposals_waiting(*, user: Any) -> int:
    """Terms curators proposed that wait for an editor to approve, merge or refuse them."""
    _require(user)
    return Term.objects.filter(status=Term.Status.PROPOSED).count()


# --- people -------------------------------------------------------------------------------------------------------


@dataclass
class CuratorStats:
    """What one person did: submissions per week (oldest first, this week last), screening this week, open
    assignments, and how their reviewed records fared."""

    person: Any
    weekly: list[int]
    screened_this_week: int = 0
    open_assignments: int = 0
    accepted: int = 0
    rejected: int = 0

    @property
    def submitted_this_week(self) -> int:
        return self.weekly[-1]

    @property
    def rejection_rate(self) -> float | None:
        reviewed = self.accepted + self.rejected
        return self.rejected / reviewed if reviewed else None

    @property
    def rejection_percent(self) -> int | None:
        rate = self.rejection_rate
        return None if rate is None else round(100 * rate)


def week_starts(now: datetime | None = None) -> list[datetime]:
    """The Mondays (midnight, current time zone) of the chart's weeks, oldest first; the last is this week."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    this_week = today - timedelta(days=today.weekday())
    return [this_week - timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]


def curator_stats(*, user: Any, review: Review | None = None) -> tuple[list[CuratorStats], list[datetime]]:
    """Per person who may curate (narrowed to `review` when given), and the weeks of `weekly`. Five queries."""
    _require(user)
    weeks = week_starts()
    in_review = {} if review is None else {"annotation__citation__review": review}
    citation_in_review = {} if review is None else {"citation__review": review}

    submitted = (
        AnnotationRevision.objects.filter(action=Action.SUBMITTED, created_at__gte=weeks[0], **in_review)
        .order_by()
        .annotate(week=TruncWeek("created_at"))
        .values("actor_id", "week")
        .annotate(n=Count("pk"))
    )
    screened = (
        ScreeningDecision.objects.filter(decided_at__gte=weeks[-1], **citation_in_review)
        .exclude(decision=Decision.UNDECIDED)
        .order_by()
        .values("decided_by_id")
        .annotate(n=Count("pk"))
    )
    # Open: the citation is not screened out and the curator has not yet submitted a record for it.
    done = MechanismAnnotation.objects.filter(citation=OuterRef("citation"), author=OuterRef("curator")).exclude(
        state=State.DRAFT
    )
    open_assignments = (
        Assignment.objects.filter(**citation_in_review)
        .exclude(citation__screening__decision=Decision.OUT_OF_SCOPE)
        .exclude(Exists(done))
        .order_by()
        .values("curator_id")
        .annotate(n=Count("pk"))
    )
    verdicts = (
        AnnotationRevision.objects.filter(action__in=[Action.ACCEPTED, Action.REJECTED], **in_review)
        .order_by()
        .values(author_id=F("annotation__author_id"))
        .annotate(
            accepted=Count("pk", filter=Q(action=Action.ACCEPTED)),
            rejected=Count("pk", filter=Q(action=Action.REJECTED)),
        )
    )

    index = {week.date(): position for position, week in enumerate(weeks)}
    stats = {person.pk: CuratorStats(person=person, weekly=[0] * WEEKS) for person in curator_list()}
    for row in submitted:
        position = index.get(timezone.localtime(row["week"]).date())
        if row["actor_id"] in stats and position is not None:
            stats[row["actor_id"]].weekly[position] += row["n"]
    for row in screened:
        if row["decided_by_id"] in stats:
            stats[row["decided_by_id"]].screened_this_week = row["n"]
    for row in open_assignments:
        if row["curator_id"] in stats:
            stats[row["curator_id"]].open_assignments = row["n"]
    for row in verdicts:
        if row["author_id"] in stats:
            stats[row["author_id"]].accepted = row["accepted"]
            stats[row["author_id"]].rejected = row["rejected"]
    return list(stats.values()), weeks


def weekly_totals(stats: list[CuratorStats]) -> list[int]:
    """Submissions per week over everyone: the sum of the per-person rows."""
    return [sum(values) for values in zip(*(row.weekly for row in stats), strict=True)] if stats else [0] * WEEKS


# --- alerts -------------------------------------------------------------------------------------------------------


@dataclass
class Alerts:
    """Open alerts about papers in the reviews' networks (each with the PMIDs of its reviews), how many are open in
    all, and the latest dismissed ones with who dismissed them."""

    open: list[EditorAlert]
    open_count: int
    dismissed: list[EditorAlert]
    reviews_of: dict[int, list[int]]


def alerts(*, user: Any, review: Review | None = None) -> Alerts:
    """Three queries (four when there are open alerts)."""
    _require(user)
    cited = Citation.objects.filter(article=OuterRef("article"), review__archived_at__isnull=True)
    if review is not None:
        cited = cited.filter(review=review)
    relevant = EditorAlert.objects.filter(Exists(cited))
    open_alerts = relevant.filter(acknowledged_at__isnull=True)
    shown = list(open_alerts.select_related("article").order_by("-created_at", "-pk")[:ALERTS_SHOWN])
    dismissed = list(
        relevant.filter(acknowledged_at__isnull=False)
        .select_related("article", "acknowledged_by")
        .order_by("-acknowledged_at", "-pk")[:DISMISSED_SHOWN]
    )
    reviews_of: dict[int, list[int]] = {}
    if shown:
        pairs = (
            Citation.objects.filter(article__in=[alert.article_id for alert in shown], review__archived_at__isnull=True)
            .order_by("review__article__pmid")
            .values_list("article_id", "review__article__pmid")
            .distinct()
        )
        for article_id, pmid in pairs:
            reviews_of.setdefault(article_id, []).append(pmid)
    count = len(shown) if len(shown) < ALERTS_SHOWN else open_alerts.count()
    return Alerts(open=shown, open_count=count, dismissed=dismissed, reviews_of=reviews_of)


def alert_get(*, user: Any, pk: int) -> EditorAlert | None:
    _require(user)
    return EditorAlert.objects.filter(pk=pk).first()


# --- activity -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """One thing someone did, for the feed: who, when, a sentence, where to see it."""

    at: datetime
    actor: Any
    verb: str
    what: str
    url: str
    review_pmid: int | None
    key: str  # unique across sources: the Atom entry's id

    @property
    def actor_name(self) -> str:
        return self.actor.get_username() if self.actor is not None else "The schedule"


REVISION_VERBS = {
    Action.CREATED: "created",
    Action.SUBMITTED: "submitted",
    Action.ACCEPTED: "accepted",
    Action.REJECTED: "rejected",
    Action.REVERTED: "reverted",
    Action.TERM_MERGED: "merged a term into",
    Action.DELETED: "deleted",
}


def _history_url(annotation_id: int | None) -> str:
    return reverse("curation-annotation-history", args=[annotation_id]) if annotation_id else ""


def activity(*, user: Any, review: Review | None = None, person_id: int | None = None) -> list[Activity]:
    """The latest things people did, newest first: each source's latest rows (a query each, cut in the database),
    merged. Edits of drafts are left out: the feed says what moved, not every keystroke. Four queries.

    Revisions and comments are only ever added, stamped as they are written, so the newest have the highest ids:
    ordered by id, the primary key's index hands over the newest few without sorting the whole history.
    """
    _require(user)
    revisions = AnnotationRevision.objects.filter(action__in=list(REVISION_VERBS)).select_related("actor")
    comments = AnnotationComment.objects.select_related("author")
    screening = ScreeningDecision.objects.filter(decided_at__isnull=False).select_related("decided_by")
    runs = SyncRun.objects.filter(finished_at__isnull=False).select_related("started_by")
    if review is not None:
        revisions = revisions.filter(annotation__citation__review=review)
        comments = comments.filter(annotation__citation__review=review)
        screening = screening.filter(citation__review=review)
        runs = runs.filter(review=review)
    else:
        screening = screening.filter(citation__review__archived_at__isnull=True)
        runs = runs.filter(review__archived_at__isnull=True)
        revisions = revisions.filter(annotation__citation__review__archived_at__isnull=True)
        comments = comments.filter(annotation__citation__review__archived_at__isnull=True)
    # Under double annotation an editor does not learn of a record before its two curators are both done.
    hidden = MechanismAnnotation.objects.filter(annotation_hidden(user=user)).values("pk")
    revisions = revisions.exclude(annotation__in=hidden)
    comments = comments.exclude(annotation__in=hidden)
    if person_id is not None:
        revisions = revisions.filter(actor_id=person_id)
        comments = comments.filter(author_id=person_id)
        screening = screening.filter(decided_by_id=person_id)
        runs = runs.filter(started_by_id=person_id)

    pmid = "citation__review__article__pmid"
    items = [
        Activity(
            at=revision.created_at,
            actor=revision.actor,
            verb=REVISION_VERBS[revision.action],
            what=f"mechanism record {revision.annotation_id or '(deleted)'}",
            url=_history_url(revision.annotation_id),
            review_pmid=revision.pmid,
            key=f"revision-{revision.pk}",
        )
        for revision in revisions.annotate(pmid=F(f"annotation__{pmid}")).order_by("-pk")[:ACTIVITY_SHOWN]
    ]
    items += [
        Activity(
            at=comment.created_at,
            actor=comment.author,
            verb="commented on",
            what=f"mechanism record {comment.annotation_id}",
            url=_history_url(comment.annotation_id),
            review_pmid=comment.pmid,
            key=f"comment-{comment.pk}",
        )
        for comment in comments.annotate(pmid=F(f"annotation__{pmid}")).order_by("-pk")[:ACTIVITY_SHOWN]
    ]
    items += [
        Activity(
            at=decision.decided_at,
            actor=decision.decided_by,
            verb="screened",
            what=f"citation {decision.citation_id}: {decision.get_decision_display().lower()}",
            url=reverse("curation-workspace", args=[decision.pmid, decision.citation_id]),
            review_pmid=decision.pmid,
            key=f"screening-{decision.pk}-{decision.decided_at.timestamp()}",
        )
        for decision in screening.annotate(pmid=F(pmid)).order_by("-decided_at", "-pk")[:ACTIVITY_SHOWN]
    ]
    items += [
        Activity(
            at=run.finished_at,
            actor=run.started_by,
            verb="synced",
            what=f"review PMID {run.pmid}: {run.get_state_display().lower()}",
            url=reverse("review-detail", args=[run.pmid]),
            review_pmid=run.pmid,
            key=f"sync-{run.pk}",
        )
        for run in runs.annotate(pmid=F("review__article__pmid")).order_by("-finished_at", "-pk")[:ACTIVITY_SHOWN]
    ]
    items.sort(key=lambda item: (item.at, item.key), reverse=True)
    return items[:ACTIVITY_SHOWN]


# --- lookups and the review list ----------------------------------------------------------------------------------


def review_for_dashboard(*, user: Any, pmid: int) -> Review | None:
    """Any review, archived ones included: editors manage them here."""
    _require(user)
    return Review.objects.select_related("article", "archived_by").filter(article__pmid=pmid).first()


def review_list_managed(*, user: Any) -> QuerySet[Review]:
    """Every review, archived too, with how much curated work protects it from deletion and whether a sync runs.
    One query."""
    _require(user)
    of_review = {"citation__review": OuterRef("pk")}
    return (
        Review.objects.select_related("article", "archived_by")
        .annotate(
            citation_count=Count("citations"),
            record_count=_count_of(MechanismAnnotation.objects.filter(**of_review)),
            screened_count=_count_of(ScreeningDecision.objects.filter(**of_review)),
            assignment_count=_count_of(Assignment.objects.filter(**of_review)),
            syncing=Exists(SyncRun.objects.filter(review=OuterRef("pk"), state__in=SyncRun.ACTIVE_STATES)),
        )
        .order_by(F("archived_at").asc(nulls_first=True), "created_at", "pk")
    )


def _count_of(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated subquery: joining three child tables at once would multiply each other's rows."""
    counted = queryset.order_by().values("citation__review").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), Value(0))


def review_choices(*, user: Any) -> QuerySet[Review]:
    """The public reviews the dashboard can be narrowed to."""
    _require(user)
    return Review.objects.filter(archived_at__isnull=True).select_related("article").order_by("created_at", "pk")
