"""The rules a mechanism must follow, checked facet by facet so every message names its field."""

from typing import Any

from ..models import SINGLE_VALUE_FACETS, Facet, MechanismAnnotation, Term
from ..models.annotations import EVIDENCE_RANK, SPECIES_MAX, SYSTEM_FIELDS, SYSTEM_MAX
from ._common import FieldErrors

QUOTE_MAX = 2000
NOTES_MAX = 10000
FIGURE_MAX = 200

SUBMIT_MINIMUM = "cargo or cargo type, effect, direction and evidence"


def facet_label(facet: str) -> str:
    return Facet(facet).label.lower() if facet in Facet.values else facet


def final_term(term: Term) -> Term:
    """A merged term stands for the term it was merged into (merges keep chains one step long)."""
    seen = set()
    while term.status == Term.Status.MERGED and term.merged_into_id and term.pk not in seen:
        seen.add(term.pk)
        term = term.merged_into
    return term


def resolve_values(
    values: Any,
    *,
    errors: FieldErrors,
    current: dict[str, list[Term]] | None = None,
    user: Any = None,
) -> dict[str, list[Term]]:
    """Turn `{facet: [term ids]}` into terms, checked against the vocabulary.

    Facets missing from `values` keep their `current` terms. A merged term is replaced by its target. A retired
    term may stay where it already is but cannot be added. A proposed term is added only by its proposer (`user`);
    a refused one by nobody.
    """
    current = current or {facet: [] for facet in Facet.values}
    grouped: dict[str, list[Term]] = {facet: list(current.get(facet, [])) for facet in Facet.values}
    if values is None:
        return grouped
    if not isinstance(values, dict):
        errors.add("values", "Give the values as an object mapping each facet to a list of term ids.")
        return grouped
    wanted = _term_ids_by_facet(values, errors=errors)
    all_ids = {term_id for ids in wanted.values() for term_id in ids}
    terms = Term.objects.select_related("merged_into").in_bulk(all_ids) if all_ids else {}
    for facet, ids in wanted.items():
        already = {term.pk for term in current.get(facet, [])}
        grouped[facet] = _terms_for_facet(facet, ids, terms=terms, already=already, errors=errors, user=user)
    for facet in SINGLE_VALUE_FACETS:
        if facet in wanted and len(grouped[facet]) > 1:
            names = ", ".join(term.label for term in grouped[facet])
            errors.add(facet, f"{Facet(facet).label} takes one value; choose one of: {names}.")
    _check_drug_needs_resistance(grouped, errors=errors)
    return grouped


def _term_ids_by_facet(values: dict, *, errors: FieldErrors) -> dict[str, list[int]]:
    """The term ids sent per facet; an unknown facet or a value that is not a list of ids is an error."""
    wanted: dict[str, list[int]] = {}
    for facet, ids in values.items():
        if facet not in Facet.values:
            errors.add(facet, f"“{facet}” is not a facet; use one of: {', '.join(Facet.values)}.")
            continue
        if isinstance(ids, int) and not isinstance(ids, bool):
            ids = [ids]
        if not isinstance(ids, (list, tuple)) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            errors.add(facet, f"Give the {facet_label(facet)} as a list of term ids.")
            continue
        wanted[facet] = list(ids)
    return wanted


def _terms_for_facet(
    facet: str, ids: list[int], *, terms: dict[int, Term], already: set[int], errors: FieldErrors, user: Any = None
) -> list[Term]:
    """The facet's terms in the order sent, each existing, of this facet and addable (or already there)."""
    chosen: list[Term] = []
    for term_id in ids:
        term = terms.get(term_id)
        if term is None:
            errors.add(facet, f"There is no vocabulary term with id {term_id}.")
            continue
        term = final_term(term)
        if term.facet != facet:
            errors.add(
                facet, f"“{term.label}” is a {facet_label(term.facet)} term; choose a {facet_label(facet)} term here."
            )
        elif term.status == Term.Status.RETIRED and term.pk not in already:
            errors.add(facet, f"“{term.label}” is retired and cannot be added; pick an active term.")
        elif term.status == Term.Status.MERGED:
            errors.add(facet, f"“{term.label}” was merged away; pick the term it was merged into.")
        elif term.status == Term.Status.PROPOSED and term.pk not in already and term.created_by_id != _pk(user):
            errors.add(facet, f"“{term.label}” is another curator's proposal, not yet approved by an editor.")
        elif term.status == Term.Status.REFUSED and term.pk not in already:
            errors.add(facet, f"“{term.label}” was refused by an editor; pick another term.")
        elif all(term.pk != other.pk for other in chosen):
            chosen.append(term)
    return chosen


def _pk(user: Any) -> int | None:
    return getattr(user, "pk", None)


def _check_drug_needs_resistance(grouped: dict[str, list[Term]], *, errors: FieldErrors) -> None:
    if not grouped[Facet.DRUG] or any(term.allows_drug for term in grouped[Facet.EFFECT]):
        return
    resistance = list(
        Term.objects.filter(facet=Facet.EFFECT, allows_drug=True, status=Term.Status.ACTIVE)
        .order_by("label")
        .values_list("label", flat=True)
    )
    which = f" ({' or '.join(resistance)})" if resistance else ""
    errors.add(
        Facet.DRUG,
        f"A drug is recorded only with a resistance effect{which}: add one under effect, or remove the drug.",
    )


def clean_text_fields(fields: dict[str, Any], *, errors: FieldErrors) -> dict[str, str]:
    """Strip and check quote, figure, confidence and notes; only the keys given are returned."""
    cleaned: dict[str, str] = {}
    limits = {"quote": QUOTE_MAX, "figure": FIGURE_MAX, "notes": NOTES_MAX}
    for field, value in fields.items():
        if value is None:
            continue
        if not isinstance(value, str):
            errors.add(field, "Give text.")
            continue
        value = value.strip()
        if field in limits and len(value) > limits[field]:
            errors.add(field, f"Keep the {field} to {limits[field]:,} characters or fewer (it has {len(value):,}).")
            continue
        if field == "confidence" and value not in ("", *MechanismAnnotation.Confidence.values):
            errors.add(field, "Confidence is low, medium or high (or left empty).")
            continue
        cleaned[field] = value
    return cleaned


def clean_system_fields(fields: dict[str, Any], *, errors: FieldErrors) -> dict[str, str]:
    """Strip and check the experimental system's fields; only the keys given are returned (None leaves one alone).

    A species belongs to an animal model: it is refused without one, once both are known (`current` fills in what
    an update leaves out, see `evidence_level_of`)."""
    cleaned: dict[str, str] = {}
    for field in SYSTEM_FIELDS:
        value = fields.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            errors.add(field, "Give text.")
            continue
        value = value.strip()
        limit = SPECIES_MAX if field == "species" else SYSTEM_MAX
        if len(value) > limit:
            errors.add(field, f"Keep it to {limit:,} characters or fewer (it has {len(value):,}).")
            continue
        cleaned[field] = value
    return cleaned


def check_system(system: dict[str, str], *, errors: FieldErrors) -> None:
    """The whole system after the change: a species needs the animal model it belongs to."""
    if system.get("species") and not system.get("animal_model"):
        errors.add("animal_model", "Name the animal model the species belongs to (e.g. “xenograft in nude mice”).")


def evidence_level_of(system: dict[str, str]) -> str:
    """The strongest system named: clinical cohort, then patient samples, in vivo, in vitro; "" for none."""
    return next((level for field, level in EVIDENCE_RANK if system.get(field)), "")


def unapproved_terms(values: dict[str, list[Term]]) -> tuple[list[Term], list[Term]]:
    """(proposed, refused) terms among the values: a proposal waits for an editor, a refused one must go."""
    terms = [term for facet_terms in values.values() for term in facet_terms]
    proposed = [term for term in terms if term.status == Term.Status.PROPOSED]
    refused = [term for term in terms if term.status == Term.Status.REFUSED]
    return proposed, refused


def require_no_refused_terms(values: dict[str, list[Term]]) -> None:
    _, refused = unapproved_terms(values)
    if refused:
        errors = FieldErrors()
        for term in refused:
            errors.add(term.facet, f"“{term.label}” was refused by an editor; replace it before submitting.")
        errors.raise_if_any(f"Replace the refused terms first: {', '.join(t.label for t in refused)}.")


def require_approved_terms(values: dict[str, list[Term]]) -> None:
    """Accepting needs every term approved: a proposal is approved (or merged) in the inbox first."""
    proposed, refused = unapproved_terms(values)
    if proposed or refused:
        errors = FieldErrors()
        for term in proposed:
            errors.add(term.facet, f"“{term.label}” is a proposed term: approve or merge it in the inbox first.")
        for term in refused:
            errors.add(term.facet, f"“{term.label}” was refused; the curator must replace it.")
        names = ", ".join(t.label for t in proposed + refused)
        errors.raise_if_any(f"This annotation uses terms not yet in the vocabulary ({names}); it cannot be accepted.")


def submission_gaps(values: dict[str, list[Term]]) -> FieldErrors:
    """What an annotation still lacks to make a mechanism: cargo or cargo type, effect, direction, evidence."""
    gaps = FieldErrors()
    if not values[Facet.CARGO] and not values[Facet.CARGO_TYPE]:
        gaps.add(Facet.CARGO, "Give the cargo, or at least its type, before submitting.")
    for facet in (Facet.EFFECT, Facet.DIRECTION, Facet.EVIDENCE):
        if not values[facet]:
            gaps.add(facet, f"Give the {facet_label(facet)} before submitting.")
    return gaps


def require_submittable(values: dict[str, list[Term]], *, verb: str = "submit") -> None:
    gaps = submission_gaps(values)
    if gaps:
        missing = ", ".join("cargo or cargo type" if f == Facet.CARGO else facet_label(f) for f in gaps.errors)
        gaps.raise_if_any(f"To {verb} a mechanism it needs at least {SUBMIT_MINIMUM}; missing: {missing}.")
