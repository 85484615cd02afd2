"""Helpers for the fake server tests: plain HTTP calls, Biopython's reading of the answers, recorded files."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from urllib.parse import urlencode

from Bio import Entrez

from fake_eutils import DATA_DIR

RECORDED = DATA_DIR / "recorded"
PUBMED_DIR = DATA_DIR / "pubmed"


def call(url: str, params=None, *, method: str = "GET", timeout: float = 5.0):
    """Send a request and return ``(status, headers, body)``, HTTP errors included."""
    encoded = urlencode(params or [], doseq=True)
    if method == "POST":
        request = urllib.request.Request(url, data=encoded.encode(), method="POST")
    else:
        request = urllib.request.Request(f"{url}?{encoded}" if encoded else url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def read(body: bytes, **kwargs):
    return Entrez.read(io.BytesIO(body), **kwargs)


def pmids_of(record) -> list[int]:
    return [int(article["MedlineCitation"]["PMID"]) for article in record["PubmedArticle"]]


def doctype(text: bytes | str) -> str:
    text = text.decode() if isinstance(text, bytes) else text
    return next(line for line in text.splitlines() if "<!DOCTYPE" in line).split(">")[0]
