"""Snapshots of annotations and the revisions that record each change."""

from typing import Any

from ..models import AnnotationRevision, AnnotationTerm, Facet, MechanismAnnotation, Term

# Plain fields a revision compares and a revert restores; facets are compared separately.
TRACKED_FIELDS = (
    "state", "quote", "figure", "confidence", "notes", "review_comment",
    "cell_lines", "animal_model", "species", "patient_samples", "clinical_cohort",
)  # fmt: skip


def terms_by_facet(annotation: MechanismAnnotation) -> dict[str, list[Term]]:
    """The annotation's terms as stored now (never a stale prefetch), grouped by facet in the order added."""
    grouped: dict[str, list[Term]] = {facet: [] for facet in Facet.values}
    links = AnnotationTerm.objects.filter(annotation_id=annotation.pk).select_related("term").order_by("pk")
    for link in links:
        grouped[link.term.facet].append(link.term)
    return grouped


def values_snapshot(values: dict[str, list[Term]]) -> dict[str, list[dict]]:
    return {facet: [{"id": term.pk, "label": term.label} for term in terms] for facet, terms in values.items()}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def annotation_snapshot(annotation: MechanismAnnotation, values: dict[str, list[Term]] | None = None) -> dict[str, Any]:
    """The whole annotation as plain JSON: what a revision stores, a revert restores and a conflict shows."""
    if values is None:
        values = terms_by_facet(annotation)
    return {
        "id": annotation.pk,
        "citation": annotation.citation_id,
        "author": annotation.author.get_username() if annotation.author_id else None,
        "version": annotation.version,
        "state": annotation.state,
        "values": values_snapshot(values),
        "quote": annotation.quote,
        "figure": annotation.figure,
        "confidence": annotation.confidence,
        "notes": annotation.notes,
        "cell_lines": annotation.cell_lines,
        "animal_model": annotation.animal_model,
        "species": annotation.species,
        "patient_samples": annotation.patient_samples,
        "clinical_cohort": annotation.clinical_cohort,
        "evidence_level": annotation.evidence_level,
        "reviewed_by": annotation.reviewed_by_id,
        "reviewed_at": _iso(annotation.reviewed_at),
        "review_comment": annotation.review_comment,
        "submitted_at": _iso(annotation.submitted_at),
        "updated_at": _iso(annotation.updated_at),
    }


EMPTY_SNAPSHOT: dict[str, Any] = {
    **{field: "" for field in TRACKED_FIELDS},
    "values": {facet: [] for facet in Facet.values},
}


def snapshot_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`{field: {"from": old, "to": new}}` for each changed field; facets compare term ids and show labels."""
    changes: dict[str, dict[str, Any]] = {}
    for field in TRACKED_FIELDS:
        if before.get(field, "") != after.get(field, ""):
            changes[field] = {"from": before.get(field, ""), "to": after.get(field, "")}
    for facet in Facet.values:
        old = before["values"].get(facet, [])
        new = after["values"].get(facet, [])
        if [item["id"] for item in old] != [item["id"] for item in new]:
            changes[facet] = {"from": [item["label"] for item in old], "to": [item["label"] for item in new]}
    return changes


def revision_record(
    *,
    annotation: MechanismAnnotation,
    actor: Any,
    action: str,
    before: dict[str, Any] | None,
    values: dict[str, list[Term]] | None = None,
    reverted_to: AnnotationRevision | None = None,
) -> AnnotationRevision:
    """Store what the annotation looks like now and what changed since `before` (None: it is new)."""
    after = annotation_snapshot(annotation, values)
    return AnnotationRevision.objects.create(
        annotation=annotation,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        version=annotation.version,
        snapshot=after,
        changes=snapshot_changes(before or EMPTY_SNAPSHOT, after),
        reverted_to=reverted_to,
    )
