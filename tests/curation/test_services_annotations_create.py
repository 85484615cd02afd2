"""Creating annotations: validation by facet, retired and merged terms, and idempotent create by client token."""

import uuid

import pytest

from cafex_portal.exceptions import ApplicationError
from curation import services
from curation.models import AnnotationRevision, MechanismAnnotation, Term

from .annotation_helpers import errors_of, term
from .factories import (
    CitationFactory,
    ScreeningDecisionFactory,
    TermFactory,
    complete_values,
    curator,
    editor,
    ensure_seed,
)

pytestmark = pytest.mark.django_db


def test_create_stores_the_worked_example_as_a_draft_with_terms_in_order():
    user = curator()
    citation = CitationFactory()
    annotation = services.annotation_create(
        citation=citation,
        user=user,
        values=complete_values(),
        quote="CAF secreted miR-522 suppresses ferroptosis",
        figure="Fig. 3B",
        confidence="high",
        notes="  seen in two cell lines  ",
    )
    assert annotation.state == MechanismAnnotation.State.DRAFT
    assert annotation.version == 1
    assert annotation.author == user
    assert annotation.notes == "seen in two cell lines"
    grouped = annotation.values_by_facet()
    assert [t.label for t in grouped["drug"]] == ["cisplatin", "paclitaxel"]
    assert [t.label for t in grouped["effect"]] == ["ferroptosis/apoptosis resistance", "chemoresistance"]
    revision = annotation.revisions.get()
    assert revision.action == AnnotationRevision.Action.CREATED
    assert revision.actor == user
    assert revision.snapshot["values"]["cargo"] == [{"id": term("cargo", "miR-522").pk, "label": "miR-522"}]
    assert revision.changes["quote"] == {"from": "", "to": "CAF secreted miR-522 suppresses ferroptosis"}


def test_a_draft_may_be_empty():
    annotation = services.annotation_create(citation=CitationFactory(), user=curator(), values={})
    assert annotation.terms.count() == 0


@pytest.mark.parametrize(
    "values, field, fragment",
    [
        ({"drug": ["cisplatin"]}, "drug", "only with a resistance effect (chemoresistance or radioresistance)"),
        ({"drug": ["cisplatin"], "effect": ["metastasis"]}, "drug", "resistance effect"),
        ({"direction": ["promotes", "suppresses"]}, "direction", "Direction takes one value"),
        ({"cargo": ["gastric cancer"]}, "cargo", "“gastric cancer” is a cancer type term; choose a cargo term"),
    ],
)
def test_facet_rules_name_the_field(values, field, fragment):
    by_label = {label: Term.objects.get(label=label).pk for labels in values.values() for label in labels}
    ensure_seed()
    ids = {facet: [by_label[label] for label in labels] for facet, labels in values.items()}
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_create(citation=CitationFactory(), user=curator(), values=ids)
    assert fragment in " ".join(errors_of(excinfo)[field])
    assert fragment in excinfo.value.message
    assert MechanismAnnotation.objects.count() == 0


def test_a_drug_with_radioresistance_is_fine():
    values = {"drug": [term("drug", "cisplatin").pk], "effect": [term("effect", "radioresistance").pk]}
    annotation = services.annotation_create(citation=CitationFactory(), user=curator(), values=values)
    assert annotation.terms.count() == 2


def test_unknown_facet_and_missing_term_are_reported_per_field():
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_create(
            citation=CitationFactory(), user=curator(), values={"flavour": [1], "cargo": [999_999]}
        )
    errors = errors_of(excinfo)
    assert "is not a facet" in errors["flavour"][0]
    assert errors["cargo"] == ["There is no vocabulary term with id 999999."]


def test_text_fields_are_checked():
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_create(
            citation=CitationFactory(), user=curator(), values={}, confidence="certain", figure="F" * 201
        )
    assert set(errors_of(excinfo)) == {"confidence", "figure"}


def test_retired_term_is_refused_on_new_values_but_kept_on_old_annotations():
    old_term = TermFactory(facet="cargo", label="miR-old")
    user = curator()
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values={"cargo": [old_term.pk]})
    services.term_retire(term=old_term, user=editor())

    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_create(citation=CitationFactory(), user=user, values={"cargo": [old_term.pk]})
    assert errors_of(excinfo)["cargo"] == ["“miR-old” is retired and cannot be added; pick an active term."]

    # The old annotation keeps it through an edit of another field, and even when its cargo list is resent.
    updated = services.annotation_update(
        annotation=annotation, user=user, expected_version=1, values={"cargo": [old_term.pk]}, notes="checked"
    )
    assert [t.pk for t in updated.values_by_facet()["cargo"]] == [old_term.pk]


def test_a_merged_term_given_by_an_old_form_becomes_its_target():
    source = TermFactory(facet="cargo", label="miR21")
    target = TermFactory(facet="cargo", label="miR-21 (test)")
    services.term_merge(source=source, target=target, user=editor())
    annotation = services.annotation_create(citation=CitationFactory(), user=curator(), values={"cargo": [source.pk]})
    assert [t.pk for t in annotation.values_by_facet()["cargo"]] == [target.pk]


def test_no_annotations_on_a_citation_screened_out():
    screening = ScreeningDecisionFactory(decision="out_of_scope", reason="not_ev")
    with pytest.raises(ApplicationError, match="out of scope"):
        services.annotation_create(citation=screening.citation, user=curator(), values={})


# --- idempotent create


def test_the_same_client_token_creates_one_annotation():
    user = curator()
    citation = CitationFactory()
    token = uuid.uuid4()
    first = services.annotation_create(citation=citation, user=user, values={}, notes="a", client_token=token)
    again = services.annotation_create(citation=citation, user=user, values={}, notes="a", client_token=str(token))
    assert again.pk == first.pk
    assert MechanismAnnotation.objects.count() == 1
    assert AnnotationRevision.objects.count() == 1


def test_a_client_token_cannot_be_reused_by_someone_else():
    token = uuid.uuid4()
    citation = CitationFactory()
    services.annotation_create(citation=citation, user=curator(), values={}, client_token=token)
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_create(citation=citation, user=curator(), values={}, client_token=token)
    assert "client_token" in errors_of(excinfo)


def test_a_malformed_client_token_is_a_field_error():
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_create(citation=CitationFactory(), user=curator(), values={}, client_token="nope")
    assert errors_of(excinfo) == {"client_token": ["The client token must be a UUID."]}
