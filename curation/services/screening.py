"""Screening: whether each citation of a review is about CAF exosomes at all."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from articles.models import Citation

from ..models import MechanismAnnotation, OutOfScopeReason, ScreeningDecision
from ._common import field_error, require_curator

Decision = ScreeningDecision.Decision
NOTE_MAX = 5000


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
        raise field_error("note", f"Keep the note under {NOTE_MAX:,} characters.")
    if decision == Decision.OUT_OF_SCOPE:
        if reason not in OutOfScopeReason.values:
            choices = "; ".join(f"{value} ({label.lower()})" for value, label in OutOfScopeReason.choices)
            raise field_error("reason", f"Say why it is out of scope: one of {choices}.")
        if reason == OutOfScopeReason.OTHER and not note:
            raise field_error("note", "Describe the reason in the note when it is “other”.")
        accepted = MechanismAnnotation.objects.filter(
            citation=citation, state=MechanismAnnotation.State.ACCEPTED
        ).count()
        if accepted:
            raise field_error(
                "decision",
                f"This citation has {accepted} accepted annotation{'s' if accepted > 1 else ''}; "
                "an editor must revert them before it can be marked out of scope.",
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
