"""Writing mechanism annotations: create, update, delete, comment — and the version check they share."""

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Citation
from cafex_portal import roles
from cafex_portal.exceptions import ApplicationError, ConflictError, NotAllowedError
from cafex_portal.roles import require_curator

from .. import access
from ..models import (
    AnnotationComment,
    AnnotationRevision,
    AnnotationTerm,
    Facet,
    MechanismAnnotation,
    Term,
)
from ..models.annotations import SYSTEM_FIELDS, WorkSeen
from ._common import FieldErrors, field_error
from .history import annotation_snapshot, revision_record, terms_by_facet
from .screening import citation_require_in_scope
from .validation import check_system, clean_system_fields, clean_text_fields, evidence_level_of, resolve_values

State = MechanismAnnotation.State
COMMENT_MAX = 5000


def annotation_claim(
    annotation: MechanismAnnotation, *, expected_version: int | None = None, yours: dict | None = None
) -> MechanismAnnotation:
    """Take the next version of the annotation, or fail if someone else took it first.

    One conditional UPDATE (`… WHERE version = expected`) both checks and locks the row, so two writers cannot
    both pass the check; the caller's transaction rolls the bump back if it fails later. Returns a fresh copy.
    """
    rows = MechanismAnnotation.objects.filter(pk=annotation.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1, updated_at=timezone.now()):
        current = MechanismAnnotation.objects.select_related("author").filter(pk=annotation.pk).first()
        if current is None:
            raise ApplicationError("This annotation no longer exists: it was deleted.", status_code=404)
        raise ConflictError(
            f"Someone else saved this annotation after you opened it: you edited version {expected_version}, "
            f"it is now at version {current.version}. Nothing was overwritten; compare both versions and apply "
            "your changes to the current one.",
            extra={"current": annotation_snapshot(current), "yours": yours or {"version": expected_version}},
        )
    return MechanismAnnotation.objects.select_related("citation", "author").get(pk=annotation.pk)


def terms_set(annotation: MechanismAnnotation, values: dict[str, list[Term]]) -> None:
    """Make the stored terms equal `values`, keeping the rows (and so the order) of terms that stay."""
    wanted = [term.pk for facet in Facet.values for term in values.get(facet, [])]
    existing = set(AnnotationTerm.objects.filter(annotation=annotation).values_list("term_id", flat=True))
    AnnotationTerm.objects.filter(annotation=annotation).exclude(term_id__in=wanted).delete()
    AnnotationTerm.objects.bulk_create(
        [AnnotationTerm(annotation=annotation, term_id=term_id) for term_id in wanted if term_id not in existing]
    )
    getattr(annotation, "_prefetched_objects_cache", {}).pop("annotation_terms", None)


def _parse_token(client_token: Any) -> uuid.UUID | None:
    if client_token in (None, ""):
        return None
    if isinstance(client_token, uuid.UUID):
        return client_token
    try:
        return uuid.UUID(str(client_token))
    except ValueError:
        raise field_error("client_token", "The client token must be a UUID.") from None


def _replay(existing: MechanismAnnotation, *, citation: Citation, user: Any) -> MechanismAnnotation:
    """The same form sent twice: hand back the annotation the first submission created."""
    if existing.author_id != user.pk or existing.citation_id != citation.pk:
        raise field_error("client_token", "This client token was already used for another annotation; reload the form.")
    return existing


@transaction.atomic
def annotation_create(
    *,
    citation: Citation,
    user: Any,
    values: dict[str, list[int]],
    quote: str = "",
    figure: str = "",
    confidence: str = "",
    notes: str = "",
    client_token: Any = None,
    **system: str,
) -> MechanismAnnotation:
    """A new draft on a citation. With a `client_token`, sending the same form again returns the first result.

    `system` holds the experimental system's fields (`cell_lines`, `animal_model`, `species`, `patient_samples`,
    `clinical_cohort`); the evidence level follows from them."""
    require_curator(user, "record mechanisms")
    token = _parse_token(client_token)
    if token is not None:
        existing = MechanismAnnotation.objects.filter(client_token=token).first()
        if existing is not None:
            return _replay(existing, citation=citation, user=user)
    citation_require_in_scope(citation_id=citation.pk, before="recording a mechanism on it")

    errors = FieldErrors()
    _refuse_unknown_fields(system)
    grouped = resolve_values(values or {}, errors=errors, user=user)
    text = clean_text_fields(
        {"quote": quote, "figure": figure, "confidence": confidence, "notes": notes}, errors=errors
    )
    text |= clean_system_fields(system, errors=errors)
    check_system(text, errors=errors)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            annotation = MechanismAnnotation.objects.create(
                citation=citation, author=user, client_token=token, evidence_level=evidence_level_of(text), **text
            )
    except IntegrityError:
        # Two copies of the same form raced past the check above; the first one's annotation wins.
        existing = MechanismAnnotation.objects.filter(client_token=token).first() if token else None
        if existing is None:
            raise
        return _replay(existing, citation=citation, user=user)
    terms_set(annotation, grouped)
    revision_record(
        annotation=annotation, actor=user, action=AnnotationRevision.Action.CREATED, before=None, values=grouped
    )
    return annotation


def _refuse_unknown_fields(system: dict[str, Any]) -> None:
    unknown = sorted(set(system) - set(SYSTEM_FIELDS))
    if unknown:
        raise TypeError(f"Unknown annotation fields: {', '.join(unknown)}")


def _yours(expected_version: int, values: Any, text: dict[str, Any]) -> dict[str, Any]:
    """What the writer sent, shaped like a snapshot, for the conflict message."""
    yours: dict[str, Any] = {"version": expected_version}
    if isinstance(values, dict):
        ids = {i for v in values.values() if isinstance(v, list) for i in v if isinstance(i, int)}
        labels = dict(Term.objects.filter(pk__in=ids).values_list("pk", "label"))
        yours["values"] = {
            facet: [{"id": i, "label": labels.get(i, "")} for i in ids if isinstance(i, int)]
            for facet, ids in values.items()
            if isinstance(ids, list)
        }
    yours.update({field: value for field, value in text.items() if value is not None})
    return yours


@transaction.atomic
def annotation_update(
    *,
    annotation: MechanismAnnotation,
    user: Any,
    expected_version: int,
    values: dict[str, list[int]] | None = None,
    quote: str | None = None,
    figure: str | None = None,
    confidence: str | None = None,
    notes: str | None = None,
    **system: str | None,
) -> MechanismAnnotation:
    """Change an annotation the user saw at `expected_version`. None leaves a field alone; facets missing from
    `values` keep their terms. A stale version raises ConflictError and changes nothing.

    An editor who changes someone else's annotation becomes one of its contributors, and so cannot accept or
    reject it; saving it unchanged does not count.
    """
    require_curator(user, "edit annotations")
    if not roles.is_editor(user) and annotation.author_id != user.pk:
        raise NotAllowedError("Only its author or an editor can edit this annotation.")
    _refuse_unknown_fields(system)
    text_in = {"quote": quote, "figure": figure, "confidence": confidence, "notes": notes, **system}
    savepoint = transaction.savepoint()
    current = annotation_claim(
        annotation, expected_version=expected_version, yours=_yours(expected_version, values, text_in)
    )
    if current.state == State.ACCEPTED:
        raise ApplicationError(
            "This annotation is accepted and locked; an editor can revert it to an earlier revision to reopen it."
        )
    if current.state == State.SUBMITTED and not roles.is_editor(user):
        raise ApplicationError(
            "This annotation is submitted and waits for an editor; you can edit it again if it is rejected."
        )
    before_values = terms_by_facet(current)
    before = annotation_snapshot(current, before_values)
    before["version"] = expected_version

    errors = FieldErrors()
    grouped = resolve_values(values, errors=errors, current=before_values, user=user)
    text = clean_text_fields({k: v for k, v in text_in.items() if k not in SYSTEM_FIELDS}, errors=errors)
    text |= clean_system_fields(system, errors=errors)
    whole_system = {field: text.get(field, getattr(current, field)) for field in SYSTEM_FIELDS}
    check_system(whole_system, errors=errors)
    errors.raise_if_any()

    for field, value in text.items():
        setattr(current, field, value)
    current.evidence_level = evidence_level_of(whole_system)
    after = annotation_snapshot(current, grouped)
    if {k: v for k, v in after.items() if k != "version"} == {k: v for k, v in before.items() if k != "version"}:
        # Nothing changed: give the version back rather than record an empty revision.
        transaction.savepoint_rollback(savepoint)
        return MechanismAnnotation.objects.select_related("citation", "author").get(pk=annotation.pk)
    transaction.savepoint_commit(savepoint)
    current.save(update_fields=[*text, "evidence_level", "updated_at"])
    terms_set(current, grouped)
    if not access.is_author(user, current):
        current.contributors.add(user)
        access.co_author_noted(user, current)
    revision_record(
        annotation=current, actor=user, action=AnnotationRevision.Action.UPDATED, before=before, values=grouped
    )
    return current


@transaction.atomic
def annotation_delete(*, annotation: MechanismAnnotation, user: Any) -> None:
    """Authors delete their own drafts; editors delete anything not accepted. The history keeps a record."""
    require_curator(user, "delete annotations")
    editor = roles.is_editor(user)
    if not editor and annotation.author_id != user.pk:
        raise NotAllowedError("You can delete only your own drafts.")
    current = annotation_claim(annotation)
    if current.state == State.ACCEPTED:
        raise ApplicationError("Accepted annotations cannot be deleted; an editor can revert one to reopen it.")
    if not editor and current.state != State.DRAFT:
        raise ApplicationError(
            f"Only drafts can be deleted, and this annotation is {current.get_state_display().lower()}; "
            "ask an editor if it should go."
        )
    values = terms_by_facet(current)
    before = annotation_snapshot(current, values)
    revision = revision_record(
        annotation=current, actor=user, action=AnnotationRevision.Action.DELETED, before=before, values=values
    )
    revision.changes = {"state": {"from": current.state, "to": "deleted"}}
    revision.save(update_fields=["changes"])
    current.delete()


@transaction.atomic
def comment_add(*, annotation: MechanismAnnotation, user: Any, text: str) -> AnnotationComment:
    require_curator(user, "comment on annotations")
    if not access.can_view(user, annotation):
        raise NotAllowedError("You can comment only on your own annotations and on accepted ones.")
    text = (text or "").strip()
    if not text:
        raise field_error("text", "Write a comment first.")
    if len(text) > COMMENT_MAX:
        raise field_error("text", f"Keep comments under {COMMENT_MAX:,} characters.")
    return AnnotationComment.objects.create(annotation=annotation, author=user, text=text)


def work_seen_mark(*, user: Any) -> None:
    """The user has looked at their work now: rejections and comments before this are no longer news."""
    require_curator(user, "keep track of your work")
    WorkSeen.objects.update_or_create(user=user, defaults={"seen_at": timezone.now()})
