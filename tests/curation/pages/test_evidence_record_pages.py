"""The evidence form: what is needed is marked up front, every error names and marks its field, duplicates."""

import pytest

from curation.models import Facet, MechanismAnnotation
from curation.services.vocabulary import term_propose

from .helpers import annotation, mechanism_values, post_data, workspace_url

pytestmark = pytest.mark.django_db


def create_url(citation) -> str:
    return f"{workspace_url(citation)}annotations/"


def test_fields_needed_to_submit_are_marked_before_submitting(client, citation, curator):
    client.force_login(curator)
    page = client.get(workspace_url(citation)).content.decode()
    for facet in ("cargo_type", "cargo", "effect", "direction", "evidence"):
        assert f'<label for="pick-{facet}">' in page
        label = page[page.index(f'<label for="pick-{facet}">') :]
        assert label[: label.index("</label>")].count('class="needed"') == 1, facet
    for facet in ("donor", "target", "drug", "role"):
        label = page[page.index(f'<label for="pick-{facet}">') :]
        assert 'class="needed"' not in label[: label.index("</label>")], facet
    assert 'title="needed to submit: this or cargo type"' in page
    assert "Experimental system" in page and 'name="cell_lines"' in page and 'name="species"' in page


def test_an_empty_form_names_and_marks_the_field(client, citation, curator):
    client.force_login(curator)
    response = client.post(create_url(citation), {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "The annotation was not saved: check Cargo type (marked below)." in page
    assert '<a href="#pick-cargo_type">Cargo type</a>: Pick at least one term.' in page
    assert 'aria-invalid="true" aria-describedby="error-cargo_type"' in page
    assert 'id="error-cargo_type"' in page and not MechanismAnnotation.objects.exists()


def test_service_errors_land_on_their_fields_with_aria(client, citation, curator):
    client.force_login(curator)
    data = post_data(mechanism_values(), species="Mus musculus", figure="F" * 201)
    page = client.post(create_url(citation), data).content.decode()
    assert '<a href="#id_figure">Figure</a>' in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_figure_error"' in page
    assert 'id="id_figure_error"' in page
    # Once the form is valid, the service's rule comes back onto its field too.
    page = client.post(create_url(citation), post_data(mechanism_values(), species="Mus musculus")).content.decode()
    assert '<a href="#id_animal_model">Animal model (in vivo)</a>: Name the animal model' in page
    assert 'aria-describedby="id_animal_model_error"' in page


def test_duplicate_keeps_the_facets_and_system_and_clears_the_effect(client, citation, curator):
    source = annotation(citation, curator)
    source.cell_lines = "MKN45"
    source.save(update_fields=["cell_lines"])
    client.force_login(curator)
    page = client.get(workspace_url(citation), {"duplicate": source.pk}).content.decode()
    assert f"a copy of #{source.pk} without its effect" in page
    chips = page[page.index('id="chips-effect"') : page.index('id="pick-effect"')]
    assert "chemoresistance" not in chips
    assert 'id="chips-cargo"' in page and "miR-522</span>" in page and 'value="MKN45"' in page
    assert 'name="client_token"' in page
    assert client.get(workspace_url(citation), {"duplicate": "x"}).status_code == 400


def test_a_proposed_term_typed_without_javascript_is_found_for_its_proposer_only(
    client, citation, curator, other_curator
):
    term_propose(facet="target", label="GPX4", user=curator)
    data = post_data(mechanism_values(), target__text="GPX4")
    client.force_login(other_curator)
    assert "No active term “GPX4”" in client.post(create_url(citation), data).content.decode()
    client.force_login(curator)
    assert client.post(create_url(citation), data).status_code == 302
    saved = MechanismAnnotation.objects.get()
    assert [t.label for t in saved.values_by_facet()[Facet.TARGET]] == ["GPX4"]
