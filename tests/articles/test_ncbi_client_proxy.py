"""The E-utilities client behind a proxy: the *_PROXY variables every HTTP client reads, NO_PROXY, credentials.

A small forwarding proxy stands between the client and the fake server. Loopback addresses never go through a proxy,
so the tests reach the fake server by a name that is not one: this machine's own host name.
"""

from __future__ import annotations

import http.client
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from articles.ncbi.client import EutilsClient
from articles.ncbi.connections import ConnectionPool, Proxy, proxy_for
from tests.articles.ncbi_helpers import CountingLimiter, pmids_in


class ForwardingProxy:
    """An HTTP proxy for plain-HTTP requests (absolute URLs): forwards each and remembers what it was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str]] = []  # (method, target, Proxy-Authorization)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                proxy.requests.append((self.command, self.path, self.headers.get("Proxy-Authorization", "")))
                url = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
                upstream = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-authorization", "host")}
                upstream.request(self.command, url.path + (f"?{url.query}" if url.query else ""), body, headers)
                response = upstream.getresponse()
                payload = response.read()
                upstream.close()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _forward

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy():
    server = ForwardingProxy()
    yield server
    server.close()


@pytest.fixture
def by_name(fake) -> str:
    """The fake server's base URL by this host's name, which resolves here but is not a loopback literal."""
    name = socket.gethostname()
    try:
        socket.create_connection((name, urlsplit(fake.base_url).port), timeout=2).close()
    except OSError:
        pytest.fail(f"this host's own name {name!r} does not reach a server on 127.0.0.1")
    return fake.base_url.replace("127.0.0.1", name)


def client_for(base_url: str) -> EutilsClient:
    return EutilsClient(base_url, email="curator@example.org", rate_limiter=CountingLimiter(), max_attempts=1)


def test_requests_go_through_the_proxy_in_the_environment(monkeypatch, proxy, by_name):
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = client_for(by_name)
    assert pmids_in(client.efetch_pubmed([11, 12])) == [11, 12]
    client.efetch_pubmed(range(1, 400))  # a long id list goes as a POST
    methods = [method for method, _, _ in proxy.requests]
    assert methods == ["GET", "POST"]
    assert all(target.startswith(by_name) for _, target, _ in proxy.requests)  # absolute URLs, as proxies expect


def test_credentials_in_the_proxy_url_are_sent_to_the_proxy(monkeypatch, proxy, by_name):
    monkeypatch.setenv("HTTP_PROXY", proxy.url.replace("http://", "http://lab%40uni:s%3Acret@"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client_for(by_name).efetch_pubmed([5])
    assert proxy.requests[0][2] == "Basic bGFiQHVuaTpzOmNyZXQ="  # base64 of "lab@uni:s:cret"


def test_no_proxy_and_loopback_addresses_go_direct(monkeypatch, proxy, by_name, fake):
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", socket.gethostname())
    client_for(by_name).efetch_pubmed([5])
    monkeypatch.delenv("NO_PROXY")
    client_for(fake.base_url).efetch_pubmed([6])  # 127.0.0.1
    assert proxy.requests == []


def test_https_goes_through_a_connect_tunnel_with_tls_to_ncbi_itself():
    proxies = {"https": "http://user:pw@proxy.example.org:3128"}
    pool = ConnectionPool("https", "eutils.ncbi.nlm.nih.gov", None, timeout=5, proxies=proxies)
    connection = pool._new_connection()
    assert isinstance(connection, http.client.HTTPSConnection)
    assert (connection.host, connection.port) == ("proxy.example.org", 3128)
    assert connection._tunnel_host == "eutils.ncbi.nlm.nih.gov"  # CONNECT to NCBI; TLS and SNI for NCBI
    assert connection._tunnel_headers == {"Proxy-Authorization": "Basic dXNlcjpwdw=="}


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [
        ({}, None),
        ({"https": "proxy.example.org:3128"}, Proxy("proxy.example.org", 3128)),
        ({"https": "http://proxy.example.org"}, Proxy("proxy.example.org", 8080)),
        ({"http": "http://proxy.example.org:1"}, None),  # only the scheme's own proxy counts
    ],
)
def test_proxy_settings_are_read_as_other_clients_read_them(proxies, expected):
    assert proxy_for("https", "eutils.ncbi.nlm.nih.gov", proxies) == expected


def test_a_proxy_that_is_not_http_is_refused_clearly():
    with pytest.raises(ValueError, match="Unsupported proxy"):
        proxy_for("https", "eutils.ncbi.nlm.nih.gov", {"https": "socks5://proxy.example.org:1080"})
