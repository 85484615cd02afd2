"""Term proposals: a curator's missing term is theirs to use at once; editors approve, merge or refuse it."""

import pytest

from cafex_portal.exceptions import ApplicationError, NotAllowedError
from curation import selectors, services
from curation.models import Term
from curation.services.vocabulary import term_approve, term_proposal_merge, term_propose, term_refuse

from .factories import CitationFactory, UserFactory, complete_values, curator, editor, ensure_seed, term

pytestmark = pytest.mark.django_db


def propose_gpx4(user) -> Term:
    return term_propose(
        facet="target", label="GPX4", user=user, synonyms=["glutathione peroxidase 4"], identifier="hgnc:4556"
    )


def test_a_curator_proposes_a_term_and_uses_it_in_their_own_draft_at_once():
    author = curator()
    gpx4 = propose_gpx4(author)
    assert (gpx4.status, gpx4.created_by, gpx4.identifier) == (Term.Status.PROPOSED, author, "HGNC:4556")
    draft = services.annotation_create(
        citation=CitationFactory(), user=author, values=complete_values(target=[gpx4.pk])
    )
    assert gpx4 in draft.terms.all()
    services.annotation_submit(annotation=draft, user=author)  # submitting is fine; accepting waits


def test_another_curator_cannot_use_a_proposal_nor_find_it():
    gpx4 = propose_gpx4(curator())
    other = curator()
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_create(citation=CitationFactory(), user=other, values={"target": [gpx4.pk]})
    assert "another curator's proposal" in excinfo.value.extra["errors"]["target"][0]
    assert [t.label for t in selectors.term_search(facet="target", q="gpx", user=other)] == []
    assert [t.label for t in selectors.term_search(facet="target", q="gpx", user=gpx4.created_by)] == ["GPX4"]
    assert selectors.term_search(facet="target", q="gpx") == []  # visitors and the highlighter never see it


def test_an_annotation_with_a_proposed_term_is_accepted_only_after_approval():
    author, boss = curator(), editor()
    gpx4 = propose_gpx4(author)
    draft = services.annotation_create(
        citation=CitationFactory(), user=author, values=complete_values(target=[gpx4.pk])
    )
    services.annotation_submit(annotation=draft, user=author)
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_accept(annotation=draft, user=boss)
    assert "GPX4" in excinfo.value.message and "target" in excinfo.value.extra["errors"]
    term_approve(term=gpx4, user=boss)
    assert services.annotation_accept(annotation=draft, user=boss).state == "accepted"
    assert selectors.term_search(facet="target", q="gpx4")[0].label == "GPX4"


def test_merging_a_proposal_moves_the_drafts_to_the_existing_term():
    author, boss = curator(), editor()
    dup = term_propose(facet="target", label="ALOX-15", user=author)
    draft = services.annotation_create(citation=CitationFactory(), user=author, values={"target": [dup.pk]})
    kept = term_proposal_merge(term=dup, target=term("target", "ALOX15"), user=boss)
    assert kept.label == "ALOX15" and "ALOX-15" in kept.synonyms
    assert list(draft.terms.values_list("label", flat=True)) == ["ALOX15"]


def test_refusing_needs_a_reason_frees_the_label_and_blocks_submission():
    author, boss = curator(), editor()
    gpx4 = propose_gpx4(author)
    draft = services.annotation_create(
        citation=CitationFactory(), user=author, values=complete_values(target=[gpx4.pk])
    )
    with pytest.raises(ApplicationError):
        term_refuse(term=gpx4, user=boss, reason="  ")
    term_refuse(term=gpx4, user=boss, reason="Use the HGNC symbol of the pathway instead")
    gpx4.refresh_from_db()
    assert (gpx4.status, gpx4.review_note) == ("refused", "Use the HGNC symbol of the pathway instead")
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_submit(annotation=draft, user=author)
    assert "refused" in excinfo.value.extra["errors"]["target"][0]
    assert propose_gpx4(author).status == "proposed"  # the label is free again


def test_roles_are_enforced_in_the_services():
    with pytest.raises(NotAllowedError):
        propose_gpx4(UserFactory())
    gpx4 = propose_gpx4(curator())
    for act in (
        lambda: term_approve(term=gpx4, user=curator()),
        lambda: term_refuse(term=gpx4, user=curator(), reason="no"),
        lambda: term_proposal_merge(term=gpx4, target=term("target", "ALOX15"), user=curator()),
    ):
        with pytest.raises(NotAllowedError):
            act()


def test_a_proposal_is_checked_like_any_term():
    author = curator()
    with pytest.raises(ApplicationError) as excinfo:
        term_propose(facet="target", label="alox15", user=author, identifier="nonsense")
    assert set(excinfo.value.extra["errors"]) == {"label", "identifier"}
    with pytest.raises(ApplicationError):
        term_propose(facet="colour", label="red", user=author)
    approved = term_approve(term=propose_gpx4(author), user=editor())
    with pytest.raises(ApplicationError):
        term_approve(term=approved, user=editor())  # no longer a proposal


def test_the_pick_list_ranks_an_exact_name_first():
    exact = Term.objects.create(facet="cargo", label="miR-2", search_text="|mir-2|")
    found = selectors.term_search(facet="cargo", q="miR-2")
    assert found[0] == exact and found[0].is_exact
    assert found[1].label == "miR-21" and not any(t.is_exact for t in found[1:])


@pytest.mark.parametrize(
    "facet, typed, label, whole",
    [
        ("target", "alox", "ALOX15", True),
        ("recipient_cell", "cancer stem", "cancer stem cell", True),
        ("cargo", "miR-2", "miR-21", False),
        ("target", "alo", "ALOX15", False),
    ],
)
def test_a_typed_prefix_is_whole_only_where_a_word_or_number_of_the_name_ends(facet, typed, label, whole):
    ensure_seed()
    found = {t.label: t for t in selectors.term_search(facet=facet, q=typed)}
    assert found[label].is_whole_prefix is whole and not found[label].is_exact


def test_the_api_proposes_approves_and_refuses():
    from rest_framework.test import APIClient

    author, boss = curator(), editor()
    as_curator, as_editor = APIClient(), APIClient()
    as_curator.force_authenticate(author)
    as_editor.force_authenticate(boss)
    created = as_curator.post(
        "/api/v1/vocabulary/propose/", {"facet": "target", "label": "GPX4", "synonyms": ["GPx4"]}, format="json"
    )
    assert created.status_code == 201 and created.data["status"] == "proposed"
    assert as_curator.post(f"/api/v1/vocabulary/{created.data['id']}/approve/").status_code == 403
    assert as_editor.post(f"/api/v1/vocabulary/{created.data['id']}/approve/").data["status"] == "active"
    other = as_curator.post("/api/v1/vocabulary/propose/", {"facet": "target", "label": "XYZ"}, format="json")
    no_reason = as_editor.post(f"/api/v1/vocabulary/{other.data['id']}/refuse/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.data["errors"]
    refused = as_editor.post(f"/api/v1/vocabulary/{other.data['id']}/refuse/", {"reason": "unclear"}, format="json")
    assert (refused.data["status"], refused.data["review_note"]) == ("refused", "unclear")
    bad = as_curator.post("/api/v1/vocabulary/propose/", {"facet": "colour", "label": "red"}, format="json")
    assert bad.status_code == 400 and "facet" in bad.data["errors"]
    assert APIClient().post("/api/v1/vocabulary/propose/", {"facet": "target", "label": "A"}).status_code in (401, 403)


def test_the_vocabulary_api_lists_a_proposal_to_editors_and_its_proposer_only(api_client):
    author = curator()
    gpx4 = propose_gpx4(author)
    url = "/api/v1/vocabulary/?facet=target&q=GPX4"

    def labels(user) -> list[str]:
        api_client.force_authenticate(user)
        return [row["label"] for row in api_client.get(url).json()["results"]]

    assert labels(None) == [] and labels(curator()) == []
    assert labels(author) == ["GPX4"] and labels(editor()) == ["GPX4"]
    api_client.force_authenticate(None)
    assert api_client.get(f"/api/v1/vocabulary/{gpx4.pk}/").status_code == 404  # not found, as for a missing id
    assert "GPX4" not in [t.label for t in selectors.term_list()]  # what the data release lists


def test_a_proposal_has_no_public_term_page_nor_search_facet(client):
    gpx4 = propose_gpx4(curator())
    assert client.get("/terms/target/GPX4/").status_code == 404
    assert "GPX4" not in client.get("/search/", {"term": gpx4.pk}).content.decode()
    term_approve(term=gpx4, user=editor())
    assert client.get("/terms/target/GPX4/").status_code == 200
