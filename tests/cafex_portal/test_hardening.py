"""Hostile or unlucky requests get a 4xx or a 503 that says what happened, never a 500."""

import json
from contextlib import contextmanager

import pytest
from django.db import connections

from cafex_portal.parsers import MAX_DEPTH
from tests import factories
from tests.articles.factories import CitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(api_client):
    user = factories.editor("edith")
    api_client.force_authenticate(user)
    return user


# deeply nested JSON


def nested(depth: int) -> str:
    return '{"pmid": ' + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "}"


def test_json_nested_past_the_recursion_limit_is_a_400(api_client, editor):
    response = api_client.post("/api/v1/reviews/", "[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail"} and "nested" in response.json()["detail"]


def test_json_nesting_is_limited_below_the_recursion_limit_too(api_client, editor):
    allowed = api_client.post("/api/v1/reviews/", nested(MAX_DEPTH), content_type="application/json")
    assert allowed.status_code == 400 and "pmid" in allowed.json()["errors"], "parsed, then refused by the serializer"
    refused = api_client.post("/api/v1/reviews/", nested(MAX_DEPTH + 1), content_type="application/json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"detail"} and "nested" in refused.json()["detail"]


# NUL characters, which PostgreSQL refuses in text


def test_nul_in_a_json_string_is_a_400_from_the_parser(api_client, editor):
    citation = CitationFactory()
    factories.curator("carl")
    for body in ({"citations": [citation.pk], "curator": "carl\u0000"}, {"citations\u0000": [1], "curator": "carl"}):
        response = api_client.post("/api/v1/assignments/", body, format="json")
        assert response.status_code == 400, body
        assert set(response.json()) == {"detail"} and "NUL" in response.json()["detail"]
    escaped = api_client.post(
        "/api/v1/assignments/", json.dumps({"curator": "carl\\u0000"}), content_type="application/json"
    )
    assert escaped.status_code == 400 and "errors" in escaped.json(), "an escaped backslash is no NUL"


def test_nul_in_form_fields_of_the_api_is_a_json_400(api_client, editor):
    factories.curator("carl")
    response = api_client.post("/api/v1/assignments/", {"citations": [1], "curator": "carl\x00"}, format="multipart")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"} and "NUL" in response.json()["detail"]


@pytest.mark.parametrize("query", ["doi=%00", "doi=10.1%00x", "%00=1", "pmid=1&doi=a%00"])
def test_nul_in_an_api_query_string_is_a_json_400(api_client, query):
    response = api_client.get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"} and "NUL" in response.json()["detail"]


def test_nul_in_a_page_query_string_or_form_is_a_plain_400(client):
    client.force_login(factories.editor("edith"))
    search = client.get("/curation/terms/cargo/?q=il%00")
    assert search.status_code == 400 and search["Content-Type"].startswith("text/plain")
    assert "NUL" in search.content.decode()
    form = client.post("/reviews/add/", {"pmid": "1\x00"})
    assert form.status_code == 400 and "NUL" in form.content.decode()
    assert client.get("/curation/terms/cargo/?q=il").status_code == 200


# the database down


@contextmanager
def database_down():
    """Requests meet a real connection attempt that fails: a closed port, or a SQLite file that cannot be opened."""
    original = connections["default"]
    dead = dict(original.settings_dict)
    if original.vendor == "sqlite":
        dead["NAME"] = "/nonexistent-directory/cafex.sqlite3"
    else:
        dead.update(HOST="127.0.0.1", PORT="1")
    connections["default"] = type(original)(dead, "default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = original


def test_without_the_database_the_api_answers_a_json_503(api_client):
    with database_down():
        response = api_client.get("/api/v1/reviews/")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The database is unavailable; try again shortly."}
    assert int(response["Retry-After"]) > 0


def test_without_the_database_pages_answer_a_maintenance_page(client):
    client.force_login(factories.editor("edith"))
    with database_down():
        response = client.get("/")
    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "<title>" in page and "try again" in page and "<script" not in page and "style=" not in page


def test_database_errors_other_than_unavailability_stay_500s(client, monkeypatch):
    from django.db import IntegrityError

    def broken(*args, **kwargs):
        raise IntegrityError("a bug, not an outage")

    monkeypatch.setattr("articles.selectors.review_list", broken)
    client.raise_request_exception = False
    assert client.get("/").status_code == 500


def test_without_the_database_a_private_portal_answers_503_not_500(client, api_client, settings):
    """The session is read by a middleware, before any view: the 500 handler turns that failure into the 503."""
    settings.CAFEX_PUBLIC_READ = False
    client.force_login(factories.editor("pia"))
    client.raise_request_exception = False
    api_client.cookies = client.cookies
    api_client.raise_request_exception = False
    with database_down():
        page = client.get("/")
        api = api_client.get("/api/v1/reviews/")
        health = client.get("/health/")
    assert page.status_code == 503 and "try again" in page.content.decode()
    assert api.status_code == 503 and api.json()["detail"].startswith("The database is unavailable")
    assert health.status_code == 503 and health.json() == {"status": "down"}


def test_a_nul_in_a_cookie_is_a_400(client):
    assert client.get("/", HTTP_COOKIE='sessionid="\\000abcdefghijk"').status_code == 400


def test_unknown_api_routes_answer_json(api_client):
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and set(response.json()) == {"detail"}


@pytest.mark.skipif(connections["default"].vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_connections_run_without_jit_compilation():
    """JIT compilation made the curation queue's counts take seconds (docs/benchmarks.md); the settings turn it off."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
