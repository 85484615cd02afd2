"""The review workflow: draft → submitted → accepted or rejected, with bulk accept and revert."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cafex_portal.exceptions import ApplicationError, NotAllowedError
from cafex_portal.roles import require_curator, require_editor

from .. import access
from ..models import AnnotationComment, AnnotationRevision, Facet, MechanismAnnotation, Term
from ..models.annotations import SYSTEM_FIELDS
from ..selectors import double as double_selectors
from ._common import field_error
from .annotations import COMMENT_MAX, annotation_claim, terms_set
from .history import annotation_snapshot, revision_record, terms_by_facet
from .screening import citation_require_in_scope
from .validation import (
    evidence_level_of,
    final_term,
    require_approved_terms,
    require_no_refused_terms,
    require_submittable,
)

State = MechanismAnnotation.State
Action = AnnotationRevision.Action


def _state_name(annotation: MechanismAnnotation) -> str:
    return annotation.get_state_display().lower()


@transaction.atomic
def annotation_submit(
    *, annotation: MechanismAnnotation, user: Any, expected_version: int | None = None
) -> MechanismAnnotation:
    """Hand a draft (or a rejected annotation, once fixed) to the editors."""
    require_curator(user, "submit annotations")
    if annotation.author_id != user.pk:
        raise NotAllowedError("Only its author can submit this annotation.")
    current = annotation_claim(annotation, expected_version=expected_version)
    if current.state not in (State.DRAFT, State.REJECTED):
        raise ApplicationError(
            f"This annotation is already {_state_name(current)}; only drafts and rejected annotations are submitted."
        )
    citation_require_in_scope(citation_id=current.citation_id, before="submitting a mechanism on it")
    values = terms_by_facet(current)
    before = annotation_snapshot(current, values)
    require_submittable(values)
    require_no_refused_terms(values)
    current.state = State.SUBMITTED
    current.submitted_at = timezone.now()
    current.reviewed_by = None
    current.reviewed_at = None
    current.review_comment = ""
    current.save(update_fields=["state", "submitted_at", "reviewed_by", "reviewed_at", "review_comment"])
    revision_record(annotation=current, actor=user, action=Action.SUBMITTED, before=before, values=values)
    return current


def _review(
    *,
    annotation: MechanismAnnotation,
    user: Any,
    verdict: str,
    comment: str,
    expected_version: int | None,
    resolving: bool = False,
) -> MechanismAnnotation:
    verb = "accept" if verdict == State.ACCEPTED else "reject"
    require_editor(user, f"{verb} annotations")
    if len(comment) > COMMENT_MAX:
        raise field_error("comment", f"Keep the comment under {COMMENT_MAX:,} characters.")
    current = annotation_claim(annotation, expected_version=expected_version)
    # Asked after the claim: it holds the row, so an edit that makes this editor a co-author cannot slip past.
    if access.is_co_author(user, current, fresh=True):
        wrote = "wrote" if access.is_author(user, current) else "edited"
        raise NotAllowedError(f"You {wrote} this annotation, so another editor must {verb} it.")
    if current.state != State.SUBMITTED:
        raise ApplicationError(f"Only submitted annotations can be {verb}ed; this one is {_state_name(current)}.")
    if not resolving and double_selectors.annotation_awaits_resolution(citation_id=current.citation_id):
        # One record at a time would decide a double annotation unseen: both curators' records go together.
        raise ApplicationError(
            f"Two curators annotate this citation independently: {verb} its records by resolving them together "
            "on the review's conflict page."
        )
    if verdict == State.ACCEPTED:
        citation_require_in_scope(
            citation_id=current.citation_id, before="accepting a mechanism on it (or reject the annotation)"
        )
    values = terms_by_facet(current)
    before = annotation_snapshot(current, values)
    if verdict == State.ACCEPTED:
        # An editor may have changed it since it was submitted; what is accepted must still make a mechanism.
        require_submittable(values, verb="accept")
        require_approved_terms(values)
    current.state = verdict
    current.reviewed_by = user
    current.reviewed_at = timezone.now()
    current.review_comment = comment
    current.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
    if comment:
        # The thread keeps the review's reasons after a resubmission clears `review_comment`.
        AnnotationComment.objects.create(annotation=current, author=user, text=comment)
    revision_record(annotation=current, actor=user, action=verdict, before=before, values=values)
    return current


@transaction.atomic
def annotation_accept(
    *,
    annotation: MechanismAnnotation,
    user: Any,
    comment: str = "",
    expected_version: int | None = None,
    resolving: bool = False,
) -> MechanismAnnotation:
    """An editor accepts someone else's submitted annotation; it becomes public and locked. `resolving`: called
    by the double-annotation resolution, the one way to accept records under double annotation."""
    return _review(
        annotation=annotation,
        user=user,
        verdict=State.ACCEPTED,
        comment=(comment or "").strip(),
        expected_version=expected_version,
        resolving=resolving,
    )


@transaction.atomic
def annotation_reject(
    *,
    annotation: MechanismAnnotation,
    user: Any,
    comment: str,
    expected_version: int | None = None,
    resolving: bool = False,
) -> MechanismAnnotation:
    """An editor sends a submitted annotation back to its author, saying why."""
    comment = (comment or "").strip()
    if not comment:
        require_editor(user, "reject annotations")
        raise field_error("comment", "Say why the annotation is rejected, so its author can fix it.")
    return _review(
        annotation=annotation,
        user=user,
        verdict=State.REJECTED,
        comment=comment,
        expected_version=expected_version,
        resolving=resolving,
    )


@transaction.atomic
def annotation_bulk_accept(*, annotations: Iterable[MechanismAnnotation], user: Any) -> list[MechanismAnnotation]:
    """Accept several at once, all or nothing: the first one that cannot be accepted stops the lot."""
    require_editor(user, "accept annotations")
    unique: dict[int, MechanismAnnotation] = {}
    for annotation in annotations:
        unique.setdefault(annotation.pk, annotation)
    if not unique:
        raise field_error("annotations", "Choose at least one annotation to accept.")
    accepted = []
    for annotation in unique.values():
        try:
            accepted.append(annotation_accept(annotation=annotation, user=user))
        except ApplicationError as error:
            raise type(error)(
                f"Annotation {annotation.pk} cannot be accepted: {error.message} Nothing was accepted.",
                extra={"failed": annotation.pk, **error.extra},
                status_code=error.status_code,
            ) from error
    return accepted


def _parse_datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@transaction.atomic
def annotation_revert(
    *,
    annotation: MechanismAnnotation,
    user: Any,
    revision: AnnotationRevision,
    expected_version: int | None = None,
) -> MechanismAnnotation:
    """Restore the annotation as `revision` recorded it — terms, text, state and review — as a new revision.

    A term merged since then comes back as the term it was merged into. Restoring writes nothing new, so the
    editor who reverts does not become a co-author: what comes back was written, and credited, before.
    """
    require_editor(user, "revert annotations")
    if revision.annotation_id != annotation.pk:
        raise field_error("revision", f"Revision {revision.pk} belongs to another annotation.")
    current = annotation_claim(annotation, expected_version=expected_version)
    before_values = terms_by_facet(current)
    before = annotation_snapshot(current, before_values)
    snapshot = revision.snapshot

    ids = [item["id"] for items in snapshot.get("values", {}).values() for item in items]
    terms = Term.objects.select_related("merged_into").in_bulk(ids)
    values: dict[str, list[Term]] = {facet: [] for facet in Facet.values}
    for facet, items in snapshot.get("values", {}).items():
        for item in items:
            term = terms.get(item["id"])
            if term is None or facet not in values:
                continue  # the term is gone; the revision's labels still show what it was
            term = final_term(term)
            if all(term.pk != other.pk for other in values[facet]):
                values[facet].append(term)

    for field in ("quote", "figure", "confidence", "notes", "review_comment", *SYSTEM_FIELDS):
        setattr(current, field, snapshot.get(field, ""))
    current.evidence_level = evidence_level_of({field: getattr(current, field) for field in SYSTEM_FIELDS})
    current.state = snapshot.get("state", State.DRAFT)
    if current.state in (State.SUBMITTED, State.ACCEPTED):
        citation_require_in_scope(
            citation_id=current.citation_id, before=f"restoring this annotation as {_state_name(current)}"
        )
    if current.state == State.ACCEPTED:
        # What comes back accepted must still pass what accepting asks today.
        require_approved_terms(values)
        if double_selectors.annotation_awaits_resolution(citation_id=current.citation_id):
            raise ApplicationError(
                "Two curators annotate this citation independently: its records are accepted by resolving them "
                "together on the review's conflict page, not by restoring an accepted version."
            )
    reviewer_id = snapshot.get("reviewed_by")
    User = get_user_model()
    current.reviewed_by = User.objects.filter(pk=reviewer_id).first() if reviewer_id else None
    current.reviewed_at = _parse_datetime(snapshot.get("reviewed_at"))
    current.submitted_at = _parse_datetime(snapshot.get("submitted_at"))
    if current.state in (State.ACCEPTED, State.REJECTED) and current.reviewed_at is None:
        current.reviewed_at = timezone.now()
    if current.state != State.DRAFT and current.submitted_at is None:
        current.submitted_at = timezone.now()
    current.save()
    terms_set(current, values)
    revision_record(
        annotation=current, actor=user, action=Action.REVERTED, before=before, values=values, reverted_to=revision
    )
    return current
