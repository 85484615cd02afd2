"""The sync against a real fake E-utilities server over HTTP, when NCBI misbehaves.

Server errors, 429 storms, error and cut bodies cost at most the batch they hit; passing faults are retried.
"""

import pytest

from articles.models import Article, Review, SyncRun
from articles.services import review_get_or_create, sync_run_execute, sync_run_start
from tests.articles.sync_helpers import REVIEW, sync

pytestmark = pytest.mark.django_db


def _sync_with_fault_on_batches(review: Review, network, **fault) -> SyncRun:
    """Sync, scripting `fault` once the review's own record is in, just before the first batch is requested."""
    scripted = []

    def script_fault(run):
        if run.total and not scripted:
            network.add_fault(path="efetch", **fault)
            scripted.append(True)

    run = sync_run_start(review=review, trigger=SyncRun.Trigger.COMMAND, enqueue=False)
    return sync_run_execute(run=run, on_progress=script_fault)


def test_malformed_xml_keeps_every_complete_article_and_reports_the_rest(network, review, settings):
    settings.NCBI_MAX_ATTEMPTS = 2
    whole, cut = network.store.article_xml(REVIEW + 1), network.store.article_xml(REVIEW + 2)
    broken = f"<?xml version='1.0'?><PubmedArticleSet>{whole}{cut[: len(cut) // 2]}"

    run = _sync_with_fault_on_batches(review, network, body=broken, status=200, times=2)  # both attempts

    assert run.state == SyncRun.State.PARTIAL, run.message
    assert (run.total, run.new_count, run.failed_count) == (18, 1, 17)
    assert REVIEW + 2 in run.failed_pmids and REVIEW + 1 not in run.failed_pmids
    assert any("truncated or malformed" in error for error in run.errors)
    assert review.citations.get(relation="reference", position=1).article.pmid == REVIEW + 1
    assert review.citations.filter(relation="reference").count() == 10, "the reference list itself was stored"


def test_server_errors_past_the_retry_bound_fail_the_run_with_a_clear_message(network, review, settings):
    settings.NCBI_MAX_ATTEMPTS = 3
    sync(review)
    before = Article.objects.get(pmid=REVIEW + 1).title
    network.add_fault(path="elink", status=503, times=6)  # both elinks, three attempts each
    run = sync(review)
    assert run.state == SyncRun.State.FAILED
    assert "elink" in run.message and "3 attempts" in run.message and "503" in run.message
    assert Article.objects.get(pmid=REVIEW + 1).title == before


def test_a_429_storm_is_waited_out(network, review):
    network.add_fault(path="efetch", status=429, times=3)
    run = sync(review)
    assert run.state == SyncRun.State.SUCCEEDED
    assert run.requests_made == 4 + 3
    assert [r.status for r in network.requests if r.endpoint == "efetch"] == [429, 429, 429, 200, 200]


def test_an_unknown_review_pmid_fails_with_its_reason(fake_ncbi, db):
    review = review_get_or_create(pmid=12345)[0]
    run = sync(review)
    assert run.state == SyncRun.State.FAILED
    assert "PMID 12345" in run.message and "unknown or withdrawn" in run.message


def test_an_error_body_for_one_batch_costs_that_batch_only(network, review, settings):
    settings.NCBI_BATCH_SIZE = 9  # two batches of 9; either may be the one refused

    refusal = "<eFetchResult><ERROR>Cannot retrieve</ERROR></eFetchResult>"
    run = _sync_with_fault_on_batches(review, network, status=200, body=refusal)
    assert run.state == SyncRun.State.PARTIAL
    assert (run.total, run.new_count, run.failed_count) == (18, 9, 9)
    assert any("NCBI refused a batch of 9 PMIDs: " in e and "Cannot retrieve" in e for e in run.errors)


def test_an_empty_answer_reports_every_asked_pmid(network, review):
    empty = "<?xml version='1.0'?><PubmedArticleSet></PubmedArticleSet>"
    run = _sync_with_fault_on_batches(review, network, status=200, body=empty)
    assert run.state == SyncRun.State.PARTIAL
    assert run.new_count == 0
    assert run.failed_count == run.total == len(set(run.failed_pmids)) == 18
    assert review.citations.filter(relation="reference").count() == 10


@pytest.mark.parametrize(
    "fault",
    [
        {"delay": 1.0},  # slower than NCBI_TIMEOUT below
        {"drop": True},
        {"truncate": 0.5},
        {"status": 502},
        {"status": 429, "retry_after": 0.05},
    ],
    ids=["timeout", "dropped-connection", "truncated-body", "bad-gateway", "429-retry-after"],
)
def test_a_passing_fault_on_a_batch_is_retried_and_nothing_is_lost(network, review, settings, fault):
    settings.NCBI_TIMEOUT = 0.3
    run = _sync_with_fault_on_batches(review, network, **fault)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert (run.new_count, run.failed_count) == (run.total, 0)
    assert run.requests_made == 4 + 1
    assert [r.fault is not None for r in network.requests].count(True) == 1
