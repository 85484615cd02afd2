"""Curating the controlled vocabularies: add, edit, merge duplicates, retire."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cafex_portal.exceptions import ApplicationError
from cafex_portal.roles import require_curator, require_editor

from ..models import (
    AnnotationRevision,
    AnnotationTerm,
    Facet,
    MechanismAnnotation,
    Term,
    identifier_source,
    normalise_identifier,
    term_search_text,
)
from ..models.vocabulary import DESCRIPTION_MAX, IDENTIFIER_MAX, LABEL_MAX, SYNONYM_MAX, SYNONYMS_MAX
from ._common import FieldErrors, field_error
from .history import annotation_snapshot, snapshot_changes, terms_by_facet

EDITABLE_FIELDS = {"label", "synonyms", "identifier", "description", "allows_drug"}
KNOWN_IDENTIFIERS = (
    "HGNC:…, MIMAT…/MI… (miRBase), CL:…, DOID:…, NCIT:C…, CHEBI:…, GO:…, ECO:…, hsa04151 (KEGG), R-HSA-…"
)


def _too_long(what: str, value: str, limit: int) -> str:
    return f"Keep {what} to {limit:,} characters or fewer (it has {len(value):,})."


def _preview(text: str) -> str:
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def _text(fields: dict[str, Any], field: str, errors: FieldErrors) -> str | None:
    """The field's text, stripped; None (with an error) for anything that is not text."""
    value = fields[field]
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(field, "Give text.")
        return None
    return value.strip()


def _clean_synonyms(synonyms: Any, label: str, errors: FieldErrors) -> list[str]:
    """Stripped, without repeats or the label itself, each and all of them within the limits."""
    if isinstance(synonyms, str):
        synonyms = [part for part in synonyms.replace("\n", ",").split(",")]
    if not isinstance(synonyms, (list, tuple)) or not all(isinstance(s, str) for s in synonyms):
        errors.add("synonyms", "Give the synonyms as a list of names.")
        return []
    seen = {label.casefold()}
    cleaned = []
    for synonym in synonyms:
        synonym = synonym.strip()
        if len(synonym) > SYNONYM_MAX:
            errors.add(
                "synonyms",
                f"Keep each synonym to {SYNONYM_MAX:,} characters or fewer; {_preview(synonym)} has {len(synonym):,}.",
            )
        elif synonym and synonym.casefold() not in seen:
            seen.add(synonym.casefold())
            cleaned.append(synonym)
    if len(cleaned) > SYNONYMS_MAX:
        errors.add("synonyms", f"Give at most {SYNONYMS_MAX} synonyms (there are {len(cleaned)}).")
    return cleaned


def _check_fields(
    *, facet: str, fields: dict[str, Any], errors: FieldErrors, current: Term | None = None
) -> dict[str, Any]:
    """Clean the given fields of a term in `facet`: within their limits, and the label and identifier not taken."""
    cleaned: dict[str, Any] = {}
    if "label" in fields:
        label = _text(fields, "label", errors)
        if label is None:
            pass  # not text: said so already
        elif not label:
            errors.add("label", "Give the term a label.")
        elif len(label) > LABEL_MAX:
            errors.add("label", _too_long("the label", label, LABEL_MAX))
        else:
            clash = Term.objects.filter(facet=facet, label__iexact=label).exclude(
                status__in=[Term.Status.MERGED, Term.Status.REFUSED]
            )
            clash = clash.exclude(pk=current.pk if current else None).first()
            if clash:
                errors.add("label", f"“{clash.label}” is already a {Facet(facet).label.lower()} term (id {clash.pk}).")
            cleaned["label"] = label
    if "synonyms" in fields:
        label = cleaned.get("label") or (current.label if current else "")
        cleaned["synonyms"] = _clean_synonyms(fields["synonyms"], label, errors)
    if "identifier" in fields:
        identifier = _text(fields, "identifier", errors)
        identifier = normalise_identifier(identifier) if identifier is not None else ""
        if len(identifier) > IDENTIFIER_MAX:
            errors.add("identifier", _too_long("the identifier", identifier, IDENTIFIER_MAX))
        elif identifier and identifier_source(identifier) is None:
            errors.add("identifier", f"“{identifier}” is not an identifier we know; use one of {KNOWN_IDENTIFIERS}.")
        elif identifier:
            clash = Term.objects.filter(facet=facet, identifier=identifier).exclude(
                status__in=[Term.Status.MERGED, Term.Status.REFUSED]
            )
            clash = clash.exclude(pk=current.pk if current else None).first()
            if clash:
                errors.add("identifier", f"{identifier} already identifies “{clash.label}” (id {clash.pk}).")
        cleaned["identifier"] = identifier
    if "description" in fields:
        description = _text(fields, "description", errors)
        if description is not None and len(description) > DESCRIPTION_MAX:
            errors.add("description", _too_long("the description", description, DESCRIPTION_MAX))
        cleaned["description"] = description or ""
    if "allows_drug" in fields:
        allows_drug = bool(fields["allows_drug"])
        if allows_drug and facet != Facet.EFFECT:
            errors.add("allows_drug", "Only effect terms can allow a drug.")
        cleaned["allows_drug"] = allows_drug
    return cleaned


def term_fields_check(*, facet: str, fields: dict[str, Any], current: Term | None = None) -> dict[str, Any]:
    """The cleaned fields, or an ApplicationError naming each field at fault (for forms that check first)."""
    errors = FieldErrors()
    cleaned = _check_fields(facet=facet, fields=fields, errors=errors, current=current)
    errors.raise_if_any()
    return cleaned


@transaction.atomic
def term_create(
    *,
    facet: str,
    label: str,
    user: Any,
    synonyms: Iterable[str] = (),
    identifier: str = "",
    description: str = "",
    allows_drug: bool = False,
) -> Term:
    require_editor(user, "add vocabulary terms")
    fields = {"label": label, "synonyms": synonyms, "identifier": identifier, "description": description}
    return _term_new(facet=facet, user=user, status=Term.Status.ACTIVE, fields={**fields, "allows_drug": allows_drug})


def _term_new(*, facet: str, user: Any, status: str, fields: dict[str, Any]) -> Term:
    """A new term after every check a term's fields have (a new one and an edited one alike)."""
    if facet not in Facet.values:
        raise field_error("facet", f"“{facet}” is not a facet; use one of: {', '.join(Facet.values)}.")
    synonyms = fields["synonyms"]
    fields = {**fields, "synonyms": list(synonyms) if not isinstance(synonyms, str) else synonyms}
    errors = FieldErrors()
    fields = _check_fields(facet=facet, fields=fields, errors=errors)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            return Term.objects.create(
                facet=facet,
                status=status,
                created_by=user,
                search_text=term_search_text(fields["label"], fields["synonyms"]),
                **fields,
            )
    except IntegrityError:
        raise field_error("label", f"“{fields['label']}” was just added by someone else.") from None


def _locked(term: Term) -> Term:
    return Term.objects.select_for_update(of=("self",)).select_related("merged_into").get(pk=term.pk)


@transaction.atomic
def term_update(*, term: Term, user: Any, **fields: Any) -> Term:
    """Edit label, synonyms, identifier, description or allows_drug. Annotations follow: they point at the term."""
    require_editor(user, "edit vocabulary terms")
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(
            f"These cannot be edited here: {', '.join(sorted(unknown))}; use merge or retire to change a status."
        )
    term = _locked(term)
    if term.status == Term.Status.MERGED:
        raise ApplicationError(f"“{term.label}” was merged into “{term.merged_into.label}”; edit that term instead.")
    errors = FieldErrors()
    cleaned = _check_fields(facet=term.facet, fields=fields, errors=errors, current=term)
    errors.raise_if_any()
    for field, value in cleaned.items():
        setattr(term, field, value)
    term.search_text = term_search_text(term.label, term.synonyms)
    try:
        with transaction.atomic():
            term.save()
    except IntegrityError:
        raise field_error("label", "Another term just took this label or identifier.") from None
    return term


@transaction.atomic
def term_merge(*, source: Term, target: Term, user: Any) -> Term:
    """Fold a duplicate into another term of the same facet: its annotations, names and identifier move over.

    Every annotation that used `source` now uses `target`, gets a new version and a revision saying so.
    """
    require_editor(user, "merge vocabulary terms")
    if source.pk == target.pk:
        raise field_error("into", "A term cannot be merged into itself.")
    first, second = sorted([source, target], key=lambda t: t.pk)  # lock in one order: no deadlock
    locked = {t.pk: t for t in (_locked(first), _locked(second))}
    source, target = locked[source.pk], locked[target.pk]
    if source.facet != target.facet:
        raise field_error(
            "into",
            f"“{source.label}” is a {Facet(source.facet).label.lower()} term and “{target.label}” a "
            f"{Facet(target.facet).label.lower()} term; only terms of one facet can be merged.",
        )
    if source.status == Term.Status.MERGED:
        raise ApplicationError(f"“{source.label}” was already merged into “{source.merged_into.label}”.")
    if target.status != Term.Status.ACTIVE:
        raise field_error("into", f"“{target.label}” is {target.status}; merge into an active term.")

    # The source's names live on as the target's synonyms, within the same limit as any edit.
    known = {name.casefold() for name in [target.label, *target.synonyms]}
    moved = [name for name in [source.label, *source.synonyms] if name.casefold() not in known]
    synonyms = list(dict.fromkeys([*target.synonyms, *moved]))
    if len(synonyms) > SYNONYMS_MAX:
        raise field_error(
            "into",
            f"Merged, “{target.label}” would have {len(synonyms)} synonyms, and a term has at most {SYNONYMS_MAX} "
            "synonyms: remove some from either term first.",
        )

    annotation_ids = list(AnnotationTerm.objects.filter(term=source).values_list("annotation_id", flat=True))
    annotations = list(
        MechanismAnnotation.objects.filter(pk__in=annotation_ids).select_related("author").order_by("pk")
    )
    before = {annotation.pk: annotation_snapshot(annotation) for annotation in annotations}
    has_target = set(
        AnnotationTerm.objects.filter(term=target, annotation_id__in=annotation_ids).values_list(
            "annotation_id", flat=True
        )
    )
    AnnotationTerm.objects.filter(term=source, annotation_id__in=has_target).delete()
    AnnotationTerm.objects.filter(term=source).update(term=target)
    now = timezone.now()
    MechanismAnnotation.objects.filter(pk__in=annotation_ids).update(version=F("version") + 1, updated_at=now)

    revisions = []
    for annotation in annotations:
        annotation.version += 1
        annotation.updated_at = now
        after = annotation_snapshot(annotation, terms_by_facet(annotation))
        revisions.append(
            AnnotationRevision(
                annotation=annotation,
                actor=user,
                action=AnnotationRevision.Action.TERM_MERGED,
                version=annotation.version,
                snapshot=after,
                changes=snapshot_changes(before[annotation.pk], after),
            )
        )
    AnnotationRevision.objects.bulk_create(revisions)

    source.status = Term.Status.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into", "updated_at"])
    # Terms merged into the source earlier now point straight at the target: chains stay one step long.
    Term.objects.filter(merged_into=source).update(merged_into=target, updated_at=now)

    if not target.identifier and source.identifier:
        target.identifier = source.identifier
    target.synonyms = synonyms
    target.allows_drug = target.allows_drug or source.allows_drug
    target.search_text = term_search_text(target.label, target.synonyms)
    target.save()
    return target


@transaction.atomic
def term_retire(*, term: Term, user: Any) -> Term:
    """Stop offering a term for new annotations; the annotations that use it keep it."""
    require_editor(user, "retire vocabulary terms")
    term = _locked(term)
    if term.status != Term.Status.ACTIVE:
        raise ApplicationError(f"“{term.label}” is already {term.status}.")
    term.status = Term.Status.RETIRED
    term.save(update_fields=["status", "updated_at"])
    return term


@transaction.atomic
def term_reactivate(*, term: Term, user: Any) -> Term:
    """Offer a retired term again."""
    require_editor(user, "reactivate vocabulary terms")
    term = _locked(term)
    if term.status != Term.Status.RETIRED:
        raise ApplicationError(f"Only retired terms can be reactivated; “{term.label}” is {term.status}.")
    term.status = Term.Status.ACTIVE
    term.save(update_fields=["status", "updated_at"])
    return term


# --- Proposals: a curator adds a missing term for their own draft; an editor approves, merges or refuses it.


@transaction.atomic
def term_propose(
    *, facet: str, label: str, user: Any, synonyms: Iterable[str] = (), identifier: str = "", description: str = ""
) -> Term:
    """A term the vocabulary lacks, usable at once in the proposer's own drafts and nowhere else until an editor
    approves it; an annotation holding it cannot be accepted before then."""
    require_curator(user, "propose vocabulary terms")
    fields = {"label": label, "synonyms": synonyms, "identifier": identifier, "description": description}
    return _term_new(facet=facet, user=user, status=Term.Status.PROPOSED, fields=fields)


def _locked_proposal(term: Term, verb: str) -> Term:
    term = _locked(term)
    if term.status != Term.Status.PROPOSED:
        raise ApplicationError(f"“{term.label}” is {term.get_status_display().lower()}, not a proposal to {verb}.")
    return term


@transaction.atomic
def term_approve(*, term: Term, user: Any) -> Term:
    """Make a proposal an ordinary active term: everyone can pick it, and annotations using it can be accepted."""
    require_editor(user, "approve proposed terms")
    term = _locked_proposal(term, "approve")
    term.status = Term.Status.ACTIVE
    term.save(update_fields=["status", "updated_at"])
    return term


@transaction.atomic
def term_refuse(*, term: Term, user: Any, reason: str) -> Term:
    """Refuse a proposal, saying why. Drafts that use it keep it until their author replaces it; they cannot be
    submitted with it. To say "we have this already", merge the proposal instead."""
    require_editor(user, "refuse proposed terms")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the term is refused, so its proposer knows what to pick instead.")
    if len(reason) > DESCRIPTION_MAX:
        raise field_error("reason", _too_long("the reason", reason, DESCRIPTION_MAX))
    term = _locked_proposal(term, "refuse")
    term.status = Term.Status.REFUSED
    term.review_note = reason
    term.save(update_fields=["status", "review_note", "updated_at"])
    return term


@transaction.atomic
def term_proposal_merge(*, term: Term, target: Term, user: Any) -> Term:
    """Fold a proposal into the existing term it duplicates (see `term_merge`); returns the term that stays."""
    require_editor(user, "merge proposed terms")
    _locked_proposal(term, "merge")
    return term_merge(source=term, target=target, user=user)
