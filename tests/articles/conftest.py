"""Fixtures shared by the NCBI client tests and the sync tests."""

from __future__ import annotations

import pytest

from articles.ncbi.client import EutilsClient
from articles.services import review_get_or_create
from fake_eutils import FakeEutils, Store
from fake_eutils.scenarios import network_store
from tests.articles.ncbi_helpers import CountingLimiter
from tests.articles.sync_helpers import REVIEW


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    for pmid in range(1, 301):
        store.add_synthetic(pmid, title=f"Record {pmid}", doi=f"10.5555/r{pmid}")
    store.set_links(1, "pubmed_pubmed", [(1, 2147483647), (2, 48000), (3, 12.5)])
    store.set_links(1, "pubmed_pubmed_citedin", [300, 299])
    store.set_links(2, "pubmed_pubmed", [(2, 99), (1, 48000)])
    return store


@pytest.fixture
def fake(store):
    with FakeEutils(store, max_rps=None, max_rps_with_key=None) as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(fake, sleeps):
    clients: list[EutilsClient] = []

    def make(**overrides) -> EutilsClient:
        options = {
            "email": "curator@example.org",
            "rate_limiter": CountingLimiter(),
            "timeout": 5.0,
            "max_attempts": 4,
            "sleep": sleeps.append,
            "jitter": lambda: 1.0,
        }
        clients.append(EutilsClient(fake.base_url, **(options | overrides)))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def network(fake_ncbi):
    network_store(REVIEW, references=10, unresolved=2, cited_by=4, similar=6, store=fake_ncbi.store)
    return fake_ncbi


@pytest.fixture
def review(db):
    return review_get_or_create(pmid=REVIEW)[0]
