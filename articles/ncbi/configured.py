"""The E-utilities client as the settings configure it, with the rate limit every process shares."""

import hashlib
from collections.abc import Callable

import redis
from django.conf import settings

from .client import EutilsClient, RequestAttempt
from .ratelimit import LocalRateLimiter, RedisRateLimiter

_local_limiter: LocalRateLimiter | None = None


def rate_limiter_get() -> LocalRateLimiter | RedisRateLimiter:
    """One limit for every process that talks to NCBI: in Redis when there is one, else per process."""
    global _local_limiter
    if settings.REDIS_URL:
        # NCBI counts per API key (or per address without one): one shared window per key.
        api_key = settings.NCBI_API_KEY
        key = f"cafex:ncbi:rate:{hashlib.sha256(api_key.encode()).hexdigest()[:12] if api_key else 'anon'}"
        return RedisRateLimiter(redis.Redis.from_url(settings.REDIS_URL), key, settings.NCBI_MAX_RPS)
    if _local_limiter is None or _local_limiter.max_rps != settings.NCBI_MAX_RPS:
        _local_limiter = LocalRateLimiter(settings.NCBI_MAX_RPS)
    return _local_limiter


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
