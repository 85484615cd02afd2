"""Screening: whether each citation of a review is about CAF exosomes at all."""

from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from articles.models import Citation
from cafex_portal.exceptions import ApplicationError
from cafex_portal.roles import require_curator

from ..models import MechanismAnnotation, OutOfScopeReason, ScreeningDecision
from ._common import field_error

Decision = ScreeningDecision.Decision
State = MechanismAnnotation.State
NOTE_MAX = 5000


def _citation_lock(citation_id: int) -> None:
    """Lock the citation's row until the transaction ends. Screening and every step that moves an annotation
    towards acceptance take this lock first, so a citation cannot be screened out while an annotation on it is
    being submitted or accepted, nor the other way round."""
    list(Citation.objects.select_for_update().filter(pk=citation_id).values_list("pk", flat=True))


def citation_require_in_scope(*, citation_id: int, before: str) -> None:
    """Refuse to go on with a citation screened out of scope; `before` completes "mark it in scope before …".

    The rule: what is out of scope carries no mechanism. Annotations are created, submitted and accepted only on
    citations not screened out, and a citation with submitted or accepted annotations cannot be screened out.
    """
    _citation_lock(citation_id)
    decision = ScreeningDecision.objects.filter(citation_id=citation_id).values_list("decision", flat=True).first()
    if decision == Decision.OUT_OF_SCOPE:
        raise ApplicationError(f"This citation is screened out of scope; mark it in scope before {before}.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


@transaction.atomic
def screening_set(
    *, citation: Citation, user: Any, decision: str, reason: str = "", note: str = ""
) -> ScreeningDecision:
    """Record the citation's decision. Out of scope needs a reason from the list (and a note for "other")."""
    require_curator(user, "screen citations")
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
        _citation_lock(citation.pk)
        by_state = dict(
            MechanismAnnotation.objects.filter(citation=citation, state__in=[State.SUBMITTED, State.ACCEPTED])
            .order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        accepted, submitted = by_state.get(State.ACCEPTED, 0), by_state.get(State.SUBMITTED, 0)
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
    else:
        reason = ""  # a reason belongs to out of scope only; a form may still carry an old one
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
