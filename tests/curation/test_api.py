"""The curation API: same rules as the services, token and session auth, filters, flat query counts."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from curation import services
from curation.models import AnnotationRevision, MechanismAnnotation, ScreeningDecision, Term

from .factories import (
    CitationFactory,
    MechanismAnnotationFactory,
    TermFactory,
    complete_values,
    curator,
    editor,
    ensure_seed,
)

pytestmark = pytest.mark.django_db
DONE = {"submitted_at": "2024-01-01T00:00Z", "reviewed_at": "2024-01-02T00:00Z"}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_writes_need_authentication(api_client):
    annotation = MechanismAnnotationFactory(state="accepted", **DONE)
    citation = CitationFactory()
    term = TermFactory()
    attempts = [
        api_client.post("/api/v1/annotations/", {"citation": citation.pk}, format="json"),
        api_client.patch(f"/api/v1/annotations/{annotation.pk}/", {"version": 1}, format="json"),
        api_client.delete(f"/api/v1/annotations/{annotation.pk}/"),
        api_client.post(f"/api/v1/annotations/{annotation.pk}/submit/", {}, format="json"),
        api_client.post("/api/v1/annotations/bulk-accept/", {"ids": [annotation.pk]}, format="json"),
        api_client.put(f"/api/v1/citations/{citation.pk}/screening/", {"decision": "in_scope"}, format="json"),
        api_client.post("/api/v1/assignments/", {}, format="json"),
        api_client.post("/api/v1/vocabulary/", {"facet": "cargo", "label": "x"}, format="json"),
        api_client.post(f"/api/v1/vocabulary/{term.pk}/retire/"),
    ]
    assert [r.status_code in (401, 403) for r in attempts] == [True] * len(attempts)
    assert MechanismAnnotation.objects.count() == 1
    assert Term.objects.get(pk=term.pk).status == "active"


def test_token_authentication_creates_as_the_token_owner():
    user = curator("tokenuser")
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    citation = CitationFactory()
    response = client.post(
        "/api/v1/annotations/", {"citation": citation.pk, "values": complete_values()}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["author"] == "tokenuser"
    assert body["state"] == "draft"
    assert body["version"] == 1
    assert body["citation"] == {
        "id": citation.pk,
        "review": citation.review.article.pmid,
        "relation": citation.relation,
        "position": None,
        "pmid": citation.article.pmid,
    }
    assert body["pmid"] == citation.article.pmid
    assert [t["label"] for t in body["values"]["drug"]] == ["cisplatin", "paclitaxel"]
    assert set(body["values"]) == {
        "cargo_type", "cargo", "donor", "recipient_cell", "cancer_type", "target", "effect", "direction", "drug",
        "evidence", "role",
    }  # fmt: skip
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nope")
    assert bad.post("/api/v1/annotations/", {"citation": citation.pk}, format="json").status_code in (401, 403)


def test_session_authentication_enforces_csrf():
    user = curator("sessionuser")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/annotations/", {"citation": CitationFactory().pk}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_create_is_idempotent_by_client_token():
    client = client_for(curator())
    payload = {"citation": CitationFactory().pk, "client_token": str(uuid.uuid4()), "notes": "n"}
    first = client.post("/api/v1/annotations/", payload, format="json")
    second = client.post("/api/v1/annotations/", payload, format="json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert MechanismAnnotation.objects.count() == 1


def test_validation_errors_name_the_field():
    client = client_for(curator())
    ensure_seed()
    cisplatin = Term.objects.get(facet="drug", label="cisplatin").pk
    response = client.post(
        "/api/v1/annotations/", {"citation": CitationFactory().pk, "values": {"drug": [cisplatin]}}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "resistance effect" in body["detail"]
    assert list(body["errors"]) == ["drug"]
    unknown = client.post(
        "/api/v1/annotations/", {"citation": CitationFactory().pk, "values": {"colour": [1]}}, format="json"
    )
    assert unknown.status_code == 400
    assert "values.colour" in unknown.json()["errors"], "nested fields are named by their path"
    missing = client.post("/api/v1/annotations/", {"citation": 999_999}, format="json")
    assert missing.status_code == 400 and "citation" in missing.json()["errors"]


def test_patch_needs_the_version_and_a_stale_one_is_a_409_with_both_versions():
    user = curator()
    client = client_for(user)
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values={}, notes="one")
    url = f"/api/v1/annotations/{annotation.pk}/"
    no_version = client.patch(url, {"notes": "two"}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()["errors"]
    ok = client.patch(url, {"version": 1, "notes": "two"}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(url, {"version": 1, "notes": "three"}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["version"] == 2 and body["current"]["notes"] == "two"
    assert body["yours"] == {"version": 1, "notes": "three"}
    assert "Nothing was overwritten" in body["detail"]
    assert MechanismAnnotation.objects.get(pk=annotation.pk).notes == "two"


def test_workflow_through_the_api():
    author, reviewer = curator(), editor()
    annotation = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    base = f"/api/v1/annotations/{annotation.pk}"
    submitted = client_for(author).post(f"{base}/submit/", {"version": 1}, format="json")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert client_for(author).post(f"{base}/accept/", {}, format="json").status_code == 403
    no_comment = client_for(reviewer).post(f"{base}/reject/", {"comment": ""}, format="json")
    assert no_comment.status_code == 400 and list(no_comment.json()["errors"]) == ["comment"]
    rejected = client_for(reviewer).post(f"{base}/reject/", {"comment": "Fig?"}, format="json")
    assert rejected.json()["state"] == "rejected" and rejected.json()["review_comment"] == "Fig?"
    comments = client_for(author).get(f"{base}/comments/").json()
    assert [c["text"] for c in comments] == ["Fig?"]
    posted = client_for(author).post(f"{base}/comments/", {"text": "Added Fig. 2"}, format="json")
    assert posted.status_code == 201 and posted.json()["author"] == author.username
    client_for(author).post(f"{base}/submit/", {}, format="json")
    accepted = client_for(reviewer).post(f"{base}/accept/", {"comment": ""}, format="json")
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["reviewed_by"] == reviewer.username

    history = client_for(reviewer).get(f"{base}/history/").json()
    assert [h["action"] for h in history] == ["created", "submitted", "rejected", "submitted", "accepted"]
    assert client_for(curator()).get(f"{base}/history/").status_code == 403
    submitted_revision = history[1]["id"]
    reverted = client_for(editor()).post(f"{base}/revert/", {"revision": submitted_revision}, format="json")
    assert reverted.status_code == 200 and reverted.json()["state"] == "submitted"
    assert AnnotationRevision.objects.filter(action="reverted").count() == 1
    wrong = client_for(editor()).post(f"{base}/revert/", {"revision": 999_999}, format="json")
    assert wrong.status_code == 400 and "revision" in wrong.json()["errors"]


def test_delete_through_the_api():
    author = curator()
    annotation = services.annotation_create(citation=CitationFactory(), user=author, values={})
    assert client_for(curator()).delete(f"/api/v1/annotations/{annotation.pk}/").status_code == 404  # hidden draft
    assert client_for(author).delete(f"/api/v1/annotations/{annotation.pk}/").status_code == 204
    assert not MechanismAnnotation.objects.exists()


def test_bulk_accept_through_the_api():
    author, reviewer = curator(), editor()
    ready = []
    for _ in range(2):
        draft = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
        ready.append(services.annotation_submit(annotation=draft, user=author))
    draft = services.annotation_create(citation=CitationFactory(), user=author, values={})
    failed = client_for(reviewer).post(
        "/api/v1/annotations/bulk-accept/", {"ids": [ready[0].pk, draft.pk]}, format="json"
    )
    assert failed.status_code == 400
    assert failed.json()["failed"] == draft.pk
    assert not MechanismAnnotation.objects.filter(state="accepted").exists()
    missing = client_for(reviewer).post("/api/v1/annotations/bulk-accept/", {"ids": [999_999]}, format="json")
    assert missing.status_code == 400
    ok = client_for(reviewer).post("/api/v1/annotations/bulk-accept/", {"ids": [a.pk for a in ready]}, format="json")
    assert ok.status_code == 200 and [a["state"] for a in ok.json()] == ["accepted", "accepted"]


def test_reading_follows_the_role_rules(api_client):
    author = curator()
    draft = MechanismAnnotationFactory(author=author)
    accepted = MechanismAnnotationFactory(state="accepted", **DONE)

    def ids(client):
        return [a["id"] for a in client.get("/api/v1/annotations/").json()["results"]]

    assert ids(api_client) == [accepted.pk]
    assert sorted(ids(client_for(author))) == sorted([draft.pk, accepted.pk])
    assert sorted(ids(client_for(editor()))) == sorted([draft.pk, accepted.pk])
    assert api_client.get(f"/api/v1/annotations/{draft.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/annotations/{accepted.pk}/comments/").status_code == 403


def test_filters_by_facet_state_and_pmid(api_client):
    ensure_seed()
    miR21 = Term.objects.get(facet="cargo", label="miR-21")
    gastric = Term.objects.get(facet="cancer_type", label="gastric cancer")
    a = MechanismAnnotationFactory(terms=[miR21, gastric], state="accepted", **DONE)
    b = MechanismAnnotationFactory(terms=[miR21], state="accepted", **DONE)
    c = MechanismAnnotationFactory(state="submitted", submitted_at=DONE["submitted_at"])
    reader = client_for(editor())

    def ids(**params):
        response = reader.get("/api/v1/annotations/", params)
        assert response.status_code == 200, response.json()
        return sorted(x["id"] for x in response.json()["results"])

    assert ids(cargo="miR-21") == sorted([a.pk, b.pk])
    assert ids(cargo=miR21.pk, cancer_type="gastric cancer") == [a.pk]
    assert ids(state="submitted") == [c.pk]
    assert ids(state=["submitted", "accepted"]) == sorted([a.pk, b.pk, c.pk])
    assert ids(pmid=b.citation.article.pmid) == [b.pk]
    assert ids(review=a.citation.review.article.pmid) == [a.pk]
    assert ids(author=c.author.username) == [c.pk]
    assert reader.get("/api/v1/annotations/", {"state": "published"}).status_code == 400


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_annotation_list_query_count_is_flat():
    ensure_seed()
    terms = list(Term.objects.filter(facet__in=["cargo", "effect", "drug"])[:6])
    reader = client_for(editor())
    for _ in range(2):
        MechanismAnnotationFactory(terms=terms, state="accepted", **DONE).comments.create(author=curator(), text="c")
    _queries(reader, "/api/v1/annotations/")  # the reader's roles are looked up once, then remembered
    small = _queries(reader, "/api/v1/annotations/")
    for _ in range(15):
        MechanismAnnotationFactory(terms=terms, state="accepted", **DONE)
    assert _queries(reader, "/api/v1/annotations/") == small


def test_vocabulary_list_query_count_is_flat(api_client):
    ensure_seed()
    small = _queries(api_client, "/api/v1/vocabulary/", {"page_size": 5})
    large = _queries(api_client, "/api/v1/vocabulary/", {"page_size": 100})
    assert small == large


def test_vocabulary_reads_and_writes():
    ensure_seed()
    client = client_for(editor())
    found = client.get("/api/v1/vocabulary/", {"facet": "cargo", "q": "mir-2"}).json()["results"]
    assert found[0]["label"] == "miR-21"
    assert found[0]["identifier_url"].endswith("MIMAT0000076")
    created = client.post(
        "/api/v1/vocabulary/", {"facet": "cargo", "label": "miR-1246", "synonyms": ["hsa-miR-1246"]}, format="json"
    )
    assert created.status_code == 201, created.json()
    term_id = created.json()["id"]
    clash = client.post("/api/v1/vocabulary/", {"facet": "cargo", "label": "MIR-1246"}, format="json")
    assert clash.status_code == 400 and "label" in clash.json()["errors"]
    patched = client.patch(f"/api/v1/vocabulary/{term_id}/", {"identifier": "MIMAT0005898"}, format="json")
    assert patched.status_code == 200 and patched.json()["identifier"] == "MIMAT0005898"
    dup = client.post("/api/v1/vocabulary/", {"facet": "cargo", "label": "miR1246"}, format="json").json()
    merged = client.post(f"/api/v1/vocabulary/{dup['id']}/merge/", {"into": term_id}, format="json")
    assert merged.status_code == 200 and "miR1246" in merged.json()["synonyms"]
    assert client.get("/api/v1/vocabulary/", {"status": "merged"}).json()["results"][0]["merged_into"] == term_id
    retired = client.post(f"/api/v1/vocabulary/{term_id}/retire/")
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    assert client_for(curator()).post(f"/api/v1/vocabulary/{term_id}/reactivate/").status_code == 403


def test_screening_endpoint():
    citation = CitationFactory()
    url = f"/api/v1/citations/{citation.pk}/screening/"
    assert APIClient().get(url).json()["decision"] == "undecided"
    client = client_for(curator())
    missing_reason = client.put(url, {"decision": "out_of_scope"}, format="json")
    assert missing_reason.status_code == 400 and list(missing_reason.json()["errors"]) == ["reason"]
    ok = client.post(url, {"decision": "out_of_scope", "reason": "not_primary"}, format="json")
    assert ok.status_code == 200 and ok.json()["reason"] == "not_primary"
    assert ScreeningDecision.objects.get(citation=citation).decision == "out_of_scope"
    assert client.put("/api/v1/citations/999999/screening/", {"decision": "in_scope"}, format="json").status_code == 404


def test_assignments_endpoint():
    boss, worker = editor(), curator("worker")
    citations = [CitationFactory(), CitationFactory()]
    response = client_for(boss).post(
        "/api/v1/assignments/", {"citations": [c.pk for c in citations], "curator": "worker"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert [a["citation"]["id"] for a in response.json()] == [c.pk for c in citations]
    assert (
        client_for(worker)
        .post("/api/v1/assignments/", {"citations": [citations[0].pk], "curator": "worker"}, format="json")
        .status_code
        == 403
    )
    mine = client_for(worker).get("/api/v1/assignments/").json()["results"]
    assert len(mine) == 2 and mine[0]["curator"] == "worker"
    assert client_for(curator()).get("/api/v1/assignments/").json()["results"] == []
    assert APIClient().get("/api/v1/assignments/").status_code in (401, 403)
    assignment_id = mine[0]["id"]
    assert client_for(boss).delete(f"/api/v1/assignments/{assignment_id}/").status_code == 204
    missing = client_for(boss).post(
        "/api/v1/assignments/", {"citations": [999_999], "curator": "worker"}, format="json"
    )
    assert missing.status_code == 400


def test_the_client_token_is_taken_on_create_and_never_shown():
    author = curator()
    token = str(uuid.uuid4())
    payload = {"citation": CitationFactory().pk, "client_token": token, "notes": "n"}
    created = client_for(author).post("/api/v1/annotations/", payload, format="json")
    again = client_for(author).post("/api/v1/annotations/", payload, format="json")
    assert created.status_code == again.status_code == 201
    assert created.json()["id"] == again.json()["id"]
    assert str(MechanismAnnotation.objects.get().client_token) == token
    pk = created.json()["id"]
    for response in (
        created,
        client_for(author).get(f"/api/v1/annotations/{pk}/"),
        client_for(editor()).get("/api/v1/annotations/"),
    ):
        assert response.status_code == 200 or response.status_code == 201
        assert "client_token" not in response.content.decode() and token not in response.content.decode()


def test_an_accept_comment_over_the_limit_is_a_field_error():
    author, reviewer = curator(), editor()
    annotation = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    services.annotation_submit(annotation=annotation, user=author)
    response = client_for(reviewer).post(
        f"/api/v1/annotations/{annotation.pk}/accept/", {"comment": "x" * 5001}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["comment"]
    annotation.refresh_from_db()
    assert annotation.state == "submitted" and not annotation.comments.exists()


def test_an_editors_review_note_is_not_shown_to_visitors():
    annotation = MechanismAnnotationFactory(state="accepted", review_comment="Fig. 3 is weak; accepted anyway.", **DONE)
    anonymous = APIClient().get(f"/api/v1/annotations/{annotation.pk}/").json()
    assert anonymous["state"] == "accepted" and anonymous["review_comment"] == ""
    seen_by_curator = client_for(curator()).get(f"/api/v1/annotations/{annotation.pk}/").json()
    assert seen_by_curator["review_comment"] == "Fig. 3 is weak; accepted anyway."
