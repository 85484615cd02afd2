"""One annotation's actions (submit, accept, reject, comment), its history, and the term search."""

import pytest

from curation import services
from curation.models import Facet, Term
from tests.curation.factories import term

from .helpers import HTMX, annotation, mechanism_values, post_data, workspace_url

pytestmark = pytest.mark.django_db


# --- the term search


def test_term_search_offers_active_terms_only(client, curator):
    retired = Term.objects.create(facet="cargo", label="miR-999", status=Term.Status.RETIRED)
    client.force_login(curator)
    body = client.get("/curation/terms/cargo/", {"cargo__text": "miR"}, **HTMX).content.decode()
    assert 'data-label="miR-21"' in body and retired.label not in body
    chosen = term("cargo", "miR-21").pk
    body = client.get("/curation/terms/cargo/", {"q": "miR", "cargo": [chosen]}).content.decode()
    assert 'data-label="miR-21"' not in body and 'data-label="miR-522"' in body
    assert "No term matches" in client.get("/curation/terms/cargo/", {"q": "zzz"}).content.decode()
    assert client.get("/curation/terms/nonsense/").status_code == 404


def test_term_search_is_for_curators(client, reader):
    assert client.get("/curation/terms/cargo/").status_code == 403
    client.force_login(reader)
    assert client.get("/curation/terms/cargo/").status_code == 403


# --- submit, comment, history


def test_submit_by_htmx_returns_the_card(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    response = client.post(f"/curation/annotations/{mine.pk}/submit/", {"version": mine.version}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="submitted"' in body and "submitted for review" in body
    mine.refresh_from_db()
    assert mine.state == "submitted"


def test_incomplete_annotation_cannot_be_submitted(client, citation, curator):
    thin = services.annotation_create(
        citation=citation, user=curator, values={Facet.CARGO: [term("cargo", "miR-21").pk]}
    )
    client.force_login(curator)
    response = client.post(f"/curation/annotations/{thin.pk}/submit/", **HTMX)
    assert response.status_code == 400
    assert "missing: effect, direction, evidence" in response.content.decode()
    thin.refresh_from_db()
    assert thin.state == "draft"


def test_comment_and_history(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    response = client.post(f"/curation/annotations/{mine.pk}/comment/", {"text": "Check Fig. 3"}, follow=True)
    assert "Check Fig. 3" in response.content.decode()
    history = client.get(f"/curation/annotations/{mine.pk}/history/").content.decode()
    assert "Created" in history and "miR-522" in history


def test_history_is_closed_to_other_curators(client, citation, curator, other_curator):
    mine = annotation(citation, curator, state="accepted")
    client.force_login(other_curator)
    assert client.get(f"/curation/annotations/{mine.pk}/history/").status_code == 403


def test_curator_cannot_touch_someone_elses_draft(client, citation, curator, other_curator):
    theirs = annotation(citation, other_curator)
    client.force_login(curator)
    assert client.post(f"/curation/annotations/{theirs.pk}/submit/").status_code == 404
    response = client.post(f"/curation/annotations/{theirs.pk}/", post_data(mechanism_values(), expected_version=1))
    assert response.status_code == 404


def test_a_comment_over_the_limit_says_so(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    response = client.post(f"/curation/annotations/{mine.pk}/comment/", {"text": "y" * 5001}, follow=True)
    assert "Keep the comment to 5,000 characters or fewer" in response.content.decode()
    assert not mine.comments.exists()


# --- accept and reject


def test_accept_from_the_inbox(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post(
        f"/curation/annotations/{waiting.pk}/accept/", {"partial": "inbox", "version": waiting.version}, **HTMX
    )
    assert response.status_code == 200
    assert f'id="inbox-{waiting.pk}"' in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "accepted" and waiting.reviewed_by == editor


def test_reject_requires_a_comment(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post(f"/curation/annotations/{waiting.pk}/reject/", {"comment": ""}, follow=True)
    assert "Say why you reject it" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "submitted"
    client.post(f"/curation/annotations/{waiting.pk}/reject/", {"comment": "Cargo is miR-21, not miR-522"})
    waiting.refresh_from_db()
    assert waiting.state == "rejected" and waiting.review_comment == "Cargo is miR-21, not miR-522"
    client.force_login(curator)
    page = client.get(workspace_url(citation)).content.decode()
    assert "Cargo is miR-21, not miR-522" in page


def test_editor_cannot_accept_own_annotation_and_gets_a_message(client, citation, editor):
    own = annotation(citation, editor, state="submitted")
    client.force_login(editor)
    response = client.post(f"/curation/annotations/{own.pk}/accept/")
    assert response.status_code == 403
    assert "another editor must accept it" in response.content.decode()
    response = client.post(f"/curation/annotations/{own.pk}/accept/", **HTMX)
    assert response.status_code == 403 and response["HX-Retarget"] == "#flash"


def test_curator_cannot_accept(client, citation, curator, other_curator):
    theirs = annotation(citation, curator, state="accepted")
    client.force_login(other_curator)
    response = client.post(f"/curation/annotations/{theirs.pk}/accept/")
    assert response.status_code == 403
    assert "Only editors can accept annotations." in response.content.decode()


def test_an_accept_comment_over_the_limit_is_refused_with_a_message(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post(
        f"/curation/annotations/{waiting.pk}/accept/", {"comment": "x" * 5001, "version": waiting.version}, follow=True
    )
    assert "Keep the comment to 5,000 characters or fewer; this one has 5001." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "submitted" and not waiting.comments.exists()
    htmx = client.post(f"/curation/annotations/{waiting.pk}/accept/", {"comment": "x" * 5001}, **HTMX)
    assert htmx.status_code == 400 and htmx["HX-Retarget"] == "#flash"


def test_whether_someone_elses_draft_exists_is_not_told(client, citation, curator, other_curator):
    theirs = annotation(citation, other_curator)
    client.force_login(curator)
    hidden = client.get(f"/curation/annotations/{theirs.pk}/history/")
    missing = client.get(f"/curation/annotations/{theirs.pk + 1000}/history/")
    assert hidden.status_code == missing.status_code == 404
