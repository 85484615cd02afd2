"""A thread-safe pool of kept-alive ``http.client`` connections to one HTTP(S) server.

A request takes an idle connection (or opens one) and puts it back once the whole response is read, so the pool holds
at most as many connections as threads ever sent at once. An idle connection the server has closed in the meantime is
replaced by a fresh one before the request goes out.
"""

from __future__ import annotations

import http.client
import selectors
import socket
import threading


class ConnectFailed(Exception):
    """A new connection could not be opened, or could not send the request; the cause is the ``OSError``."""


class ConnectionPool:
    """Kept-alive connections to ``host``:``port`` over ``scheme`` (``"https"`` or plain HTTP)."""

    def __init__(self, scheme: str, host: str, port: int | None, *, timeout: float) -> None:
        self._connection_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        self._host, self._port = host, port
        self.timeout = timeout
        self._idle: list[http.client.HTTPConnection] = []
        self._idle_lock = threading.Lock()

    def close(self) -> None:
        """Close the idle connections; the pool stays usable and opens new ones when asked again."""
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def exchange(
        self, method: str, target: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """Send one request and read its whole response; the connection goes back to the pool if still open."""
        connection = self._sent(method, target, body, headers)
        try:
            response = connection.getresponse()
            payload = response.read()
        except BaseException:
            connection.close()  # a late or partial response must not be read as the next request's
            raise
        if connection.sock is not None:  # None after a Connection: close response
            with self._idle_lock:
                self._idle.append(connection)
        return response, payload

    def _sent(
        self, method: str, target: str, body: bytes | None, headers: dict[str, str]
    ) -> http.client.HTTPConnection:
        """A connection the request went out on. An idle one the server has closed (keep-alive timeout) is replaced
        by a fresh one without costing an attempt, as the request never reached the server."""
        while True:
            with self._idle_lock:
                connection = self._idle.pop() if self._idle else None
            reused = connection is not None
            if connection is None:
                connection = self._connection_class(self._host, self._port, timeout=self.timeout)
            elif _readable(connection.sock):  # the server closed it, or sent something unasked, while idle
                connection.close()
                continue
            try:
                connection.request(method, target, body, headers)  # connects a new connection first
                return connection
            except OSError as exc:
                connection.close()
                if reused:
                    continue  # closed by the server just as the request went out
                if isinstance(exc, TimeoutError):
                    raise
                raise ConnectFailed(str(exc)) from exc


def _readable(sock: socket.socket) -> bool:
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        return bool(selector.select(0))
