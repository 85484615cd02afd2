"""What the database itself guarantees, and what the migrations put in it."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from articles.models import Citation
from curation.models import Assignment, Facet, MechanismAnnotation, ScreeningDecision, Term
from curation.vocabulary_seed import SEED_TERMS
from tests.db import violates_constraint

from .factories import (
    AssignmentFactory,
    CitationFactory,
    MechanismAnnotationFactory,
    ScreeningDecisionFactory,
    TermFactory,
    ensure_seed,
    superuser,
)

pytestmark = pytest.mark.django_db


def test_migrations_create_the_roles_and_the_starting_vocabulary():
    ensure_seed()
    Group.objects.get_or_create(name="curator")  # a transactional test may have emptied the table
    assert set(SEED_TERMS) == set(Facet.values)
    for facet, entries in SEED_TERMS.items():
        labels = set(Term.objects.filter(facet=facet).values_list("label", flat=True))
        assert {label for label, _, _ in entries} <= labels
    assert Term.objects.get(facet="cargo", label="miR-21").identifier == "MIMAT0000076"
    assert set(Term.objects.filter(allows_drug=True).values_list("label", flat=True)) == {
        "chemoresistance",
        "radioresistance",
    }


def test_every_seed_identifier_is_one_we_recognise():
    from curation.models import identifier_source

    for entries in SEED_TERMS.values():
        for label, _, identifier in entries:
            assert not identifier or identifier_source(identifier), label


def test_term_labels_are_unique_per_facet_case_insensitively_among_unmerged_terms():
    TermFactory(facet="cargo", label="miR-X")
    assert violates_constraint("term_unique_label_per_facet", lambda: TermFactory(facet="cargo", label="MIR-x"))
    assert not violates_constraint("term_unique_label_per_facet", lambda: TermFactory(facet="target", label="miR-X"))
    target = TermFactory(facet="cargo", label="miR-Y")
    assert not violates_constraint(
        "term_unique_label_per_facet",
        lambda: TermFactory(facet="cargo", label="miR-X", status="merged", merged_into=target),
    )


def test_term_checks():
    # merged needs merged_into
    assert violates_constraint("term_merged_into_iff_merged", lambda: TermFactory(status="merged"))
    assert violates_constraint("term_allows_drug_only_effect", lambda: TermFactory(facet="drug", allows_drug=True))
    assert violates_constraint("term_facet_valid", lambda: TermFactory(facet="colour"))


def test_out_of_scope_needs_a_reason_in_the_database_too():
    assert violates_constraint(
        "screening_reason_iff_out_of_scope",
        lambda: ScreeningDecision.objects.create(citation=CitationFactory(), decision="out_of_scope"),
    )
    assert violates_constraint(
        "screening_reason_iff_out_of_scope",
        lambda: ScreeningDecision.objects.create(citation=CitationFactory(), decision="in_scope", reason="not_caf"),
    )
    assert not violates_constraint(
        "screening_reason_iff_out_of_scope",
        lambda: ScreeningDecision.objects.create(
            citation=CitationFactory(), decision="out_of_scope", reason="duplicate"
        ),
    )


def test_annotation_checks():
    assert violates_constraint("annotation_state_valid", lambda: MechanismAnnotationFactory(state="published"))
    assert violates_constraint(  # no submitted_at
        "annotation_submitted_at_when_submitted", lambda: MechanismAnnotationFactory(state="submitted")
    )
    assert violates_constraint(
        "annotation_rejection_has_comment",
        lambda: MechanismAnnotationFactory(
            state="rejected", submitted_at="2024-01-01T00:00Z", reviewed_at="2024-01-02T00:00Z"
        ),
    )  # a rejection without a comment
    assert violates_constraint("annotation_confidence_valid", lambda: MechanismAnnotationFactory(confidence="certain"))
    assert violates_constraint("annotation_version_positive", lambda: MechanismAnnotationFactory(version=0))


def test_client_tokens_are_unique():
    import uuid

    token = uuid.uuid4()
    MechanismAnnotationFactory(client_token=token)
    assert violates_constraint(
        "curation_mechanismannotation_client_token_key", lambda: MechanismAnnotationFactory(client_token=token)
    )
    assert MechanismAnnotation.objects.count() == 1


def test_a_used_term_cannot_be_deleted():
    term = TermFactory()
    MechanismAnnotationFactory(terms=[term])
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            term.delete()


def test_a_citation_with_screening_or_assignments_cannot_be_deleted():
    screened = ScreeningDecisionFactory().citation
    assigned = AssignmentFactory().citation
    for citation in (screened, assigned):
        with pytest.raises(ProtectedError), transaction.atomic():
            citation.delete()
    assert ScreeningDecision.objects.filter(citation=screened).exists()
    assert Assignment.objects.filter(citation=assigned).exists()
    CitationFactory().delete()  # a citation nobody worked on still goes


def test_the_admin_refuses_to_delete_a_screened_citation_and_says_why(client):
    client.force_login(superuser())
    citation = ScreeningDecisionFactory().citation
    AssignmentFactory(citation=citation)
    page = client.get(f"/admin/articles/citation/{citation.pk}/delete/").content.decode()
    assert "would require deleting the following protected related objects" in page
    client.post(f"/admin/articles/citation/{citation.pk}/delete/", {"post": "yes"})
    assert Citation.objects.filter(pk=citation.pk).exists()
    assert ScreeningDecision.objects.filter(citation=citation).exists()
