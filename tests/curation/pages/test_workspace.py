"""The workspace of one citation: its metadata and highlights, screening, and writing annotations."""

import uuid

import pytest

from articles.models import Citation
from curation import services
from curation.models import Facet, MechanismAnnotation, ScreeningDecision
from tests.curation.factories import ArticleFactory, CitationFactory, term

from .helpers import HTMX, annotation, mechanism_values, post_data, workspace_url

pytestmark = pytest.mark.django_db


# --- the page


def test_workspace_shows_metadata_links_and_highlights_without_breaking_html(client, citation):
    page = client.get(workspace_url(citation)).content.decode()
    assert "https://pubmed.ncbi.nlm.nih.gov/" in page
    assert "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7000001/" in page
    assert "https://doi.org/10.1000/" in page
    assert '<i><mark class="term facet-cargo" title="Cargo: miR-522">miR-522</mark></i>' in page
    assert '<b><mark class="term facet-target" title="Target / pathway: PTEN">PTEN</mark></b>' in page
    assert "ALOX15</mark> &amp; blocks" in page


def test_workspace_query_count_is_flat(client, review, citation, curator, django_assert_max_num_queries):
    client.force_login(curator)
    annotation(citation, curator)
    with django_assert_max_num_queries(30) as small:
        assert client.get(workspace_url(citation)).status_code == 200
    for _ in range(5):
        services.comment_add(annotation=annotation(citation, curator), user=curator, text="check figure")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(workspace_url(citation)).status_code == 200


def test_workspace_next_and_previous_follow_the_filtered_queue(client, review, citation, curator):
    second = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=2)
    third = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=3)
    services.screening_set(citation=second, user=curator, decision="in_scope")
    client.force_login(curator)
    page = client.get(workspace_url(citation), {"decision": "undecided"}).content.decode()
    assert f'href="{workspace_url(third)}?decision=undecided" data-key="j"' in page
    # The citation left the "undecided" list: its neighbours are still the undecided ones around it.
    page = client.get(workspace_url(second), {"decision": "undecided"}).content.decode()
    assert "Not in the filtered queue any more" in page
    assert f'href="{workspace_url(citation)}?decision=undecided" data-key="k"' in page
    assert f'href="{workspace_url(third)}?decision=undecided" data-key="j"' in page


# --- screening


def test_screening_in_scope_by_htmx_returns_the_panel(client, citation, curator):
    client.force_login(curator)
    response = client.post(workspace_url(citation) + "screening/", {"decision": "in_scope"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-decision="in_scope"' in body and 'hx-swap-oob="innerHTML"' in body and "Screening: In scope." in body
    assert ScreeningDecision.objects.get(citation=citation).decision == "in_scope"


def test_out_of_scope_needs_a_reason(client, citation, curator):
    client.force_login(curator)
    response = client.post(workspace_url(citation) + "screening/", {"decision": "out_of_scope"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#flash"
    assert "Say why it is out of scope." in response.content.decode()
    assert not ScreeningDecision.objects.exists()
    response = client.post(
        workspace_url(citation) + "screening/?decision=undecided",
        {"decision": "out_of_scope", "reason": "not_ev"},
    )
    assert response.status_code == 302 and response["Location"] == workspace_url(citation) + "?decision=undecided"
    decision = ScreeningDecision.objects.get(citation=citation)
    assert (decision.decision, decision.reason) == ("out_of_scope", "not_ev")


# --- writing annotations


def test_create_annotation_calls_the_service(client, citation, curator):
    client.force_login(curator)
    token = str(uuid.uuid4())
    response = client.post(
        workspace_url(citation) + "annotations/",
        post_data(mechanism_values(), quote="CAF exosomes carried miR-522", confidence="high", client_token=token),
    )
    created = MechanismAnnotation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == workspace_url(citation) + f"#annotation-{created.pk}"
    assert (created.author, created.state, created.confidence, str(created.client_token)) == (
        curator,
        "draft",
        "high",
        token,
    )
    assert set(created.terms.values_list("label", flat=True)) == {
        "miRNA",
        "miR-522",
        "chemoresistance",
        "promotes",
        "in vitro",
    }


def test_double_submitted_form_creates_one_annotation(client, citation, curator):
    client.force_login(curator)
    data = post_data(mechanism_values(), client_token=str(uuid.uuid4()))
    first = client.post(workspace_url(citation) + "annotations/", data)
    second = client.post(workspace_url(citation) + "annotations/", data)
    assert MechanismAnnotation.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_typed_labels_work_without_javascript(client, citation, curator):
    client.force_login(curator)
    response = client.post(
        workspace_url(citation) + "annotations/",
        {"cargo__text": "miR-21-5p; miR-522", "effect__text": "EMT", "client_token": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    assert set(MechanismAnnotation.objects.get().terms.values_list("label", flat=True)) == {
        "miR-21",
        "miR-522",
        "EMT/invasion/migration",
    }


def test_invalid_annotation_keeps_the_input_and_names_the_fields(client, citation, curator):
    client.force_login(curator)
    drug = term("drug", "cisplatin").pk
    response = client.post(
        workspace_url(citation) + "annotations/",
        {"drug": [drug], "cargo__text": "miR-nonexistent", "quote": "my quote", "client_token": str(uuid.uuid4())},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "No active term “miR-nonexistent” in cargo." in body
    assert 'value="miR-nonexistent"' in body and "my quote" in body
    assert f'name="drug" value="{drug}"' in body
    assert not MechanismAnnotation.objects.exists()


def test_service_errors_land_on_their_fields(client, citation, curator):
    client.force_login(curator)
    response = client.post(
        workspace_url(citation) + "annotations/",
        {"drug": [term("drug", "cisplatin").pk], "client_token": str(uuid.uuid4())},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "A drug is recorded only with a resistance effect" in body
    assert not MechanismAnnotation.objects.exists()


def test_edit_form_is_prefilled(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    page = client.get(workspace_url(citation), {"edit": mine.pk}).content.decode()
    assert f"Edit mechanism #{mine.pk}" in page
    assert f'name="expected_version" value="{mine.version}"' in page
    assert f'name="cargo" value="{term("cargo", "miR-522").pk}"' in page


def test_update_clears_a_facet_and_saves(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    values = mechanism_values()
    del values[Facet.CARGO_TYPE]
    response = client.post(
        f"/curation/annotations/{mine.pk}/", post_data(values, expected_version=mine.version, notes="cleared")
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.notes == "cleared" and not mine.terms.filter(facet="cargo_type").exists()


def test_conflict_shows_both_versions_and_keeps_the_input(client, citation, curator, editor):
    mine = annotation(citation, curator)
    seen = mine.version
    services.annotation_update(annotation=mine, user=editor, expected_version=seen, quote="The editor's quote")
    client.force_login(curator)
    response = client.post(
        f"/curation/annotations/{mine.pk}/",
        post_data(mechanism_values(), expected_version=seen, quote="My own quote"),
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this mechanism while you were editing" in body
    assert "The editor&#x27;s quote" in body and "My own quote" in body
    mine.refresh_from_db()
    assert mine.quote == "The editor's quote"
    # Saving again on purpose now replaces the saved version.
    assert f'name="expected_version" value="{mine.version}"' in body
    again = client.post(
        f"/curation/annotations/{mine.pk}/",
        post_data(mechanism_values(), expected_version=mine.version, quote="My own quote"),
    )
    assert again.status_code == 302
    mine.refresh_from_db()
    assert mine.quote == "My own quote"


# --- highlighting


def test_the_workspace_reuses_the_compiled_highlight_pattern(client, citation, monkeypatch):
    import re

    client.get(workspace_url(citation))  # the first view may build the vocabulary's pattern
    compiled = []
    compile_ = re.compile

    def spy(pattern, *args, **kwargs):
        if isinstance(pattern, str) and "alox15" in pattern.casefold():
            compiled.append(pattern)
        return compile_(pattern, *args, **kwargs)

    monkeypatch.setattr(re, "compile", spy)
    page = client.get(workspace_url(citation)).content.decode()
    assert '<mark class="term facet-target" title="Target / pathway: ALOX15">ALOX15</mark>' in page
    assert compiled == []


def test_the_highlight_legend_shows_only_when_something_is_marked(client, citation, review):
    assert 'class="legend"' in client.get(workspace_url(citation)).content.decode()
    plain = CitationFactory(
        review=review,
        article=ArticleFactory(title="A survey", abstract=[{"label": "", "category": "", "text": "Nothing here."}]),
        relation=Citation.Relation.REFERENCE,
        position=2,
    )
    assert 'class="legend"' not in client.get(workspace_url(plain)).content.decode()
