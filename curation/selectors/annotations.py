"""Reads of annotations: who sees which, shaped for pages and the API without N+1 queries."""

from datetime import UTC, datetime
from typing import Any

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from cafex_portal import roles

from ..models import AnnotationComment, AnnotationRevision, AnnotationTerm, MechanismAnnotation
from ..models.annotations import WorkSeen
from .double import annotation_hidden, annotation_resolved

State = MechanismAnnotation.State
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def annotation_prefetch(queryset: QuerySet[MechanismAnnotation]) -> QuerySet[MechanismAnnotation]:
    """Everything an annotation is shown with: citation, article, review, people, terms in order, comment count."""
    comment_count = (
        AnnotationComment.objects.filter(annotation=OuterRef("pk"))
        .order_by()
        .values("annotation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        queryset.select_related("citation__article", "citation__review__article", "author", "reviewed_by")
        .prefetch_related(
            Prefetch("annotation_terms", queryset=AnnotationTerm.objects.select_related("term").order_by("pk"))
        )
        .annotate(comment_count=Coalesce(Subquery(comment_count), 0))
    )


def annotation_visible_to(*, user: Any) -> QuerySet[MechanismAnnotation]:
    """Visitors see accepted annotations; curators also their own; editors everything (archived reviews too, as
    they restore them; no one else sees those). Under double annotation,
    nobody sees another person's records on a citation until both its curators are done (blind curation)."""
    annotations = MechanismAnnotation.objects.exclude(annotation_hidden(user=user))
    if roles.is_editor(user):
        return annotations
    annotations = annotations.filter(citation__review__archived_at__isnull=True)  # an archived review is not public
    if roles.is_curator(user):
        return annotations.filter(Q(state=State.ACCEPTED) | Q(author=user))
    return annotations.filter(state=State.ACCEPTED)


def annotation_rows(*, user: Any) -> QuerySet[MechanismAnnotation]:
    """Annotations the user may see, in review and citation order (the API's FilterSet narrows it): the rows alone,
    as pages built by PostgreSQL (curation.annotation_json) take them."""
    return annotation_visible_to(user=user).order_by("citation__review", "citation", "created_at", "pk")


def annotation_list(*, user: Any) -> QuerySet[MechanismAnnotation]:
    """annotation_rows, ready to show."""
    return annotation_prefetch(annotation_rows(user=user))


def annotation_get(*, user: Any, pk: int) -> MechanismAnnotation | None:
    """One annotation the user may see, ready to show; None if it does not exist or is hidden from them."""
    return annotation_prefetch(annotation_visible_to(user=user)).filter(pk=pk).first()


def annotation_with_citation(*, pk: int) -> MechanismAnnotation | None:
    """One annotation with its citation and review, whoever may see it: the caller checks access."""
    return MechanismAnnotation.objects.select_related("citation__review__article").filter(pk=pk).first()


def annotation_cards(*, user: Any, **lookups: Any) -> QuerySet[MechanismAnnotation]:
    """The annotations matching `lookups` that the user may see, ready to draw as cards; the comment threads are
    loaded only for curators, the only ones who read them (access.can_read_comments)."""
    visible = annotation_visible_to(user=user).filter(**lookups).order_by("created_at", "pk")
    annotations = annotation_prefetch(visible)
    return annotations.prefetch_related(comments_prefetch()) if roles.is_curator(user) else annotations


def comments_prefetch() -> Prefetch:
    return Prefetch(
        "comments", queryset=AnnotationComment.objects.select_related("author").order_by("created_at", "pk")
    )


def annotations_by_id(*, ids: list[int]) -> dict[int, MechanismAnnotation]:
    return MechanismAnnotation.objects.in_bulk(ids)


def annotation_history(*, annotation: MechanismAnnotation, newest_first: bool = False) -> QuerySet[AnnotationRevision]:
    order = ("-created_at", "-pk") if newest_first else ("created_at", "pk")
    return annotation.revisions.select_related("actor").order_by(*order)


def annotation_revision_get(*, annotation: MechanismAnnotation, pk: int) -> AnnotationRevision | None:
    return annotation.revisions.filter(pk=pk).first()


def annotation_comments(*, annotation: MechanismAnnotation) -> QuerySet[AnnotationComment]:
    return annotation.comments.select_related("author").order_by("created_at", "pk")


def annotation_list_awaiting_review(*, user: Any) -> QuerySet[MechanismAnnotation]:
    """Submitted annotations waiting for this editor: all but those they wrote or changed, oldest first."""
    if not roles.is_editor(user):
        return MechanismAnnotation.objects.none()
    waiting = MechanismAnnotation.objects.filter(state=State.SUBMITTED).exclude(author=user).exclude(contributors=user)
    # Double annotation is accepted through the conflict queue, one curator's records for the citation; what is
    # submitted after its resolution comes here as usual.
    waiting = waiting.exclude(Q(citation__review__curation_settings__double_annotation=True) & ~annotation_resolved())
    return annotation_prefetch(waiting.order_by("submitted_at", "pk"))


# --- A curator's own work ("My work")


def work_seen_at(*, user: Any) -> datetime | None:
    """When the user last opened "My work"; None if never."""
    return WorkSeen.objects.filter(user=user).values_list("seen_at", flat=True).first()


def _news(user: Any, since: datetime | None) -> Q:
    """My annotations rejected, or commented on by someone else, after `since` (everything when None)."""
    comments = AnnotationComment.objects.filter(annotation=OuterRef("pk")).exclude(author=user)
    rejected = Q(state=State.REJECTED)
    if since is not None:
        comments = comments.filter(created_at__gt=since)
        rejected &= Q(reviewed_at__gt=since)
    return rejected | Q(Exists(comments))


def work_unseen_count(*, user: Any) -> int:
    """How many of the user's annotations were rejected or commented on by others since they last looked: one
    query, for the navigation of every page."""
    if not roles.is_curator(user):
        return 0
    seen = WorkSeen.objects.filter(user=user).values("seen_at")[:1]
    since = Coalesce(Subquery(seen), Value(EPOCH))
    comments = AnnotationComment.objects.filter(annotation=OuterRef("pk"), created_at__gt=since).exclude(author=user)
    news = Q(state=State.REJECTED, reviewed_at__gt=since) | Q(Exists(comments))
    return MechanismAnnotation.objects.filter(author=user).filter(news).count()


def annotation_list_by_author(*, user: Any, since: datetime | None = None) -> QuerySet[MechanismAnnotation]:
    """The user's annotations, newest change first, ready to show, each with `is_news` (rejected or commented on
    by someone else since `since`)."""
    if not roles.is_curator(user):
        return MechanismAnnotation.objects.none()
    mine = MechanismAnnotation.objects.filter(author=user).annotate(
        is_news=Case(When(_news(user, since), then=Value(True)), default=Value(False), output_field=BooleanField())
    )
    return annotation_prefetch(mine.order_by("-updated_at", "-pk")).prefetch_related(comments_prefetch())
