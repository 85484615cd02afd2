import pytest
from django.db import connections

from tests import factories

from .test_hardening import database_down

pytestmark = pytest.mark.django_db

REDIS_DOWN = "redis://127.0.0.1:1/0"  # nothing listens there


def test_anonymous_callers_learn_only_up_or_down(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "up"}

    settings.REDIS_URL = REDIS_DOWN
    response = client.get("/health/")
    assert response.status_code == 503 and response.json() == {"status": "down"}


def test_staff_see_each_dependency(client, settings):
    client.force_login(factories.UserFactory(username="operator", is_staff=True))
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_staff_are_told_which_dependency_is_down(client, settings):
    client.force_login(factories.UserFactory(username="operator", is_staff=True))
    settings.REDIS_URL = REDIS_DOWN
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["database"] == "ok"
    assert body["redis"].startswith("error: ConnectionError")


def test_signed_in_users_who_are_not_staff_learn_only_up_or_down(client, settings):
    client.force_login(factories.editor("edith"))
    settings.REDIS_URL = REDIS_DOWN
    response = client.get("/health/")
    assert response.status_code == 503 and response.json() == {"status": "down"}


def test_without_the_database_nobody_learns_where_it_lives(client, settings):
    client.force_login(factories.UserFactory(username="operator", is_staff=True))
    settings.REDIS_URL = ""
    database = connections["default"].settings_dict
    with database_down():
        response = client.get("/health/")
    assert response.status_code == 503 and response.json() == {"status": "down"}
    body = response.content.decode()
    assert all(str(value) not in body for value in ("127.0.0.1", database["NAME"], database.get("HOST")) if value)


def test_health_stays_open_when_pages_are_private(client, settings):
    settings.CAFEX_PUBLIC_READ = False
    settings.REDIS_URL = ""
    assert client.get("/health/").status_code == 200


def test_production_settings_refuse_to_start_without_secret_and_hosts(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "")
    sys.modules.pop("cafex_portal.settings.production", None)
    with pytest.raises(ImproperlyConfigured):
        importlib.import_module("cafex_portal.settings.production")
