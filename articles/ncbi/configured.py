"""The E-utilities client as the settings configure it, with the rate limit every process shares."""

import hashlib
from collections.abc import Callable
from pathlib import Path

import redis
from django.conf import settings

from .client import EutilsClient, RequestAttempt
from .ratelimit import FileRateLimiter, RedisRateLimiter


def rate_limiter_get() -> FileRateLimiter | RedisRateLimiter:
    """One limit for every process that talks to NCBI: in Redis when there is one, else in a file of this host.

    The file lies in NCBI_RATE_LIMIT_DIR (the project's `var/` unless set). While Redis is unreachable, the Redis
    limiter falls back to that file, so a sync already under way (or run with `manage.py sync_review`) goes on.
    """
    # NCBI counts per API key (or per address without one): one shared window per key.
    api_key = settings.NCBI_API_KEY
    key_id = hashlib.sha256(api_key.encode()).hexdigest()[:12] if api_key else "anon"
    path = Path(settings.NCBI_RATE_LIMIT_DIR) / f"ncbi-rate-{key_id}"
    if not settings.REDIS_URL:
        return FileRateLimiter(path, settings.NCBI_MAX_RPS)
    try:
        fallback = FileRateLimiter(path, settings.NCBI_MAX_RPS)
    except OSError:  # no writable directory here: without Redis, the sync cannot keep the limit and stops
        fallback = None
    # Short timeouts: an unreachable Redis costs a request at most a few seconds before the fallback takes over.
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    return RedisRateLimiter(client, f"cafex:ncbi:rate:{key_id}", settings.NCBI_MAX_RPS, fallback=fallback)


def ncbi_client_get(*, on_request: Callable[[RequestAttempt], None] | None = None) -> EutilsClient:
    return EutilsClient(
        settings.NCBI_EUTILS_BASE_URL,
        email=settings.NCBI_EMAIL,
        tool=settings.NCBI_TOOL,
        api_key=settings.NCBI_API_KEY,
        rate_limiter=rate_limiter_get(),
        timeout=settings.NCBI_TIMEOUT,
        max_attempts=settings.NCBI_MAX_ATTEMPTS,
        backoff_base=settings.NCBI_BACKOFF_BASE,
        backoff_max=settings.NCBI_BACKOFF_MAX,
        on_request=on_request,
    )
