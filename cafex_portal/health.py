"""Liveness of the portal and the services it needs, for load balancers and compose health checks.

Anyone may ask whether the portal is up; only staff are told which dependency failed and why, since the errors
name hosts, ports and databases.
"""

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    return "ok"


def _is_staff(request: HttpRequest) -> bool:
    try:
        return request.user.is_staff
    except DatabaseError:  # the session could not be read: nobody can be recognised
        return False


def health(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, check in (("database", _database), ("redis", _redis)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure means the dependency is unusable; say which and why
            checks[name] = f"error: {type(exc).__name__}: {exc}"
    healthy = all(not value.startswith("error") for value in checks.values())
    status = 200 if healthy else 503
    # Without the database the session cannot say who is asking; don't wait for a second failed connection.
    if checks["database"] == "ok" and _is_staff(request):
        return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=status)
    return JsonResponse({"status": "up" if healthy else "down"}, status=status)
