"""Requests and wall time of a full review sync, against the fake E-utilities server with NCBI's latency and limit.

The floor is what any client that respects NCBI_MAX_RPS needs for the same requests: with r requests a second and
a response latency L, request i (0-based) cannot start before floor(i / r) seconds, so n requests take at least
floor((n - 1) / r) + L. The naive figure is one efetch per article instead of batches of 200.
"""

import math
import time

from django.conf import settings
from django.db import connection

from articles.models import Article, Citation, Review, SyncRun
from articles.services import review_get_or_create, sync_run_execute, sync_run_start
from fake_eutils.scenarios import network_store
from fake_eutils.server import FakeEutils

LATENCY_MS = 100
MAX_RPS = 3


def _floor_seconds(requests: int, rps: int, latency: float) -> float:
    return (requests - 1) // rps + latency


def _reset() -> None:
    SyncRun.objects.all().delete()
    Citation.objects.all().delete()
    Review.objects.all().delete()
    Article.objects.all().delete()


def run(*, quick: bool = False) -> None:
    cases = [(50, 50), (200, 300)] if quick else [(50, 50), (200, 300), (400, 800), (2000, 4000)]
    settings.NCBI_MAX_RPS = MAX_RPS
    settings.NCBI_SIMILAR_LIMIT = 20
    print(f"Sync benchmark: fake E-utilities on loopback, {LATENCY_MS} ms latency, NCBI_MAX_RPS={MAX_RPS}, "
          f"database {connection.vendor}")  # fmt: skip
    header = (
        f"{'R':>5} {'C':>5} {'requests':>8} {'bound':>6} {'naive':>6} {'wall s':>7} {'floor s':>7} "
        f"{'ratio':>6} {'naive floor s':>13} {'run':>10}"
    )
    print(header)
    print("-" * len(header))
    for references, cited_by in cases:
        _reset()
        similar = settings.NCBI_SIMILAR_LIMIT
        review_pmid = 80_000_000
        store = network_store(review_pmid, references=references, unresolved=0, cited_by=cited_by - similar,
                              similar=similar)  # fmt: skip
        with FakeEutils(store=store, max_rps=MAX_RPS, latency_ms=LATENCY_MS) as fake:
            settings.NCBI_EUTILS_BASE_URL = fake.base_url
            time.sleep(1.2)  # let the limiter's window from the previous case expire
            review = review_get_or_create(pmid=review_pmid)[0]
            run_ = sync_run_start(review=review, trigger=SyncRun.Trigger.COMMAND, enqueue=False)
            started = time.perf_counter()
            run_ = sync_run_execute(run=run_)
            wall = time.perf_counter() - started
            requests = len(fake.requests)
            rejected = sum(1 for r in fake.requests if r.status == 429)
        linked = references + cited_by
        bound = math.ceil(linked / 200) + 4
        naive = 3 + linked
        floor = _floor_seconds(requests, MAX_RPS, LATENCY_MS / 1000)
        naive_floor = _floor_seconds(naive, MAX_RPS, LATENCY_MS / 1000)
        print(
            f"{references:>5} {cited_by:>5} {requests:>8} {bound:>6} {naive:>6} {wall:>7.2f} {floor:>7.2f} "
            f"{wall / floor:>6.2f} {naive_floor:>13.1f} {run_.state:>10}"
        )
        if rejected:
            print(f"      {rejected} request(s) were answered 429")
    print("R = references, C = linked papers besides references (cited by + similar); bound = ceil((R + C) / 200) + 4")
