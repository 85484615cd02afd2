"""Access to the real services some tests need (Redis), skipping or failing when they are missing."""

from __future__ import annotations

import os

import pytest

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def services_required() -> bool:
    """CI sets CAFEX_REQUIRE_SERVICES=1 so that a missing service fails the run instead of skipping tests."""
    return os.environ.get("CAFEX_REQUIRE_SERVICES", "") == "1"


def require_redis() -> str:
    """Return ``REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) once Redis answers PING; skip or fail if not."""
    url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # any failure means the service is unusable here
        message = f"Redis not reachable at {url}: {exc}"
        if services_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return url


def shared_database_url() -> str:
    """The test database as a URL other processes can connect to (PostgreSQL only; skip or fail elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        message = "needs PostgreSQL (DATABASE_URL=postgres://…) so that other processes share the test database"
        if services_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
