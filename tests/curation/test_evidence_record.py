"""The experimental system of a mechanism record and the evidence level it gives."""

import pytest
from rest_framework.test import APIClient

from cafex_portal.exceptions import ApplicationError
from curation import services
from curation.models import AnnotationRevision

from .factories import CitationFactory, complete_values, curator, editor

pytestmark = pytest.mark.django_db


def test_the_strongest_system_named_gives_the_evidence_level():
    author = curator()
    record = services.annotation_create(
        citation=CitationFactory(), user=author, values=complete_values(), cell_lines=" MKN45, AGS "
    )
    assert (record.cell_lines, record.evidence_level) == ("MKN45, AGS", "in_vitro")
    record = services.annotation_update(
        annotation=record,
        user=author,
        expected_version=record.version,
        animal_model="subcutaneous xenograft",
        species="Mus musculus",
    )
    assert record.evidence_level == "in_vivo"
    record = services.annotation_update(
        annotation=record, user=author, expected_version=record.version, clinical_cohort="212 patients (synthetic)"
    )
    assert record.evidence_level == "clinical_cohort"
    assert record.systems == [
        ("In vitro", "MKN45, AGS"),
        ("In vivo", "subcutaneous xenograft, Mus musculus"),
        ("Clinical cohort", "212 patients (synthetic)"),
    ]
    changes = AnnotationRevision.objects.filter(annotation=record).order_by("pk").last().changes
    assert changes == {"clinical_cohort": {"from": "", "to": "212 patients (synthetic)"}}


def test_a_species_needs_its_animal_model_and_limits_name_the_field():
    author = curator()
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_create(citation=CitationFactory(), user=author, values=complete_values(), species="mouse")
    assert list(excinfo.value.extra["errors"]) == ["animal_model"]
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_create(
            citation=CitationFactory(), user=author, values=complete_values(), cell_lines="x" * 301, species="y" * 101
        )
    assert set(excinfo.value.extra["errors"]) == {"cell_lines", "species"}
    record = services.annotation_create(
        citation=CitationFactory(), user=author, values=complete_values(), animal_model="xenograft", species="mouse"
    )
    with pytest.raises(ApplicationError) as excinfo:  # clearing the model of a species left behind
        services.annotation_update(annotation=record, user=author, expected_version=record.version, animal_model="")
    assert list(excinfo.value.extra["errors"]) == ["animal_model"]


def test_revert_brings_the_system_and_its_level_back():
    author = curator()
    record = services.annotation_create(
        citation=CitationFactory(), user=author, values=complete_values(), patient_samples="serum, 60 patients"
    )
    first = record.revisions.get()
    record = services.annotation_update(
        annotation=record, user=author, expected_version=record.version, patient_samples=""
    )
    assert record.evidence_level == ""
    record = services.annotation_revert(annotation=record, user=editor(), revision=first)
    assert (record.patient_samples, record.evidence_level) == ("serum, 60 patients", "patient_samples")


def test_the_api_reads_and_writes_the_system():
    author = curator()
    client = APIClient()
    client.force_authenticate(author)
    payload = {"citation": CitationFactory().pk, "values": complete_values(), "cell_lines": "HGC-27"}
    created = client.post("/api/v1/annotations/", payload, format="json")
    assert created.status_code == 201
    assert (created.json()["cell_lines"], created.json()["evidence_level"]) == ("HGC-27", "in_vitro")
    bad = client.patch(
        f"/api/v1/annotations/{created.json()['id']}/",
        {"version": created.json()["version"], "species": "rat"},
        format="json",
    )
    assert bad.status_code == 400 and "animal_model" in bad.data["errors"]
    wrong_type = client.patch(
        f"/api/v1/annotations/{created.json()['id']}/",
        {"version": created.json()["version"], "cell_lines": ["a"]},
        format="json",
    )
    assert wrong_type.status_code == 400 and "cell_lines" in wrong_type.data["errors"]
