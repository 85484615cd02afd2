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

    The file lies in NCBI_RATE_LIMIT_DIR (the project's `var/` unless set).
    """
    # NCBI counts per API key (or per address without one): one shared window per key.
    api_key = settings.NCBI_API_KEY
    key_id = hashlib.sha256(api_key.encode()).hexdigest()[:12] if api_key else "anon"
    if settings.REDIS_URL:
        return RedisRateLimiter(
            redis.Redis.from_url(settings.REDIS_URL), f"cafex:ncbi:rate:{key_id}", settings.NCBI_MAX_RPS
        )
    directory = Path(settings.NCBI_RATE_LIMIT_DIR)
    return FileRateLimiter(directory / f"ncbi-rate-{key_id}", settings.NCBI_MAX_RPS)


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
