"""Django's Redis cache, made to degrade: while Redis cannot be reached, the cache behaves as an empty one.

The cache only ever holds what can be recomputed (throttle counters, memoised lookups), so losing it for a while
must not turn pages and API reads into 500s. While Redis is unreachable:

- reads miss: ``get`` returns the default, ``get_many`` nothing, ``has_key`` False;
- writes are dropped: ``set`` does nothing, ``add``/``touch``/``delete`` return False, ``set_many`` reports every
  key as failed;
- ``incr``/``decr`` raise ValueError, as Django does for a key that is not there.

After a failure the cache does not ask Redis again for ``RETRY_AFTER_SECONDS``, so a request never waits on more
than one timeout; then the next operation tries again, and the cache works as soon as Redis answers. A warning is
logged at most once per ``WARN_EVERY_SECONDS``. Keep the socket timeouts short in OPTIONS
(``socket_connect_timeout``, ``socket_timeout``): they bound what one failed attempt costs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError as RedisResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A Redis that refuses writes for want of memory (maxmemory with noeviction) answers an error reply: for a cache
# that holds only what can be recomputed, that is unavailability too.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, RedisResponseError, OSError)
RETRY_AFTER_SECONDS = 2.0
WARN_EVERY_SECONDS = 60.0


class _Outage:
    """Whether Redis at one location was found unreachable lately; shared by the threads of a process (Django
    makes one cache object per thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_until = 0.0
        self.warned_at: float | None = None

    def skip(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, location: str, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self.down_until = now + RETRY_AFTER_SECONDS
            warn = self.warned_at is None or now - self.warned_at >= WARN_EVERY_SECONDS
            if warn:
                self.warned_at = now
        if warn:
            logger.warning("Redis cache at %s is unavailable; serving without the cache meanwhile: %s", location, exc)

    def recovered(self, location: str) -> None:
        if self.warned_at is not None and self.down_until:
            with self._lock:
                self.down_until = 0.0
            logger.info("Redis cache at %s is back.", location)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class _ClientKept(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool: Django makes a new one for every
    operation, and making one (its table of reply handlers) cost more than the operation itself, about 0.4 ms,
    several times per API request (the throttles read and write the cache)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose operations treat an unreachable Redis (connection refused or reset, a timeout) as a miss."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ClientKept
        self._location = ",".join(self._servers)
        self._outage = _outage_for(self._location)

    def _guard(self, operation: Callable[[], T], fallback: Callable[[], T]) -> T:
        if self._outage.skip():
            return fallback()
        try:
            result = operation()
        except UNAVAILABLE as exc:
            self._outage.failed(self._location, exc)
            return fallback()
        self._outage.recovered(self._location)
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(lambda: RedisCache.add(self, key, value, timeout, version), lambda: False)

    def get(self, key, default=None, version=None) -> Any:
        return self._guard(lambda: RedisCache.get(self, key, default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._guard(lambda: RedisCache.set(self, key, value, timeout, version), lambda: None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(lambda: RedisCache.touch(self, key, timeout, version), lambda: False)

    def delete(self, key, version=None) -> bool:
        return self._guard(lambda: RedisCache.delete(self, key, version), lambda: False)

    def get_many(self, keys, version=None) -> dict:
        keys = list(keys)
        return self._guard(lambda: RedisCache.get_many(self, keys, version), dict)

    def has_key(self, key, version=None) -> bool:
        return self._guard(lambda: RedisCache.has_key(self, key, version), lambda: False)

    def incr(self, key, delta=1, version=None) -> int:
        def missing() -> int:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._guard(lambda: RedisCache.incr(self, key, delta, version), missing)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        return self._guard(lambda: RedisCache.set_many(self, data, timeout, version), lambda: list(data))

    def delete_many(self, keys, version=None) -> None:
        keys = list(keys)
        self._guard(lambda: RedisCache.delete_many(self, keys, version), lambda: None)

    def clear(self) -> bool:
        return self._guard(lambda: RedisCache.clear(self), lambda: False)
