"""A thread-safe pool of kept-alive ``http.client`` connections to one HTTP(S) server.

A request takes an idle connection (or opens one) and puts it back once the whole response is read, so the pool holds
at most as many connections as threads ever sent at once. An idle connection the server has closed in the meantime is
replaced by a fresh one before the request goes out.

Behind an institution's proxy the pool goes through it, by the variables every HTTP client reads (`HTTPS_PROXY`,
`HTTP_PROXY`, `NO_PROXY`, in either case, as urllib reads them): HTTPS through a CONNECT tunnel, plain HTTP as
requests for absolute URLs. Credentials in the proxy's URL are sent as Basic `Proxy-Authorization`.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import selectors
import socket
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit
from urllib.request import getproxies, proxy_bypass


class ConnectFailed(Exception):
    """A new connection could not be opened, or could not send the request; the cause is the ``OSError``."""


@dataclass(frozen=True)
class Proxy:
    host: str
    port: int
    authorization: str = ""  # the Proxy-Authorization header's value, when the proxy's URL has credentials


def proxy_for(scheme: str, host: str, proxies: dict[str, str] | None = None) -> Proxy | None:
    """The proxy that requests to ``scheme``://``host`` go through: ``proxies`` (by scheme), else the environment's
    ``*_PROXY`` variables; None when there is none or ``NO_PROXY`` exempts the host."""
    if _is_loopback(host):  # no proxy can reach this machine's own services
        return None
    if proxies is None:
        proxies = getproxies()
        if proxy_bypass(host):
            return None
    url = proxies.get(scheme, "")
    if not url:
        return None
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"Unsupported proxy {url!r}: give it as http://host:port.")
    authorization = ""
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        authorization = "Basic " + base64.b64encode(credentials).decode("ascii")
    return Proxy(parts.hostname, parts.port or 8080, authorization)


class ConnectionPool:
    """Kept-alive connections to ``host``:``port`` over ``scheme`` (``"https"`` or plain HTTP), through a proxy when
    one is configured (see the module's docstring; ``proxies`` overrides the environment, ``{}`` means none)."""

    def __init__(
        self, scheme: str, host: str, port: int | None, *, timeout: float, proxies: dict[str, str] | None = None
    ) -> None:
        self._connection_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        self._host, self._port = host, port
        self.proxy = proxy_for(scheme, host, proxies)
        self._tunnel = self.proxy is not None and scheme == "https"
        # Plain HTTP goes to the proxy as requests for absolute URLs (RFC 9112, 3.2.2).
        self._origin = f"http://{host}:{port or 80}" if self.proxy is not None and not self._tunnel else ""
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
        if self._origin:
            target = self._origin + target
            if self.proxy.authorization:
                headers = {**headers, "Proxy-Authorization": self.proxy.authorization}
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
                connection = self._new_connection()
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

    def _new_connection(self) -> http.client.HTTPConnection:
        if self.proxy is None:
            return self._connection_class(self._host, self._port, timeout=self.timeout)
        if not self._tunnel:
            return http.client.HTTPConnection(self.proxy.host, self.proxy.port, timeout=self.timeout)
        connection = self._connection_class(self.proxy.host, self.proxy.port, timeout=self.timeout)
        authorization = {"Proxy-Authorization": self.proxy.authorization} if self.proxy.authorization else None
        connection.set_tunnel(self._host, self._port, headers=authorization)  # TLS and SNI are with the origin
        return connection


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _readable(sock: socket.socket) -> bool:
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        return bool(selector.select(0))
