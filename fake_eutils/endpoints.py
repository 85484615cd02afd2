"""What each E-utility answers, given the request parameters (the HTTP side is in handler.py)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from fake_eutils import responses

if TYPE_CHECKING:
    from fake_eutils.server import FakeEutils

EINFO_DIR = Path(__file__).resolve().parent / "data" / "einfo"
XML = "text/xml; charset=UTF-8"
Params = dict[str, list[str]]
Response = tuple[int, str, str]


def respond(fake: FakeEutils, endpoint: str, params: Params) -> Response:
    handler = _HANDLERS.get(endpoint)
    if handler is None:
        return 404, "text/html", f"<html><body><h1>Not Found</h1><p>{endpoint}</p></body></html>"
    db = _last(params, "db") or "pubmed"
    if endpoint in ("efetch", "esummary", "epost", "esearch") and db != "pubmed":
        return 400, XML, responses.efetch_error(f"Database: {db} - is not supported by fake_eutils")
    return handler(fake, params)


def _last(params: Params, name: str, default: str = "") -> str:
    values = params.get(name)
    return values[-1] if values else default


def _id_groups(params: Params) -> list[list[int]]:
    """Each ``id=`` parameter is a group; NCBI also accepts comma-joined ids inside one parameter."""
    groups = []
    for value in params.get("id", []):
        group = [int(part) for part in value.replace(" ", ",").split(",") if part.strip().isdigit()]
        if group:
            groups.append(group)
    return groups


def _unique(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _history_ids(fake: FakeEutils, params: Params, default_retmax: int) -> list[int] | str:
    """The ids of ``WebEnv`` + ``query_key`` (paged by retstart/retmax), or the NCBI error text."""
    webenv, query_key = _last(params, "WebEnv"), _last(params, "query_key")
    session = fake.history.get(webenv)
    if session is None or query_key not in session:
        return f"Unable to obtain query #{query_key or '?'}"
    retstart = int(_last(params, "retstart", "0") or 0)
    retmax = int(_last(params, "retmax", str(default_retmax)) or default_retmax)
    return session[query_key][retstart : retstart + retmax]


def efetch(fake: FakeEutils, params: Params) -> Response:
    retmode = _last(params, "retmode", "xml")
    if retmode not in ("", "xml"):
        return 400, XML, responses.efetch_error(f"retmode={retmode} is not supported by fake_eutils (only xml)")
    if _last(params, "WebEnv"):
        ids = _history_ids(fake, params, default_retmax=20)
        if isinstance(ids, str):
            return 400, XML, responses.efetch_error(ids)
    else:
        ids = _unique([pmid for group in _id_groups(params) for pmid in group])
        if not ids:
            return 400, XML, responses.efetch_error("Empty id list - nothing todo")
    return 200, XML, responses.pubmed_article_set(fake.store, ids)


def elink(fake: FakeEutils, params: Params) -> Response:
    dbfrom, db = _last(params, "dbfrom"), _last(params, "db", "pubmed") or "pubmed"
    cmd = _last(params, "cmd", "neighbor") or "neighbor"
    if dbfrom != "pubmed" or db != "pubmed":
        return 400, XML, responses.elink_error(f"fake_eutils links pubmed to pubmed only (dbfrom={dbfrom}, db={db})")
    if cmd not in ("neighbor", "neighbor_score"):
        return 400, XML, responses.elink_error(f"cmd={cmd} is not supported by fake_eutils")
    groups = _id_groups(params)
    if not groups:
        return 200, XML, responses.elink_error("Empty ID list; Nothing to do")
    linkname = _last(params, "linkname") or None
    body = responses.elink_result(fake.store, groups, linkname=linkname, with_scores=cmd == "neighbor_score")
    return 200, XML, body


def esummary(fake: FakeEutils, params: Params) -> Response:
    if _last(params, "version") not in ("", "1.0"):
        return 400, XML, responses.efetch_error("esummary version 2.0 is not supported by fake_eutils")
    if _last(params, "WebEnv"):
        ids = _history_ids(fake, params, default_retmax=10000)
        if isinstance(ids, str):
            return 200, XML, responses.esummary_result(fake.store, [], error=ids)
    else:
        ids = _unique([pmid for group in _id_groups(params) for pmid in group])
    return 200, XML, responses.esummary_result(fake.store, ids)


def epost(fake: FakeEutils, params: Params) -> Response:
    ids = _unique([pmid for group in _id_groups(params) for pmid in group])
    if not ids:
        return 200, XML, responses.epost_error("Empty ID list; Nothing to store")
    webenv, query_key = _remember(fake, ids, _last(params, "WebEnv"))
    return 200, XML, responses.epost_result(webenv, query_key)


def _remember(fake: FakeEutils, ids: list[int], webenv: str = "") -> tuple[str, str]:
    """Store ``ids`` as the next query of ``webenv`` (a new session unless it names a known one)."""
    with fake._lock:
        if webenv not in fake.history:
            webenv = "MCID_" + secrets.token_hex(12)
            fake.history[webenv] = {}
        session = fake.history[webenv]
        query_key = str(len(session) + 1)
        session[query_key] = list(ids)
    return webenv, query_key


def esearch(fake: FakeEutils, params: Params) -> Response:
    term = _last(params, "term")
    if not term.strip():
        return 200, XML, responses.esearch_error("Empty term and query_key - nothing todo")
    pmids = fake.store.search(term)
    retstart = int(_last(params, "retstart", "0") or 0)
    retmax = int(_last(params, "retmax", "20") or 20)
    history = None
    if _last(params, "usehistory").lower() == "y":
        history = _remember(fake, pmids, _last(params, "WebEnv"))
    return 200, XML, responses.esearch_result(term, pmids, retstart=retstart, retmax=retmax, history=history)


def einfo(fake: FakeEutils, params: Params) -> Response:
    db = _last(params, "db")
    if not db:
        return 200, XML, (EINFO_DIR / "einfo1.xml").read_text(encoding="utf-8")
    if db == "pubmed":
        return 200, XML, (EINFO_DIR / "einfo2.xml").read_text(encoding="utf-8")
    error = f"<eInfoResult><ERROR>Can not retrieve DbInfo for db={responses.xml_text(db)}</ERROR></eInfoResult>\n"
    return 200, XML, responses.XML_DECLARATION + error


_HANDLERS = {
    "efetch": efetch,
    "elink": elink,
    "esummary": esummary,
    "epost": epost,
    "esearch": esearch,
    "einfo": einfo,
}
