"""Screening decisions and assignments."""

import pytest

from cafex_portal.exceptions import ApplicationError, NotAllowedError
from curation import services
from curation.models import Assignment, ScreeningDecision

from .factories import CitationFactory, MechanismAnnotationFactory, UserFactory, complete_values, curator, editor

pytestmark = pytest.mark.django_db
Decision = ScreeningDecision.Decision


def test_screening_sets_and_changes_the_one_decision_of_a_citation():
    citation, user = CitationFactory(), curator()
    first = services.screening_set(citation=citation, user=user, decision="out_of_scope", reason="not_ev")
    assert (first.decision, first.reason, first.decided_by) == (Decision.OUT_OF_SCOPE, "not_ev", user)
    second = services.screening_set(citation=citation, user=user, decision="in_scope", reason="not_ev")
    assert second.pk == first.pk
    assert (second.decision, second.reason) == (Decision.IN_SCOPE, "")  # a reason only goes with out of scope
    assert ScreeningDecision.objects.count() == 1


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"decision": "out_of_scope"}, "reason"),
        ({"decision": "out_of_scope", "reason": "boring"}, "reason"),
        ({"decision": "out_of_scope", "reason": "other"}, "note"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_screening_messages_name_the_field(kwargs, field):
    with pytest.raises(ApplicationError) as excinfo:
        services.screening_set(citation=CitationFactory(), user=curator(), **kwargs)
    assert list(excinfo.value.extra["errors"]) == [field]


def test_out_of_scope_other_with_a_note_is_fine():
    screening = services.screening_set(
        citation=CitationFactory(), user=curator(), decision="out_of_scope", reason="other", note="a corrigendum"
    )
    assert screening.note == "a corrigendum"


def test_screening_needs_a_curator():
    with pytest.raises(NotAllowedError):
        services.screening_set(citation=CitationFactory(), user=UserFactory(), decision="in_scope")


def test_assignment_is_idempotent_per_citation_and_curator_and_allows_several_curators():
    boss, first, second = editor(), curator(), curator()
    citations = [CitationFactory(), CitationFactory()]
    made = services.assignment_create(citations=citations, curator=first, user=boss)
    assert [a.citation for a in made] == citations
    again = services.assignment_create(citations=citations[::-1], curator=first, user=boss)
    assert [a.pk for a in again] == [made[1].pk, made[0].pk]
    services.assignment_create(citations=citations[:1], curator=second, user=boss)
    assert Assignment.objects.count() == 3
    services.assignment_delete(assignment=made[0], user=boss)
    assert Assignment.objects.count() == 2


def test_only_curators_can_be_assigned():
    with pytest.raises(ApplicationError) as excinfo:
        services.assignment_create(citations=[CitationFactory()], curator=UserFactory(), user=editor())
    assert "not a curator" in excinfo.value.extra["errors"]["curator"][0]


def test_assignments_are_managed_by_editors():
    assignment = services.assignment_create(citations=[CitationFactory()], curator=curator(), user=editor())[0]
    with pytest.raises(NotAllowedError):
        services.assignment_delete(assignment=assignment, user=assignment.curator)


def test_a_citation_with_a_submitted_annotation_cannot_be_screened_out():
    author, reviewer = curator(), editor()
    citation = CitationFactory()
    annotation = services.annotation_create(citation=citation, user=author, values=complete_values())
    annotation = services.annotation_submit(annotation=annotation, user=author)

    with pytest.raises(ApplicationError) as excinfo:
        services.screening_set(citation=citation, user=author, decision="out_of_scope", reason="other", note="no CAFs")
    assert excinfo.value.extra["errors"]["decision"] == [
        "This citation has 1 submitted annotation. Before it can be marked out of scope, an editor must reject the "
        "submitted one."
    ]
    assert not ScreeningDecision.objects.exists()

    # Rejected, the annotation goes back to its author and no longer holds the citation in scope ...
    annotation = services.annotation_reject(annotation=annotation, user=reviewer, comment="Not about CAFs")
    services.screening_set(citation=citation, user=author, decision="out_of_scope", reason="not_caf")
    # ... and cannot come back for review while the citation stays out.
    with pytest.raises(ApplicationError, match="out of scope"):
        services.annotation_submit(annotation=annotation, user=author)


def test_the_screening_message_counts_accepted_and_submitted_annotations():
    citation = CitationFactory()
    done = {"submitted_at": "2024-01-01T00:00Z", "reviewed_at": "2024-01-02T00:00Z"}
    MechanismAnnotationFactory.create_batch(2, citation=citation, state="accepted", **done)
    MechanismAnnotationFactory(citation=citation, state="submitted", submitted_at=done["submitted_at"])
    MechanismAnnotationFactory(citation=citation)  # a draft holds nothing
    with pytest.raises(ApplicationError) as excinfo:
        services.screening_set(citation=citation, user=curator(), decision="out_of_scope", reason="duplicate")
    assert excinfo.value.message == (
        "This citation has 2 accepted annotations and 1 submitted annotation. Before it can be marked out of scope, "
        "an editor must revert the accepted ones and reject the submitted one."
    )
