"""Blind double curation: editors switch a review's modes and resolve what two curators did not agree on.

The curators' side lives where single curation does: `screening_set` records a curator's own decision under
double screening, and annotations are written as ever, hidden from everyone else until both curators are done
(selectors.double.annotation_hidden). An editor who resolves must not be one of the two curators.
"""

from typing import Any

from django.db import transaction

from articles.models import Citation, Review
from cafex_portal.exceptions import ApplicationError, NotAllowedError
from cafex_portal.roles import require_editor

from ..models import (
    ConflictResolution,
    CuratorScreening,
    MechanismAnnotation,
    ReviewCurationSettings,
    ScreeningDecision,
)
from ..selectors.double import annotation_pairs, screening_pairs
from ._common import field_error
from .history import annotation_snapshot
from .screening import citation_lock, screening_clean, screening_resolved_write
from .workflow import annotation_accept, annotation_reject

State = MechanismAnnotation.State
Kind = ConflictResolution.Kind
NOTE_MAX = 5000


@transaction.atomic
def review_curation_settings_set(
    *, review: Review, user: Any, double_screening: bool | None = None, double_annotation: bool | None = None
) -> ReviewCurationSettings:
    """Switch double screening and double annotation on or off for a review (editors). A switch left out (None)
    keeps its value. Switching off keeps every curator's own decision and every resolution already recorded."""
    require_editor(user, "change how a review is curated")
    current, _ = ReviewCurationSettings.objects.select_for_update().get_or_create(review=review)
    if double_screening is not None:
        current.double_screening = double_screening
    if double_annotation is not None:
        current.double_annotation = double_annotation
    current.updated_by = user
    current.save()
    return current


def _require_outside(user: Any, curator_ids: tuple[int, int]) -> None:
    if user.pk in curator_ids:
        raise NotAllowedError("You are one of this citation's two curators, so another editor must resolve it.")


def _screening_original(row: CuratorScreening) -> dict[str, Any]:
    return {
        "curator": row.curator.get_username(),
        "curator_id": row.curator_id,
        "decision": row.decision,
        "reason": row.reason,
        "note": row.note,
        "decided_at": row.decided_at.isoformat(),
    }


@transaction.atomic
def screening_conflict_resolve(
    *, citation: Citation, user: Any, decision: str, reason: str = "", note: str = ""
) -> ConflictResolution:
    """An editor settles two curators' different screening decisions into the citation's one result, recording
    both originals with it."""
    require_editor(user, "resolve screening conflicts")
    citation_lock(citation.pk)
    pair = next(iter(screening_pairs(review=citation.review, citation_id=citation.pk)), None)
    if pair is None:
        raise ApplicationError("This citation has not been screened by two curators yet; there is nothing to resolve.")
    if pair.resolution is not None:
        raise ApplicationError("This screening conflict is already resolved.")
    if not pair.conflict:
        raise ApplicationError("The two curators agree on this citation; their decision already stands.")
    _require_outside(user, pair.curators)
    decision, reason, note = screening_clean(decision=decision, reason=reason, note=note)
    if decision == ScreeningDecision.Decision.UNDECIDED:
        raise field_error("decision", "Resolve into in scope or out of scope.")
    screening_resolved_write(citation=citation, user=user, decision=decision, reason=reason, note=note)
    return ConflictResolution.objects.create(
        citation=citation,
        kind=Kind.SCREENING,
        resolved_by=user,
        had_conflict=True,
        originals=[_screening_original(pair.first), _screening_original(pair.second)],
        result={"decision": decision, "reason": reason, "note": note},
        note=note,
    )


@transaction.atomic
def annotation_conflict_resolve(*, citation: Citation, user: Any, keep: int, note: str = "") -> ConflictResolution:
    """An editor accepts one curator's mechanism records for a citation both curators finished, whether they
    agree or not: the kept curator's submitted records are accepted, the other curator's submitted records are
    rejected with the reason. Both sets, as they stood, are kept with the resolution."""
    require_editor(user, "resolve annotation conflicts")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise field_error("note", f"Keep the note to {NOTE_MAX:,} characters or fewer.")
    citation_lock(citation.pk)
    pair = next(iter(annotation_pairs(review=citation.review, citation_id=citation.pk)), None)
    if pair is None:
        raise ApplicationError("Two curators have not both finished this citation yet; there is nothing to resolve.")
    if pair.resolution is not None:
        raise ApplicationError("This citation's mechanisms are already resolved.")
    _require_outside(user, pair.curators)
    sides = {pair.first_curator.pk: pair.first, pair.second_curator.pk: pair.second}
    if keep not in sides:
        raise field_error("keep", "Keep the records of one of the citation's two curators.")
    originals = [
        {
            "curator": records[0].author.get_username(),
            "curator_id": author,
            "records": [annotation_snapshot(a) for a in records],
        }
        for author, records in sides.items()
    ]
    kept = [a for a in sides[keep] if a.state == State.SUBMITTED]
    if not kept:
        raise field_error("keep", "This curator has no submitted record left to accept.")
    accepted = [annotation_accept(annotation=a, user=user, comment=note, resolving=True).pk for a in kept]
    dropped_by = next(author for author in sides if author != keep)
    reason = "Double curation: the other curator's records were accepted for this citation."
    if note:
        reason += f" {note}"
    rejected = [
        annotation_reject(annotation=a, user=user, comment=reason, resolving=True).pk
        for a in sides[dropped_by]
        if a.state == State.SUBMITTED
    ]
    return ConflictResolution.objects.create(
        citation=citation,
        kind=Kind.ANNOTATION,
        resolved_by=user,
        had_conflict=pair.conflict,
        originals=originals,
        result={"kept_curator_id": keep, "accepted": accepted, "rejected": rejected},
        note=note,
    )
