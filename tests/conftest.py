"""Fixtures shared by the whole suite."""

import os

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from articles.services import demo_review_load


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def demo_review(db):
    return demo_review_load()


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(username="root", password="pw-for-tests-only")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CAFEX_REQUIRE_SERVICES=1 (set by CI) a skipped test fails: CI must run everything."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CAFEX_REQUIRE_SERVICES") == "1" and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped where CAFEX_REQUIRE_SERVICES=1 requires it to run: {reason}"
