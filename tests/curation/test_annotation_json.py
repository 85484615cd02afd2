"""The annotation list built as JSON by PostgreSQL (curation.annotation_json) is the serializer's, field for field,
for every role, filter and way of paging."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from cafex_portal import built_json
from curation import access
from curation.annotation_json import annotations_as_api_json
from curation.models import AnnotationComment, Facet, MechanismAnnotation, ReviewCurationSettings
from curation.selectors import annotation_list, annotation_rows
from curation.serializers import AnnotationSerializer

from .factories import (
    ArticleFactory,
    CitationFactory,
    MechanismAnnotationFactory,
    ReviewFactory,
    TermFactory,
    curator,
    editor,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the page is built by PostgreSQL"),
]

State = MechanismAnnotation.State
WHEN = dt.datetime(2026, 3, 1, 9, 30, 5, 120000, tzinfo=dt.UTC)


def serialised(user, *, internal_notes: bool) -> list[dict]:
    rows = annotation_list(user=user)
    data = AnnotationSerializer(rows, many=True, context={"internal_notes": internal_notes}).data
    return json.loads(json.dumps(data))


def built(user, *, internal_notes: bool) -> list[dict]:
    ids = list(annotation_rows(user=user).values_list("id", flat=True))
    return json.loads(annotations_as_api_json(ids, internal_notes=internal_notes)[0])


def annotation(state: str = State.DRAFT, *, terms=(), **fields) -> MechanismAnnotation:
    times = {}
    if state != State.DRAFT:
        times["submitted_at"] = WHEN
    if state in (State.ACCEPTED, State.REJECTED):
        times["reviewed_at"] = WHEN.replace(microsecond=0)
        fields.setdefault("review_comment", "Internal: checked against Fig. 2.")
    return MechanismAnnotationFactory(state=state, terms=list(terms), **{**times, **fields})


@pytest.fixture
def records():
    """Annotations made to differ in every field the API shows."""
    review = ReviewFactory()
    chief = editor("chief")
    author = curator("ana")
    cargo_b, cargo_a = (
        TermFactory(facet=Facet.CARGO, label="miR-test-z"),
        TermFactory(facet=Facet.CARGO, label="a test"),
    )
    target = TermFactory(facet=Facet.TARGET, label='PTEN "quoted" \\ back', identifier="TEST:0001")
    retired = TermFactory(facet=Facet.EFFECT, label="Ångström ✓", status="retired")
    reference = CitationFactory(review=review, relation="reference", position=3)
    unresolved = CitationFactory(review=review, relation="reference", position=4, article=None, cited_pmid=None)
    citing = CitationFactory(review=review, relation="cited_by", article=ArticleFactory())
    accepted = annotation(
        State.ACCEPTED, citation=reference, author=author, reviewed_by=chief, terms=[cargo_b, target, cargo_a],
        quote="“Exosomal miR-21” <b>not html</b>\n\ttabbed \u2028", figure="Fig. 3B", confidence="high",
        notes="Notes & more", cell_lines="MKN45, AGS", animal_model="xenograft", species="Mus musculus",
        patient_samples="serum", clinical_cohort="60 patients", evidence_level="in_vivo",
    )  # fmt: skip
    annotation(State.ACCEPTED, citation=unresolved, author=author, reviewed_by=None, terms=[retired])
    annotation(State.REJECTED, citation=citing, author=author, reviewed_by=chief, review_comment="Wrong paper.")
    annotation(State.SUBMITTED, citation=reference, author=curator("ben"))
    annotation(State.DRAFT, citation=citing, author=author, terms=[target])
    for text in ("First.", "Second."):
        AnnotationComment.objects.create(annotation=accepted, author=chief, text=text)
    MechanismAnnotation.objects.filter(pk=accepted.pk).update(created_at=WHEN, updated_at=WHEN.replace(microsecond=7))
    return {"review": review, "editor": chief, "author": author}


@pytest.mark.parametrize("who", ["visitor", "author", "other curator", "editor"])
def test_every_field_as_the_serializer_gives_it_to_each_role(records, who):
    user = {"visitor": AnonymousUser(), "author": records["author"], "other curator": curator("cat"),
            "editor": records["editor"]}[who]  # fmt: skip
    internal_notes = access.can_read_internal_notes(user)
    expected = serialised(user, internal_notes=internal_notes)
    assert len(expected) == {"visitor": 2, "author": 4, "other curator": 2, "editor": 5}[who]
    assert built(user, internal_notes=internal_notes) == expected
    values = next(row for row in expected if row["quote"].startswith("“"))["values"]
    assert list(values) == list(Facet.values)  # every facet, in order, the terms in the order they were added
    assert [term["label"] for term in values["cargo"]] == ["miR-test-z", "a test"]


def test_the_review_comment_is_shown_only_to_who_may_read_it(records):
    shown = built(records["editor"], internal_notes=True)
    hidden = built(records["editor"], internal_notes=False)
    assert {row["review_comment"] for row in shown} >= {"Wrong paper.", "Internal: checked against Fig. 2."}
    assert {row["review_comment"] for row in hidden} == {""}


def test_order_is_the_ids_order(records):
    ids = list(annotation_rows(user=records["editor"]).values_list("id", flat=True))
    page = json.loads(annotations_as_api_json(ids[::-1], internal_notes=True)[0])
    assert [row["id"] for row in page] == ids[::-1]
    assert annotations_as_api_json([], internal_notes=True)[0] == "[]"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40),
    micro=st.integers(0, 999_999),
)
def test_any_text_and_time(text, micro):
    MechanismAnnotation.objects.all().delete()
    made = annotation(State.SUBMITTED, quote=text, notes=text, figure=text[:200], species=text[:100])
    MechanismAnnotation.objects.filter(pk=made.pk).update(created_at=WHEN.replace(microsecond=micro))
    user = editor()
    assert built(user, internal_notes=True) == serialised(user, internal_notes=True)


def api_page(client: APIClient, path: str) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json(), len(queries)


def test_the_api_page_is_the_serializers_page_with_a_flat_query_count(records, monkeypatch):
    """Pages, filters, cursors and roles through the API, against the same API answering with the serializer."""
    review = records["review"].article.pmid
    for _ in range(12):
        annotation(State.ACCEPTED, citation=CitationFactory(review=records["review"]), reviewed_by=records["editor"])
    paths = [
        f"/api/v1/annotations/?review={review}",
        f"/api/v1/annotations/?review={review}&page_size=5&page=2",
        f"/api/v1/annotations/?review={review}&page_size=5&page=3",
        "/api/v1/annotations/?state=accepted&state=rejected&relation=reference",
        "/api/v1/annotations/?cargo=miR-test-z",
        "/api/v1/annotations/?review=1",
        "/api/v1/annotations/?pagination=cursor&page_size=4",
    ]
    clients = {"visitor": APIClient(), "editor": APIClient(), "author": APIClient()}
    clients["editor"].force_authenticate(records["editor"])
    clients["author"].force_authenticate(records["author"])
    counts = {}
    for name, client in clients.items():
        for path in paths:
            fast, queries = api_page(client, path)
            counts.setdefault(name, {})[path] = queries
            with monkeypatch.context() as serializer_only:
                serializer_only.setattr(built_json, "available", lambda: False)
                slow, _ = api_page(client, path)
            assert fast == slow, (name, path)
            if "cursor" in path and fast["next"]:
                follow = fast["next"].replace("http://testserver", "")
                assert api_page(client, follow)[0]["results"] == slow_next(client, follow, monkeypatch)
    # A numbered page and its count: one statement, whatever the page size. A facet filtered by label finds the
    # term first; a cursor page reads its ids, then builds the page.
    assert counts["visitor"] == {path: 2 if "cargo" in path or "cursor" in path else 1 for path in paths}


def slow_next(client: APIClient, path: str, monkeypatch) -> list[dict]:
    with monkeypatch.context() as serializer_only:
        serializer_only.setattr(built_json, "available", lambda: False)
        return api_page(client, path)[0]["results"]


def test_blind_double_annotation_hides_the_same_records_in_both(records):
    ReviewCurationSettings.objects.update_or_create(review=records["review"], defaults={"double_annotation": True})
    for who in (records["author"], curator("dee"), records["editor"]):
        internal_notes = access.can_read_internal_notes(who)
        assert built(who, internal_notes=internal_notes) == serialised(who, internal_notes=internal_notes)


def test_a_page_past_the_end_and_a_bad_page_are_errors_not_500s(records):
    client = APIClient()
    assert client.get("/api/v1/annotations/?page=99").status_code == 404
    assert client.get("/api/v1/annotations/?page=0").status_code == 404
    assert client.get("/api/v1/annotations/?page=x").status_code == 404
    assert client.get("/api/v1/annotations/?page_size=0").status_code == 400


def test_one_annotation_is_the_serializers_for_each_role_and_a_hidden_one_is_not_found(records, monkeypatch):
    clients = {"visitor": APIClient(), "editor": APIClient(), "author": APIClient()}
    clients["editor"].force_authenticate(records["editor"])
    clients["author"].force_authenticate(records["author"])
    ids = list(MechanismAnnotation.objects.values_list("pk", flat=True))
    for name, client in clients.items():
        for pk in [*ids, 10**30]:
            fast = client.get(f"/api/v1/annotations/{pk}/")
            with monkeypatch.context() as serializer_only:
                serializer_only.setattr(built_json, "available", lambda: False)
                slow = client.get(f"/api/v1/annotations/{pk}/")
            assert (fast.status_code, fast.json()) == (slow.status_code, slow.json()), (name, pk)
    shown = {pk for pk in ids if clients["visitor"].get(f"/api/v1/annotations/{pk}/").status_code == 200}
    assert len(shown) == 2  # the accepted ones


def test_a_write_answers_the_annotation_as_a_read_then_shows_it(records):
    draft = MechanismAnnotation.objects.get(state=State.DRAFT, author=records["author"])
    client = APIClient()
    client.force_authenticate(records["author"])
    saved = client.patch(f"/api/v1/annotations/{draft.pk}/", {"version": draft.version, "notes": "New “note”."},
                         format="json")  # fmt: skip
    assert saved.status_code == 200, saved.content
    assert saved.json()["notes"] == "New “note”." and saved.json()["version"] == draft.version + 1
    assert saved.json() == client.get(f"/api/v1/annotations/{draft.pk}/").json()


def test_one_annotation_is_laid_out_for_people_when_asked(records):
    """Indented JSON (`Accept: application/json; indent=4`) is DRF's layout, not PostgreSQL's; the browsable API
    shows the serializer's object, from which its edit form starts."""
    accepted = MechanismAnnotation.objects.filter(state=State.ACCEPTED).first()
    indented = APIClient().get(f"/api/v1/annotations/{accepted.pk}/", HTTP_ACCEPT="application/json; indent=4")
    assert indented.status_code == 200
    assert f'\n    "id": {accepted.pk},'.encode() in indented.content and b'" : ' not in indented.content
    client = APIClient()
    client.force_authenticate(records["editor"])
    browsable = client.get(f"/api/v1/annotations/{accepted.pk}/", HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200
    assert b"&quot;id&quot;: " + str(accepted.pk).encode() in browsable.content
    assert b"&quot; : " not in browsable.content


def test_a_filter_that_makes_the_list_distinct_works_on_one_annotation_too(records, monkeypatch):
    accepted = MechanismAnnotation.objects.filter(state=State.ACCEPTED).first()
    client = APIClient()
    for path in (f"/api/v1/annotations/{accepted.pk}/?state=accepted", "/api/v1/annotations/?state=accepted"):
        fast = client.get(path)
        with monkeypatch.context() as serializer_only:
            serializer_only.setattr(built_json, "available", lambda: False)
            slow = client.get(path)
        assert fast.status_code == 200 and fast.json() == slow.json(), path


def test_a_bad_filter_is_named_before_a_bad_page_number(records):
    response = APIClient().get("/api/v1/annotations/?page=abc&state=bogus")
    assert response.status_code == 400 and "state" in response.json()["errors"]
