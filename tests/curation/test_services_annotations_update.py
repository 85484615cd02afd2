"""Updating annotations: version checks and conflicts, field diffs in the history, edits locked by the workflow."""

import pytest

from cafex_portal.exceptions import ApplicationError, ConflictError
from curation import services
from curation.models import AnnotationRevision, MechanismAnnotation

from .annotation_helpers import term
from .factories import CitationFactory, complete_values, curator, editor

pytestmark = pytest.mark.django_db


def test_update_bumps_the_version_and_records_a_field_diff():
    user = curator()
    annotation = services.annotation_create(
        citation=CitationFactory(), user=user, values={"cargo": [term("cargo", "miR-21").pk]}, quote="old"
    )
    updated = services.annotation_update(
        annotation=annotation,
        user=user,
        expected_version=1,
        values={"cargo": [term("cargo", "miR-522").pk], "effect": [term("effect", "metastasis").pk]},
        quote="new",
    )
    assert updated.version == 2
    assert updated.quote == "new"
    revision = updated.revisions.order_by("-pk").first()
    assert revision.action == AnnotationRevision.Action.UPDATED
    assert revision.version == 2
    assert revision.changes == {
        "quote": {"from": "old", "to": "new"},
        "cargo": {"from": ["miR-21"], "to": ["miR-522"]},
        "effect": {"from": [], "to": ["metastasis"]},
    }


def test_update_leaves_facets_it_is_not_given():
    user = curator()
    cargo = term("cargo", "miR-21")
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values={"cargo": [cargo.pk]})
    updated = services.annotation_update(
        annotation=annotation, user=user, expected_version=1, values={"effect": [term("effect", "metastasis").pk]}
    )
    assert [t.pk for t in updated.values_by_facet()["cargo"]] == [cargo.pk]


def test_an_update_that_changes_nothing_keeps_the_version():
    user = curator()
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values={}, notes="same")
    updated = services.annotation_update(annotation=annotation, user=user, expected_version=1, notes="same")
    assert updated.version == 1
    assert annotation.revisions.count() == 1


def test_a_stale_version_is_a_conflict_showing_both_versions_and_changing_nothing():
    user = curator()
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values={}, notes="first")
    services.annotation_update(annotation=annotation, user=user, expected_version=1, notes="second")

    with pytest.raises(ConflictError) as excinfo:
        services.annotation_update(
            annotation=annotation,
            user=user,
            expected_version=1,
            notes="stale edit",
            values={"cargo": [term("cargo", "miR-21").pk]},
        )
    error = excinfo.value
    assert error.status_code == 409
    assert "version 1" in error.message and "version 2" in error.message
    assert error.extra["current"]["version"] == 2
    assert error.extra["current"]["notes"] == "second"
    assert error.extra["yours"]["version"] == 1
    assert error.extra["yours"]["notes"] == "stale edit"
    assert error.extra["yours"]["values"]["cargo"][0]["label"] == "miR-21"
    stored = MechanismAnnotation.objects.get(pk=annotation.pk)
    assert (stored.version, stored.notes, stored.terms.count()) == (2, "second", 0)
    assert stored.revisions.count() == 2


def test_invalid_values_on_update_roll_the_version_back():
    user = curator()
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values={})
    with pytest.raises(ApplicationError):
        services.annotation_update(
            annotation=annotation, user=user, expected_version=1, values={"direction": [999_999]}
        )
    assert MechanismAnnotation.objects.get(pk=annotation.pk).version == 1


def test_authors_cannot_edit_while_submitted_or_after_acceptance():
    user = curator()
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values=complete_values())
    services.annotation_submit(annotation=annotation, user=user)
    with pytest.raises(ApplicationError, match="waits for an editor"):
        services.annotation_update(annotation=annotation, user=user, expected_version=2, notes="x")
    services.annotation_accept(annotation=annotation, user=editor())
    with pytest.raises(ApplicationError, match="accepted and locked"):
        services.annotation_update(annotation=annotation, user=editor(), expected_version=3, notes="x")
