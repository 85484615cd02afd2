"""Fixtures shared by the whole suite."""

import os

import pytest

# The browser fixtures (Chromium, pages, log-in, screenshots), for every folder that has browser tests.
pytest_plugins = ["tests.browser"]

# Django imports stay inside the fixtures, so tests of the framework-free modules also run with -p no:django.


@pytest.fixture(autouse=True)
def no_dtd_downloads(monkeypatch):
    """Bio.Entrez must parse with the DTDs Biopython ships; an attempt to download one fails the test."""

    def refuse(url, *args, **kwargs):
        raise AssertionError(f"Bio.Entrez tried to download {url}")

    monkeypatch.setattr("Bio.Entrez.Parser.urlopen", refuse)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def demo_review(db):
    from articles.services import demo_review_load

    return demo_review_load()


@pytest.fixture
def admin_user(db):
    from tests.factories import superuser

    return superuser("root")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CAFEX_REQUIRE_SERVICES=1 (set by CI) a skipped test fails: CI must run everything."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CAFEX_REQUIRE_SERVICES") == "1" and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped where CAFEX_REQUIRE_SERVICES=1 requires it to run: {reason}"


@pytest.fixture
def fake_ncbi(settings):
    """A fake E-utilities server on loopback, with the settings pointing the sync at it.

    The server enforces NCBI's limit for its own sake; the client's limit is set above it here so tests of
    behaviour are not slowed to 3 requests a second (the rate-limit tests set both to NCBI's real numbers).
    """
    from fake_eutils.server import FakeEutils
    from fake_eutils.store import Store

    with FakeEutils(store=Store(), max_rps=None) as fake:
        settings.NCBI_EUTILS_BASE_URL = fake.base_url
        settings.NCBI_MAX_RPS = 1000
        settings.NCBI_EMAIL = "curators@example.org"
        settings.NCBI_BACKOFF_BASE = 0.01
        settings.NCBI_BACKOFF_MAX = 0.05
        yield fake
