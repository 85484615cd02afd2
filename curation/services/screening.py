"""Screening: whether each citation of a review is about CAF exosomes at all."""

from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from articles.models import Citation
from cafex_portal.exceptions import ApplicationError
from cafex_portal.roles import require_curator

from ..models import CuratorScreening, MechanismAnnotation, OutOfScopeReason, ReviewCurationSettings, ScreeningDecision
from ..selectors import double as double_selectors
from ._common import field_error

Decision = ScreeningDecision.Decision
State = MechanismAnnotation.State
NOTE_MAX = 5000


def citation_lock(citation_id: int) -> None:
    """Lock the citation's row until the transaction ends. Screening and every step that moves an annotation
    towards acceptance take this lock first, so a citation cannot be screened out while an annotation on it is
    being submitted or accepted, nor the other way round."""
    list(Citation.objects.select_for_update().filter(pk=citation_id).values_list("pk", flat=True))


def citation_require_in_scope(*, citation_id: int, before: str) -> None:
    """Refuse to go on with a citation screened out of scope; `before` completes "mark it in scope before …".

    The rule: what is out of scope carries no mechanism. Annotations are created, submitted and accepted only on
    citations not screened out, and a citation with submitted or accepted annotations cannot be screened out.
    """
    citation_lock(citation_id)
    decision = ScreeningDecision.objects.filter(citation_id=citation_id).values_list("decision", flat=True).first()
    if decision == Decision.OUT_OF_SCOPE:
        raise ApplicationError(f"This citation is screened out of scope; mark it in scope before {before}.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def screening_clean(*, decision: str, reason: str, note: str) -> tuple[str, str, str]:
    """The decision checked against the list; out of scope needs a reason (and a note for "other")."""
    if decision not in Decision.values:
        raise field_error("decision", f"Decision is one of: {', '.join(Decision.values)}.")
    reason = (reason or "").strip()
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise field_error("note", f"Keep the note to {NOTE_MAX:,} characters or fewer.")
    if decision == Decision.OUT_OF_SCOPE:
        if reason not in OutOfScopeReason.values:
            choices = "; ".join(f"{value} ({label.lower()})" for value, label in OutOfScopeReason.choices)
            raise field_error("reason", f"Say why it is out of scope: one of {choices}.")
        if reason == OutOfScopeReason.OTHER and not note:
            raise field_error("note", "Describe the reason in the note when it is “other”.")
    else:
        reason = ""  # a reason belongs to out of scope only; a form may still carry an old one
    return decision, reason, note


def _require_no_mechanism_held(citation: Citation) -> None:
    citation_lock(citation.pk)
    by_state = dict(
        MechanismAnnotation.objects.filter(citation=citation, state__in=[State.SUBMITTED, State.ACCEPTED])
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    accepted, submitted = by_state.get(State.ACCEPTED, 0), by_state.get(State.SUBMITTED, 0)
    if (accepted or submitted) and double_selectors.annotation_awaits_resolution(citation_id=citation.pk):
        # Counts would tell a curator of the other curator's records, which blind curation hides until both are done.
        raise field_error(
            "decision",
            "This citation holds mechanism records waiting to be resolved on the review's conflict page; an editor "
            "must resolve them before it can be marked out of scope.",
        )
    if accepted or submitted:
        held, undo = [], []
        if accepted:
            held.append(_plural(accepted, "accepted annotation"))
            undo.append(f"revert the accepted {'one' if accepted == 1 else 'ones'}")
        if submitted:
            held.append(_plural(submitted, "submitted annotation"))
            undo.append(f"reject the submitted {'one' if submitted == 1 else 'ones'}")
        raise field_error(
            "decision",
            f"This citation has {' and '.join(held)}. Before it can be marked out of scope, an editor must "
            f"{' and '.join(undo)}.",
        )


def screening_resolved_write(
    *, citation: Citation, user: Any, decision: str, reason: str, note: str
) -> ScreeningDecision:
    """Write the citation's result (already cleaned): what the queue, the search and the review page show."""
    if decision == Decision.OUT_OF_SCOPE:
        _require_no_mechanism_held(citation)
    screening, _ = ScreeningDecision.objects.update_or_create(
        citation=citation,
        defaults={
            "decision": decision,
            "reason": reason,
            "note": note,
            "decided_by": user,
            "decided_at": timezone.now(),
        },
    )
    return screening


def double_screening_on(citation: Citation) -> bool:
    return ReviewCurationSettings.objects.filter(review_id=citation.review_id, double_screening=True).exists()


def _own_screening_record(*, citation: Citation, user: Any, decision: str, reason: str, note: str) -> ScreeningDecision:
    """Double screening: record the caller's own decision. When the second curator decides, an agreement becomes
    the citation's result at once; a disagreement waits in the editors' conflict queue. Answers the caller's own
    decision (not stored as the result), so a page or the API shows them their own and nothing of the other's."""
    citation_lock(citation.pk)
    decisions = list(CuratorScreening.objects.filter(citation=citation).order_by("decided_at", "pk"))
    mine = next((row for row in decisions if row.curator_id == user.pk), None)
    others = [row for row in decisions if row.curator_id != user.pk]
    if mine is None and len(others) >= 2:
        raise ApplicationError("Two curators have already screened this citation; it needs no third decision.")
    if mine is not None and others:
        raise ApplicationError(
            "Both curators have screened this citation, so the decisions are fixed; an editor resolves any "
            "disagreement in the conflict queue."
        )
    now = timezone.now()
    if decision == Decision.UNDECIDED:
        if mine is not None:
            mine.delete()
        return ScreeningDecision(citation=citation, decision=decision, decided_by=user, decided_at=now)
    if decision == Decision.OUT_OF_SCOPE:
        _require_no_mechanism_held(citation)
    if mine is None:
        mine = CuratorScreening(citation=citation, curator=user)
    mine.decision, mine.reason, mine.note, mine.decided_at = decision, reason, note, now
    mine.save()
    if others and others[0].decision == decision:
        first = others[0]
        screening_resolved_write(
            citation=citation,
            user=user,
            decision=decision,
            # Both agree on the decision; the first curator's reason and note stand, as the first word.
            reason=first.reason if decision == Decision.OUT_OF_SCOPE else "",
            note=first.note or note,
        )
    return ScreeningDecision(
        citation=citation, decision=decision, reason=reason, note=note, decided_by=user, decided_at=now
    )


@transaction.atomic
def screening_set(
    *, citation: Citation, user: Any, decision: str, reason: str = "", note: str = ""
) -> ScreeningDecision:
    """Record the citation's decision. Out of scope needs a reason from the list (and a note for "other").

    Under double screening the decision is the caller's own, and the answer is that decision, unsaved; the
    citation's result is written once both curators agree, or by an editor (services.double).
    """
    require_curator(user, "screen citations")
    decision, reason, note = screening_clean(decision=decision, reason=reason, note=note)
    if double_screening_on(citation):
        return _own_screening_record(citation=citation, user=user, decision=decision, reason=reason, note=note)
    return screening_resolved_write(citation=citation, user=user, decision=decision, reason=reason, note=note)


@transaction.atomic
def screening_set_many(
    *, citations: list[Citation], user: Any, decision: str, reason: str = "", note: str = ""
) -> list[Any]:
    """One decision, with one reason and note, for several citations at once: all or nothing. Each goes through
    `screening_set`, so every rule of a single decision holds for each; the first refusal names its citation."""
    require_curator(user, "screen citations")
    unique = list({citation.pk: citation for citation in citations}.values())
    if not unique:
        raise field_error("citations", "Choose at least one citation to screen.")
    decided = []
    for citation in unique:
        try:
            decided.append(screening_set(citation=citation, user=user, decision=decision, reason=reason, note=note))
        except ApplicationError as error:
            label = f"#{citation.position}" if citation.position else f"citation {citation.pk}"
            raise type(error)(
                f"{label}: {error.message} Nothing was screened.",
                extra={"failed": citation.pk, **error.extra},
                status_code=error.status_code,
            ) from error
    return decided
