import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_each_dependency(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_health_says_which_dependency_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["database"] == "ok"
    assert body["redis"].startswith("error: ConnectionError")


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
