"""NCBI E-utilities over HTTP: a shared rate limit, retries with backoff, plain data out.

Bio.Entrez cannot be pointed at another base URL and limits its rate per process, so requests go through
http.client here, on kept-alive connections; Bio.Entrez's parser reads the elink/epost/esearch responses, with the
DTDs Biopython ships (never fetched).
"""

from __future__ import annotations

import http.client
import io
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from Bio.Entrez.Parser import DataHandler

from articles.ncbi.connections import ConnectFailed, ConnectionPool
from articles.ncbi.ratelimit import RateLimiter

# NCBI asks for POST above ~200 ids; Bio.Entrez switches at the same number.
POST_THRESHOLD = 200
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class NcbiError(Exception):
    """Base of every error the E-utilities client raises."""


class NcbiRequestError(NcbiError):
    """NCBI rejected the request (HTTP 4xx, or an ``<ERROR>`` in the body); sending it again will not help."""


class NcbiConfigurationError(NcbiError):
    """The client's settings cannot work (the E-utilities address, a proxy); nothing was sent."""


class NcbiUnavailableError(NcbiError):
    """NCBI did not answer usefully within the allowed attempts; the same request may succeed later."""


@dataclass(frozen=True)
class RequestAttempt:
    """One HTTP attempt, as reported to ``on_request``: ``status`` is None when no HTTP status came back."""

    endpoint: str
    method: str
    attempt: int
    id_count: int
    status: int | None
    error: str | None
    elapsed: float


class _Transient(Exception):
    """A failure worth another attempt; ``usable`` is what to return if every attempt ends like this one."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None, usable: Any = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.usable = usable


class EutilsClient:
    """Talks to the E-utilities at ``base_url``; every attempt first takes a slot from ``rate_limiter``.

    Thread-safe: a request takes an idle connection (or opens one) and puts it back once the whole response is
    read, so the pool holds at most as many connections as threads ever sent at once; ``close()`` closes them.
    """

    def __init__(
        self,
        base_url: str,
        *,
        email: str = "",
        tool: str = "cafex-portal",
        api_key: str = "",
        rate_limiter: RateLimiter,
        timeout: float = 30.0,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        on_request: Callable[[RequestAttempt], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.email, self.tool, self.api_key = email, tool, api_key
        self.rate_limiter = rate_limiter
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_base, self.backoff_max = backoff_base, backoff_max
        self.on_request = on_request
        self._sleep, self._clock, self._jitter = sleep, clock, jitter
        url = urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise NcbiConfigurationError(f"The E-utilities address {base_url!r} is not an http(s) URL with a host.")
        self._path = url.path
        try:
            self._pool = ConnectionPool(url.scheme, url.hostname, url.port, timeout=timeout)
        except ValueError as exc:  # a proxy setting it cannot use
            raise NcbiConfigurationError(str(exc)) from None

    def close(self) -> None:
        """Close the idle connections; the client stays usable and opens new ones when asked again."""
        self._pool.close()

    def efetch_pubmed(self, pmids: Sequence[int]) -> bytes:
        """The raw ``PubmedArticleSet`` XML of ``pmids``; unknown or withdrawn PMIDs are simply missing from it.

        A body without its closing tag is retried; after ``max_attempts`` such bodies the last one is returned.
        """
        ids = _pmids(pmids, "efetch_pubmed")
        params = [("db", "pubmed"), ("retmode", "xml"), ("id", ",".join(map(str, ids)))]
        return self._call("efetch", params, len(ids), f"efetch ({len(ids)} ids)", _check_pubmed_set)

    def efetch_pubmed_history(self, webenv: str, query_key: str, retstart: int, retmax: int) -> bytes:
        params = [("db", "pubmed"), ("retmode", "xml"), ("WebEnv", webenv), ("query_key", str(query_key))]
        params += [("retstart", str(retstart)), ("retmax", str(retmax))]
        label = f"efetch (history query_key={query_key}, retstart={retstart}, retmax={retmax})"
        return self._call("efetch", params, 0, label, _check_pubmed_set)

    def elink(
        self, pmids: Sequence[int], *, linkname: str, with_scores: bool = False
    ) -> dict[int, list[tuple[int, float | None]]]:
        """Links of each PMID under ``linkname``, in NCBI's order; scores only with ``with_scores``.

        One ``id=`` parameter per PMID makes NCBI answer one LinkSet per PMID instead of one merged set.
        PMIDs NCBI sent nothing for map to an empty list.
        """
        ids = [int(p) for p in pmids]
        if not ids:
            return {}
        params = [("dbfrom", "pubmed"), ("db", "pubmed"), ("linkname", linkname)]
        params.append(("cmd", "neighbor_score" if with_scores else "neighbor"))
        params += [("id", str(pmid)) for pmid in ids]
        record = self._call("elink", params, len(ids), f"elink {linkname} ({len(ids)} ids)", _entrez_read)
        found: dict[int, list[tuple[int, float | None]]] = {}
        for linkset in record:
            for source in linkset.get("IdList", []):
                links = found.setdefault(int(source), [])
                for linkset_db in linkset.get("LinkSetDb", []):
                    if linkset_db.get("LinkName") == linkname:
                        links += [(int(link["Id"]), _score(link)) for link in linkset_db.get("Link", [])]
        return found | {pmid: [] for pmid in ids if pmid not in found}

    def epost(self, pmids: Sequence[int]) -> tuple[str, str]:
        """Store ``pmids`` on NCBI's history server; returns ``(webenv, query_key)`` for efetch_pubmed_history."""
        ids = _pmids(pmids, "epost")
        params = [("db", "pubmed"), ("id", ",".join(map(str, ids)))]
        record = self._call("epost", params, len(ids), f"epost ({len(ids)} ids)", _entrez_read)
        return str(record["WebEnv"]), str(record["QueryKey"])

    def esearch_pubmed(self, term: str, *, retmax: int = 10_000) -> list[int]:
        params = [("db", "pubmed"), ("term", term), ("retmax", str(retmax))]
        record = self._call("esearch", params, 0, f"esearch (term={term!r})", _entrez_read)
        return [int(pmid) for pmid in record.get("IdList", [])]

    def _call(
        self,
        endpoint: str,
        params: list[tuple[str, str]],
        id_count: int,
        label: str,
        read: Callable[[bytes], Any],
    ) -> Any:
        params = params + [("tool", self.tool)]
        params += [("email", self.email)] if self.email else []
        params += [("api_key", self.api_key)] if self.api_key else []
        method = "POST" if id_count > POST_THRESHOLD else "GET"
        last_error = ""
        for attempt in range(1, self.max_attempts + 1):
            self.rate_limiter.acquire()
            started = self._clock()
            status: int | None = None
            try:
                status, body = self._send(endpoint, method, params)
                result = read(body)
            except _Transient as exc:
                status = exc.status or status
                last_error = str(exc)
                self._report(endpoint, method, attempt, id_count, status, last_error, started)
                if attempt == self.max_attempts:
                    if exc.usable is not None:
                        return exc.usable
                    break
                self._sleep(self._delay(attempt, exc.retry_after, label, last_error))
                continue
            except NcbiError as exc:
                self._report(endpoint, method, attempt, id_count, status, str(exc), started)
                raise type(exc)(f"{label}: {exc}") from exc
            self._report(endpoint, method, attempt, id_count, status, None, started)
            return result
        raise NcbiUnavailableError(f"{label} failed after {self.max_attempts} attempts: {last_error}")

    def _send(self, endpoint: str, method: str, params: list[tuple[str, str]]) -> tuple[int, bytes]:
        target, encoded = f"{self._path}{endpoint}.fcgi", urlencode(params)
        headers = {"User-Agent": f"{self.tool} (http.client)"}
        body = None
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = encoded.encode("ascii")
        else:
            target = f"{target}?{encoded}"
        try:
            response, payload = self._pool.exchange(method, target, body, headers)
        except ConnectFailed as exc:
            raise _Transient(f"connection failed: {exc}") from exc
        except http.client.IncompleteRead as exc:
            raise _Transient(f"truncated body ({len(exc.partial)} bytes, {exc.expected} more expected)") from exc
        except http.client.RemoteDisconnected as exc:
            raise _Transient("connection closed without a response") from exc
        except TimeoutError as exc:
            raise _Transient(f"timed out after {self.timeout:g} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        if 200 <= response.status < 300:
            return response.status, payload
        reason = f"HTTP {response.status} {response.reason}"
        if response.status in RETRY_STATUSES:
            retry_after = _retry_after_seconds(response.getheader("Retry-After"))
            raise _Transient(reason, status=response.status, retry_after=retry_after)
        detail = " ".join(payload.decode("utf-8", "replace").split())[:300]
        raise NcbiRequestError(f"{reason}{': ' + detail if detail else ''}")

    def _delay(self, attempt: int, retry_after: float | None, label: str, last_error: str) -> float:
        if retry_after is not None:
            if retry_after > self.backoff_max:
                # Waiting this long inside one call would stall a fetch thread; give up now, it may work later.
                raise NcbiUnavailableError(
                    f"{label} failed after {attempt} attempts: {last_error} "
                    f"(Retry-After {retry_after:g} s exceeds backoff_max {self.backoff_max:g} s)"
                )
            return retry_after
        return self._jitter() * min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))

    def _report(
        self, endpoint: str, method: str, attempt: int, id_count: int, status: int | None, error: str | None, t0: float
    ) -> None:
        if self.on_request is not None:
            elapsed = self._clock() - t0
            self.on_request(RequestAttempt(endpoint, method, attempt, id_count, status, error, elapsed))


def _pmids(pmids: Sequence[int], what: str) -> list[int]:
    ids = [int(p) for p in pmids]
    if not ids:
        raise ValueError(f"{what} needs at least one PMID")
    return ids


def _score(link: Any) -> float | None:
    return float(link["Score"]) if "Score" in link else None


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _check_pubmed_set(body: bytes) -> bytes:
    tail = body.rstrip()[-40:]
    if tail.endswith(b"</PubmedArticleSet>") or tail.endswith(b"<PubmedArticleSet/>"):
        return body
    if b"<ERROR>" in body:
        message = body.split(b"<ERROR>", 1)[1].split(b"</ERROR>", 1)[0]
        raise NcbiRequestError(message.decode("utf-8", "replace").strip())
    # Retried like a truncated transfer; if every attempt is cut short the last body is returned all the same,
    # so that the caller's parser can keep the complete articles in it.
    raise _Transient(f"malformed efetch response ({len(body)} bytes, no closing </PubmedArticleSet>)", usable=body)


class _BundledDtdHandler(DataHandler):
    """Bio.Entrez's parser, refusing to download a DTD that Biopython does not ship (it would do so untimed)."""

    def externalEntityRefHandler(self, context: Any, base: Any, systemId: str, publicId: Any) -> Any:
        filename = os.path.basename(urlsplit(systemId).path)
        handle = self.open_dtd_file(filename)
        if handle is None:
            raise NcbiError(f"DTD {filename} is not bundled with this Biopython; upgrade biopython")
        handle.close()
        return super().externalEntityRefHandler(context, base, systemId, publicId)


def _entrez_read(body: bytes) -> Any:
    handler = _BundledDtdHandler(validate=True, escape=False, ignore_errors=False)
    try:
        return handler.read(io.BytesIO(body))
    except RuntimeError as exc:
        raise NcbiRequestError(str(exc)) from exc
    except ValueError as exc:
        raise _Transient(f"malformed response: {type(exc).__name__}: {exc}") from exc
