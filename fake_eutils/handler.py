"""The HTTP side of the fake: the server socket, request handling, fault replies and the control endpoints.

Control endpoints, for clients in other processes (Celery workers) and for the CLI:
``GET /_fake/requests``, ``GET /_fake/stats?seconds=1``, ``POST /_fake/reset``, ``GET|POST|DELETE /_fake/faults``
(a JSON fault or list of faults), ``GET|POST /_fake/config`` (``latency_ms``, ``max_rps``, ``max_rps_with_key``,
``retry_after``).
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from fake_eutils import endpoints
from fake_eutils.state import RequestRecord

if TYPE_CHECKING:
    from fake_eutils.server import FakeEutils

EUTILS_PREFIX = "/entrez/eutils/"
XML_CONTENT_TYPE = "text/xml; charset=UTF-8"
_REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    fake: FakeEutils

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # the client gave up (timeout test) or was dropped on purpose
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake_eutils"
    server: _Server

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self, method: str) -> None:
        fake = self.server.fake
        split = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if split.path.startswith("/_fake/"):
            self._control(fake, method, split.path, split.query, body)
            return
        params = parse_qs(split.query, keep_blank_values=True)
        if method == "POST":
            for name, values in parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        record, admission = fake._admit(method, split.path, params, self.client_address[0])
        headers = {"Access-Control-Expose-Headers": "X-RateLimit-Limit,X-RateLimit-Remaining"}
        if admission.limit is not None:
            headers["X-RateLimit-Limit"] = str(admission.limit)
            headers["X-RateLimit-Remaining"] = str(admission.remaining)
        if not admission.allowed:
            if fake.latency_ms > 0:
                time.sleep(fake.latency_ms / 1000)
            if fake.retry_after is not None:
                headers["Retry-After"] = str(math.ceil(fake.retry_after))
            payload = _rate_limit_body(record.client, admission.count, admission.limit)
            self._send(record, 429, "application/json", payload, headers)
            return

        fault = fake.faults.take(record.endpoint)
        record.fault = fault
        fault = fault or {}
        pause = fake.latency_ms / 1000 + float(fault.get("delay", 0))
        if pause > 0:
            time.sleep(pause)
        if fault.get("drop"):
            self.close_connection = True
            return
        if "body" in fault:
            status = int(fault.get("status", 200))
            content_type, payload = fault.get("content_type", XML_CONTENT_TYPE), str(fault["body"]).encode()
        elif "status" in fault:
            status = int(fault["status"])
            if "retry_after" in fault:
                headers["Retry-After"] = str(fault["retry_after"])
            if status == 429:
                content_type, payload = "application/json", _rate_limit_body(record.client, 1, admission.limit)
            else:
                content_type, payload = "text/html", _error_page(status)
        elif split.path.startswith(EUTILS_PREFIX):
            status, content_type, text = endpoints.respond(fake, record.endpoint, params)
            payload = text.encode("utf-8")
        else:
            status, content_type, payload = 404, "text/html", _error_page(404)
        self._send(record, status, content_type, payload, headers, truncate=fault.get("truncate"))

    def _send(
        self,
        record: RequestRecord | None,
        status: int,
        content_type: str,
        payload: bytes,
        headers: Mapping[str, str] | None = None,
        truncate: float | None = None,
    ) -> None:
        if record is not None:
            record.status = status
        try:
            self.send_response(status, _REASONS.get(status))
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "private")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if truncate is not None:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(payload if truncate is None else payload[: int(len(payload) * float(truncate))])
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _control(self, fake: FakeEutils, method: str, path: str, query: str, body: bytes) -> None:
        try:
            data = json.loads(body) if body.strip() else None
            result: Any
            if path == "/_fake/requests" and method == "GET":
                result = {"requests": [r.to_dict() for r in fake.requests]}
            elif path == "/_fake/stats" and method == "GET":
                seconds = float((parse_qs(query).get("seconds") or ["1.0"])[-1])
                result = fake.stats(seconds)
            elif path == "/_fake/reset" and method == "POST":
                fake.reset()
                result = {"ok": True}
            elif path == "/_fake/faults":
                if method == "POST":
                    for fault in data if isinstance(data, list) else [data or {}]:
                        fake.add_fault(fault)
                elif method == "DELETE":
                    fake.faults.clear()
                result = {"pending": fake.faults.pending()}
            elif path == "/_fake/config":
                result = fake.configure(**(data or {})) if method == "POST" else fake.config()
            else:
                self._send(None, 404, "application/json", json.dumps({"error": f"no {method} {path}"}).encode())
                return
        except (ValueError, TypeError) as exc:
            self._send(None, 400, "application/json", json.dumps({"error": str(exc)}).encode())
            return
        self._send(None, 200, "application/json", json.dumps(result).encode())


def _rate_limit_body(client: str, count: int, limit: int | None) -> bytes:
    body = {"error": "API rate limit exceeded", "api-key": client, "count": str(count), "limit": str(limit)}
    return json.dumps(body, separators=(",", ":")).encode()


def _error_page(status: int) -> bytes:
    reason = _REASONS.get(status) or BaseHTTPRequestHandler.responses.get(status, ("Error",))[0]
    return f"<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>".encode()
