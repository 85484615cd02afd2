"""Proposing a term from the workspace, and the editors' proposals in the inbox."""

import pytest

from curation.models import Term
from curation.services.vocabulary import term_propose
from tests.curation.factories import term

from .helpers import HTMX, workspace_url

pytestmark = pytest.mark.django_db
PROPOSE = "/curation/proposals/"


def test_proposing_from_the_workspace_returns_the_chip_for_the_draft(client, citation, curator):
    client.force_login(curator)
    page = client.get(workspace_url(citation)).content.decode()
    assert 'id="propose-term"' in page and 'id="chips-target"' in page
    data = {
        "facet": "target",
        "label": "GPX4",
        "synonyms": "glutathione peroxidase 4, GPx-4",
        "identifier": "HGNC:4556",
    }
    response = client.post(PROPOSE, data, **HTMX)
    assert response.status_code == 201
    body = response.content.decode()
    gpx4 = Term.objects.get(label="GPX4")
    assert gpx4.synonyms == ["glutathione peroxidase 4", "GPx-4"] and gpx4.status == "proposed"
    assert 'hx-swap-oob="beforeend:#chips-target"' in body and f'name="target" value="{gpx4.pk}"' in body
    assert "added to the form you are writing" in body


def test_the_pick_list_offers_the_proposal_to_its_proposer_and_a_propose_line(client, curator, other_curator):
    term_propose(facet="target", label="GPX4", user=curator)
    client.force_login(curator)
    mine = client.get("/curation/terms/target/", {"q": "GPX4"}).content.decode()
    assert "proposed by you" in mine and "data-exact" in mine and "data-propose-open" in mine
    client.force_login(other_curator)
    theirs = client.get("/curation/terms/target/", {"q": "GPX4"}).content.decode()
    assert "GPX4</li>" not in theirs and "Propose “GPX4” as a new term" in theirs


@pytest.mark.parametrize(
    "data, message",
    [
        ({"facet": "target"}, "Label: This field is required."),
        ({"facet": "colour", "label": "red"}, "Facet: Select a valid choice."),
        ({"facet": "target", "label": "ALOX15"}, "is already a target / pathway term"),
        ({"facet": "target", "label": "GPX4", "identifier": "gene 4"}, "is not an identifier we know"),
    ],
)
def test_bad_proposals_are_a_400_with_a_message(client, curator, data, message):
    term("target", "ALOX15")
    client.force_login(curator)
    response = client.post(PROPOSE, data, **HTMX)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Term.objects.filter(status="proposed").exists()


def test_proposing_needs_a_curator(client, reader):
    assert client.post(PROPOSE, {"facet": "target", "label": "GPX4"}).status_code == 302
    client.force_login(reader)
    assert client.post(PROPOSE, {"facet": "target", "label": "GPX4"}, **HTMX).status_code == 403


def test_editors_approve_merge_and_refuse_in_the_inbox(client, curator, editor):
    gpx4 = term_propose(facet="target", label="GPX4", user=curator)
    dup = term_propose(facet="target", label="ALOX-15", user=curator)
    odd = term_propose(facet="target", label="something odd", user=curator)
    client.force_login(editor)
    inbox = client.get("/curation/inbox/").content.decode()
    assert 'id="proposals"' in inbox and inbox.count('class="proposal"') == 3
    client.post(f"/curation/proposals/{gpx4.pk}/approve/")
    client.post(f"/curation/proposals/{dup.pk}/merge/", {"into": "alox15"})
    refused = client.post(f"/curation/proposals/{odd.pk}/refuse/", {"reason": "Not a target"}, follow=True)
    assert "refused" in refused.content.decode()
    statuses = dict(Term.objects.filter(pk__in=[gpx4.pk, dup.pk, odd.pk]).values_list("label", "status"))
    assert statuses == {"GPX4": "active", "ALOX-15": "merged", "something odd": "refused"}


@pytest.mark.parametrize(
    "action, data, status",
    [
        ("refuse", {}, 400),
        ("merge", {}, 400),
        ("merge", {"into": "no such term"}, 400),
        ("promote", {}, 404),
    ],
)
def test_bad_proposal_actions_are_4xx(client, curator, editor, action, data, status):
    proposal = term_propose(facet="target", label="GPX4", user=curator)
    client.force_login(editor)
    response = client.post(f"/curation/proposals/{proposal.pk}/{action}/", data, **HTMX)
    assert response.status_code == status
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_curators_cannot_decide_proposals(client, curator):
    proposal = term_propose(facet="target", label="GPX4", user=curator)
    client.force_login(curator)
    assert client.post(f"/curation/proposals/{proposal.pk}/approve/").status_code == 403
    assert client.post("/curation/proposals/999999/approve/").status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
