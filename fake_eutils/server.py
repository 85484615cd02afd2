"""A real HTTP server that answers like NCBI E-utilities, with NCBI's rate limit, a request log and faults.

:class:`FakeEutils` runs the server in a background thread and holds what tests look at and steer; the request
handling and the ``/_fake/`` control endpoints are in :mod:`fake_eutils.handler`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fake_eutils.handler import EUTILS_PREFIX, _Handler, _Server
from fake_eutils.state import (
    Admission,
    FaultQueue,
    RequestRecord,
    SlidingWindowLimit,
    endpoint_name,
    peak_in_window,
)
from fake_eutils.store import Store

DATA_DIR = Path(__file__).resolve().parent / "data"


class FakeEutils:
    """Serve ``store`` on ``http://host:port/entrez/eutils/`` from a background thread.

    ``with FakeEutils(store=store, max_rps=3) as fake: client = EutilsClient(fake.base_url, ...)``.
    ``max_rps`` applies per client IP, ``max_rps_with_key`` per ``api_key``; None disables the limit.
    ``retry_after`` (seconds) adds a Retry-After header to rate-limit 429s, which NCBI does not always send.
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_rps: int | None = 3,
        max_rps_with_key: int | None = 10,
        latency_ms: float = 0,
        retry_after: float | None = None,
    ) -> None:
        self.store = store if store is not None else Store()
        self.host = host
        self.port = port
        self.max_rps = max_rps
        self.max_rps_with_key = max_rps_with_key
        self.latency_ms = latency_ms
        self.retry_after = retry_after
        self.faults = FaultQueue()
        self.history: dict[str, dict[str, list[int]]] = {}
        self._lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._limit = SlidingWindowLimit()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FakeEutils:
        if self._server is not None:
            raise RuntimeError("FakeEutils already started")
        self._server = _Server((self.host, self.port), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"fake-eutils-{self.port}"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeEutils:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}{EUTILS_PREFIX}"

    # what tests look at and steer
    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def max_requests_in_any_window(
        self, seconds: float = 1.0, *, only_ok: bool = False, client: str | None = None
    ) -> int:
        """The most requests that arrived in any ``seconds``-long window: all of them, or only those answered 2xx."""
        records = [r for r in self.requests if client is None or r.client == client]
        if only_ok:
            records = [r for r in records if r.status is not None and 200 <= r.status < 300]
        return peak_in_window((r.time for r in records), seconds)

    def add_fault(self, fault: Mapping[str, Any] | None = None, **fields: Any) -> None:
        """Script a fault for the next matching request, e.g. ``add_fault(status=503, path="efetch", times=2)``."""
        self.faults.add({**(fault or {}), **fields})

    def reset(self) -> None:
        """Forget the log, pending faults, rate-limit windows and history sessions (the store stays)."""
        with self._lock:
            self._log.clear()
            self._limit.clear()
            self.history.clear()
        self.faults.clear()

    def config(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "max_rps": self.max_rps,
            "max_rps_with_key": self.max_rps_with_key,
            "retry_after": self.retry_after,
        }

    def configure(self, **changes: Any) -> dict[str, Any]:
        unknown = set(changes) - set(self.config())
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        for name, value in changes.items():
            setattr(self, name, value)
        return self.config()

    def stats(self, seconds: float = 1.0) -> dict[str, Any]:
        statuses: dict[str, int] = {}
        for record in self.requests:
            statuses[str(record.status)] = statuses.get(str(record.status), 0) + 1
        return {
            "requests": sum(statuses.values()),
            "statuses": statuses,
            "max_in_window": {
                "seconds": seconds,
                "all": self.max_requests_in_any_window(seconds),
                "ok": self.max_requests_in_any_window(seconds, only_ok=True),
            },
        }

    def _admit(
        self, method: str, path: str, params: dict[str, list[str]], address: str
    ) -> tuple[RequestRecord, Admission]:
        api_key = (params.get("api_key") or [""])[-1]
        client = api_key or address
        limit = self.max_rps_with_key if api_key else self.max_rps
        with self._lock:
            now = time.monotonic()
            record = RequestRecord(now, method, path, endpoint_name(path), params, client)
            self._log.append(record)
            admission = self._limit.admit(client, now, limit)
        return record, admission
