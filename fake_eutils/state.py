"""Per-server bookkeeping of the fake: the request log, NCBI's per-client rate limit, and scripted faults."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

FAULT_KEYS = {"path", "status", "retry_after", "delay", "truncate", "drop", "body", "content_type", "times"}


@dataclass
class RequestRecord:
    """One request as the fake received it; ``status`` is None while in flight or when the connection was dropped."""

    time: float
    method: str
    path: str
    endpoint: str
    params: dict[str, list[str]]
    client: str
    status: int | None = None
    fault: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def peak_in_window(times: Iterable[float], seconds: float) -> int:
    """The most events that fall inside any half-open window ``[t, t + seconds)``."""
    ordered = sorted(times)
    best = start = 0
    for end, t in enumerate(ordered):
        while t - ordered[start] >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


@dataclass
class Admission:
    allowed: bool
    limit: int | None
    remaining: int | None
    count: int


class SlidingWindowLimit:
    """At most ``limit`` answered requests per client key in any sliding 1-second window.

    Requests turned away with 429 do not use up the window, so a client that backs off recovers; they still count
    in the ``count`` NCBI reports in its 429 body.
    """

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self._granted: dict[str, deque[float]] = {}
        self._arrivals: dict[str, deque[float]] = {}

    def admit(self, key: str, now: float, limit: int | None) -> Admission:
        arrivals = self._prune(self._arrivals.setdefault(key, deque()), now)
        granted = self._prune(self._granted.setdefault(key, deque()), now)
        arrivals.append(now)
        if limit is None:
            return Admission(True, None, None, len(arrivals))
        if len(granted) >= limit:
            return Admission(False, limit, 0, len(arrivals))
        granted.append(now)
        return Admission(True, limit, limit - len(granted), len(arrivals))

    def _prune(self, times: deque[float], now: float) -> deque[float]:
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def clear(self) -> None:
        self._granted.clear()
        self._arrivals.clear()


def endpoint_name(path: str) -> str:
    """``/entrez/eutils/efetch.fcgi``, ``efetch.fcgi`` and ``efetch`` all name the endpoint ``efetch``."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name.removesuffix(".fcgi")


def validate_fault(fault: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fault) - FAULT_KEYS
    if unknown:
        raise ValueError(f"unknown fault keys {sorted(unknown)}; allowed: {sorted(FAULT_KEYS)}")
    if not any(k in fault for k in ("status", "delay", "truncate", "drop", "body")):
        raise ValueError(f"a fault needs one of status, delay, truncate, drop, body: {dict(fault)}")
    if "truncate" in fault and not 0 <= float(fault["truncate"]) < 1:
        raise ValueError("truncate is the fraction of the body to send, in [0, 1)")
    return dict(fault)


@dataclass
class FaultQueue:
    """Scripted faults, consumed first-in first-out by the next request whose endpoint matches."""

    _pending: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, fault: Mapping[str, Any]) -> None:
        checked = validate_fault(fault)
        times = int(checked.pop("times", 1))
        if "path" in checked:
            checked["path"] = endpoint_name(str(checked["path"]))
        with self._lock:
            self._pending.extend(dict(checked) for _ in range(times))

    def take(self, endpoint: str) -> dict[str, Any] | None:
        with self._lock:
            for index, fault in enumerate(self._pending):
                if fault.get("path") in (None, endpoint):
                    return self._pending.pop(index)
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(f) for f in self._pending]

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
