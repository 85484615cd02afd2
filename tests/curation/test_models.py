"""What the database itself guarantees, and what the migrations put in it."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from curation.models import Facet, MechanismAnnotation, ScreeningDecision, Term
from curation.vocabulary_seed import SEED_TERMS
from tests.db import violates_constraint

from .factories import CitationFactory, MechanismAnnotationFactory, TermFactory, ensure_seed

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
    assert violates_constraint(lambda: TermFactory(facet="cargo", label="MIR-x"))
    assert not violates_constraint(lambda: TermFactory(facet="target", label="miR-X"))
    target = TermFactory(facet="cargo", label="miR-Y")
    assert not violates_constraint(
        lambda: TermFactory(facet="cargo", label="miR-X", status="merged", merged_into=target)
    )


def test_term_checks():
    assert violates_constraint(lambda: TermFactory(status="merged"))  # merged needs merged_into
    assert violates_constraint(lambda: TermFactory(facet="drug", allows_drug=True))
    assert violates_constraint(lambda: TermFactory(facet="colour"))


def test_out_of_scope_needs_a_reason_in_the_database_too():
    assert violates_constraint(
        lambda: ScreeningDecision.objects.create(citation=CitationFactory(), decision="out_of_scope")
    )
    assert violates_constraint(
        lambda: ScreeningDecision.objects.create(citation=CitationFactory(), decision="in_scope", reason="not_caf")
    )
    assert not violates_constraint(
        lambda: ScreeningDecision.objects.create(
            citation=CitationFactory(), decision="out_of_scope", reason="duplicate"
        )
    )


def test_annotation_checks():
    assert violates_constraint(lambda: MechanismAnnotationFactory(state="published"))
    assert violates_constraint(lambda: MechanismAnnotationFactory(state="submitted"))  # no submitted_at
    assert violates_constraint(
        lambda: MechanismAnnotationFactory(
            state="rejected", submitted_at="2024-01-01T00:00Z", reviewed_at="2024-01-02T00:00Z"
        )
    )  # a rejection without a comment
    assert violates_constraint(lambda: MechanismAnnotationFactory(confidence="certain"))
    assert violates_constraint(lambda: MechanismAnnotationFactory(version=0))


def test_client_tokens_are_unique():
    import uuid

    token = uuid.uuid4()
    MechanismAnnotationFactory(client_token=token)
    assert violates_constraint(lambda: MechanismAnnotationFactory(client_token=token))
    assert MechanismAnnotation.objects.count() == 1


def test_a_used_term_cannot_be_deleted():
    term = TermFactory()
    MechanismAnnotationFactory(terms=[term])
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            term.delete()
