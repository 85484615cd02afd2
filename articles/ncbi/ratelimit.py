"""Rate limits for NCBI E-utilities: one process (LocalRateLimiter), the processes of one host sharing a file
(FileRateLimiter) or every worker sharing Redis (RedisRateLimiter).

All keep a sliding log of the times slots were granted and allow at most ``max_rps`` grants in any
``window_seconds``. NCBI counts requests when they *arrive*, and arrival = grant + a network delay that varies from
request to request; with a window of exactly 1 s, two grants 1.0 s apart could arrive 0.95 s apart and make a
fourth request land inside NCBI's second. The default window of 1.1 s absorbs up to 100 ms of such jitter.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_WINDOW_SECONDS = 1.1
# While Redis is unreachable, a RedisRateLimiter with a fallback asks Redis again only this often.
REDIS_RETRY_SECONDS = 10.0


class RateLimiter(Protocol):
    def acquire(self) -> None:
        """Block until one more request may be sent."""


class LocalRateLimiter:
    """Thread-safe sliding-window limit for the threads of one process."""

    def __init__(
        self,
        max_rps: int,
        *,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_rps < 1:
            raise ValueError("max_rps must be at least 1")
        self.max_rps = max_rps
        self.window_seconds = window_seconds
        self._clock = clock
        self._sleep = sleep
        self._granted: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                while self._granted and self._granted[0] <= now - self.window_seconds:
                    self._granted.popleft()
                if len(self._granted) < self.max_rps:
                    self._granted.append(now)
                    return
                wait = self._granted[0] + self.window_seconds - now
            self._sleep(max(wait, 0.001))


class FileRateLimiter:
    """Sliding-window limit shared by every process of one host that uses the same file.

    Without Redis, two processes that talk to NCBI at once (the dev server and ``manage.py sync_review``, or two
    ``sync_review``) would each keep their own window and together exceed the limit. Here the grant times live in
    the file: each attempt opens it, takes an exclusive ``flock``, drops grants older than the window and records
    its own if a slot is free. The file is opened afresh every time because a lock belongs to an open file, so one
    shared by threads, or inherited across ``fork``, would not keep them apart.

    Times come from ``time.monotonic``, one clock for every process of the host that no clock adjustment moves.
    A time ahead of now can only come from before a reboot and is dropped, as is a line that is not a number.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        max_rps: int,
        *,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_rps < 1:
            raise ValueError("max_rps must be at least 1")
        self.path = Path(path)
        self.max_rps = max_rps
        self.window_seconds = window_seconds
        self._clock = clock
        self._sleep = sleep
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def try_acquire(self) -> float:
        """Take a slot if one is free and return 0.0, or return the seconds to wait before trying again."""
        with open(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644), "r+", encoding="utf-8", errors="replace") as file:
            fcntl.flock(file, fcntl.LOCK_EX)  # released when the file is closed
            now = self._clock()
            granted = sorted(t for t in _times(file.read()) if now - self.window_seconds < t <= now)
            if len(granted) >= self.max_rps:
                # Free once enough of the oldest grants have left the window (more than max_rps are possible
                # when processes configured with a higher limit share the file).
                return granted[len(granted) - self.max_rps] + self.window_seconds - now
            granted.append(now)
            file.seek(0)
            file.write("".join(f"{t!r}\n" for t in granted))
            file.truncate()
            return 0.0

    def acquire(self) -> None:
        while True:
            wait = self.try_acquire()
            if wait == 0:
                return
            self._sleep(max(wait, 0.001))


def _times(text: str) -> list[float]:
    times = []
    for line in text.split():
        try:
            times.append(float(line))
        except ValueError:  # a write cut short by a crash: that grant is forgotten
            continue
    return times


# KEYS[1]: sorted set of grants (member: unique token, score: grant time in microseconds, Redis clock).
# ARGV: max grants, window in microseconds, unique token. Returns 0 when granted, else microseconds to wait.
_ACQUIRE_LUA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
    redis.call('ZADD', KEYS[1], now, ARGV[3])
    redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
    return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = math.floor(tonumber(oldest[2]) + window - now) + 1
if wait < 1 then
    wait = 1
end
return wait
"""


class RedisRateLimiter:
    """Sliding-window limit shared by every process that uses the same Redis ``key``.

    One Lua script decides atomically, with Redis ``TIME`` as the only clock, so workers on hosts whose clocks
    disagree still share one window.

    With a ``fallback`` (the host's FileRateLimiter), an unreachable Redis does not stop the sync: the processes of
    this host share the file's window meanwhile, Redis is asked again every ``REDIS_RETRY_SECONDS``, and the limit is
    shared through Redis again once it answers. Processes on other hosts keep their own files during the outage, so
    NCBI may briefly see more than ``max_rps`` from them together; the client's 429 handling absorbs that. Without
    a fallback the Redis error propagates.
    """

    def __init__(
        self,
        redis_client: Any,
        key: str,
        max_rps: int,
        *,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        fallback: FileRateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_rps < 1:
            raise ValueError("max_rps must be at least 1")
        self.key = key
        self.max_rps = max_rps
        self.window_seconds = window_seconds
        self.fallback = fallback
        self._sleep = sleep
        self._clock = clock
        self._script = redis_client.register_script(_ACQUIRE_LUA)
        self._redis_down_until: float | None = None  # set while Redis is unreachable

    def try_acquire(self) -> float:
        """Take a slot if one is free and return 0.0, or return the seconds to wait before trying again."""
        down_until = self._redis_down_until
        if self.fallback is not None and down_until is not None and self._clock() < down_until:
            return self.fallback.try_acquire()
        window_us = int(self.window_seconds * 1_000_000)
        try:
            wait_us = int(self._script(keys=[self.key], args=[self.max_rps, window_us, uuid.uuid4().hex]))
        except (RedisConnectionError, RedisTimeoutError) as exc:
            if self.fallback is None:
                raise
            if down_until is None:
                logger.warning(
                    "Redis is unavailable for the shared NCBI rate limit (%s); this host's file %s keeps the limit "
                    "until Redis answers again.", exc, self.fallback.path,
                )  # fmt: skip
            self._redis_down_until = self._clock() + REDIS_RETRY_SECONDS
            return self.fallback.try_acquire()
        if down_until is not None:
            self._redis_down_until = None
            logger.info("Redis answers again; the NCBI rate limit is shared through it once more.")
        return wait_us / 1_000_000

    def acquire(self) -> None:
        while True:
            wait = self.try_acquire()
            if wait == 0:
                return
            self._sleep(wait)
