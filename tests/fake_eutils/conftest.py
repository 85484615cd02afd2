"""Fixtures for the fake server tests: a store of recorded and synthetic records, and a server on it."""

from __future__ import annotations

import pytest

from fake_eutils import FakeEutils, Store, bundled_store


@pytest.fixture(scope="module")
def store() -> Store:
    store = bundled_store()
    store.add_synthetic(
        90000001,
        title="CAF-derived exosomal <i>miR-522</i> suppresses ferroptosis",
        year=2020,
        doi="10.1186/s12943-020-01168-8",
        authors=["Zhang, Haiyang", "CAF Exosome Consortium"],
        references=[9997, "A reference PubMed does not know.", ("Cited with text", 1234567)],
        retracted=True,
        retraction_pmid=90000009,
    )
    store.add_synthetic(90000002, title="Older record", references=[9997, 29963580], references_as_cites=True)
    store.set_links(9997, "pubmed_pubmed", [(9997, 46809160), (1234567, 1204.5), (90000001, 17)])
    store.set_links(9997, "pubmed_pubmed_citedin", [90000001, 90000002])
    store.set_links(1234567, "pubmed_pubmed_citedin", [90000001])
    store.set_links(90000001, "pubmed_pubmed_refs", [9997, 1234567])
    return store


@pytest.fixture
def fake(store):
    with FakeEutils(store, max_rps=None, max_rps_with_key=None) as server:
        yield server
