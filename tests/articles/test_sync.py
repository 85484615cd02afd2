"""The sync against a real fake E-utilities server over HTTP: what it stores, and what it does when NCBI misbehaves."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.locks import RunLock, SyncLocked
from articles.models import Article, ArticleChange, Citation, EditorAlert, Review, SyncRun
from articles.services import review_get_or_create, sync_run_execute, sync_run_start, sync_runs_close_stale
from fake_eutils.scenarios import demo_store, network_store

pytestmark = pytest.mark.django_db

REVIEW = 90_000_000


def _sync(review: Review) -> SyncRun:
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.COMMAND, enqueue=False)
    return sync_run_execute(run=run)


def _sync_with_fault_on_batches(review: Review, network, **fault) -> SyncRun:
    """Sync, scripting `fault` once the review's own record is in, just before the first batch is requested."""
    scripted = []

    def script_fault(run):
        if run.total and not scripted:
            network.add_fault(path="efetch", **fault)
            scripted.append(True)

    run = sync_run_start(review=review, trigger=SyncRun.Trigger.COMMAND, enqueue=False)
    return sync_run_execute(run=run, on_progress=script_fault)


@pytest.fixture
def network(fake_ncbi):
    network_store(REVIEW, references=10, unresolved=2, cited_by=4, similar=6, store=fake_ncbi.store)
    return fake_ncbi


@pytest.fixture
def review(db):
    return review_get_or_create(pmid=REVIEW)[0]


def test_first_sync_stores_the_whole_network(network, review, settings):
    settings.NCBI_SIMILAR_LIMIT = 5
    run = _sync(review)

    assert run.state == SyncRun.State.SUCCEEDED, run.message
    review.article.refresh_from_db()
    assert review.article.plain_title == "A synthetic review of CAF-derived exosomes."
    references = list(review.citations.filter(relation="reference").order_by("position"))
    assert [c.position for c in references] == list(range(1, 11))
    assert [c.article.plain_title for c in references[:8]] == [f"Referenced study {n}." for n in range(1, 9)]
    assert [c.article for c in references[8:]] == [None, None]
    assert references[9].citation_text.startswith("Unindexed A.")
    assert review.citations.filter(relation="cited_by").count() == 4
    similar = list(review.citations.filter(relation="similar").order_by("-score").select_related("article"))
    assert [c.article.plain_title for c in similar] == [f"Similar study {n}." for n in range(1, 6)]
    assert REVIEW not in [c.article.pmid for c in similar], "an article is not its own neighbour"
    assert (run.total, run.done, run.new_count, run.unresolved_count, run.failed_count) == (17, 17, 17, 2, 0)
    # the review's record, two elinks and one batch of 17 ids
    assert run.requests_made == len(network.requests) == 4
    assert run.started_at and run.finished_at and run.duration_seconds is not None
    sent = network.requests[0].params
    assert sent["tool"] == ["cafex-portal"] and sent["email"] == ["curators@example.org"]


def test_a_second_run_stores_nothing_twice(network, review):
    _sync(review)
    counts = (Article.objects.count(), Citation.objects.count())
    run = _sync(review)
    assert (Article.objects.count(), Citation.objects.count()) == counts
    assert (run.new_count, run.updated_count, run.unchanged_count) == (0, 0, run.total)
    assert ArticleChange.objects.count() == 0


def test_changed_metadata_is_updated_with_a_record_of_what_changed(network, review):
    _sync(review)
    cited = review.citations.filter(relation="cited_by").select_related("article").first().article
    network.store.add_synthetic(cited.pmid, title="Citing study, corrected title.", year=2024)
    run = _sync(review)
    cited.refresh_from_db()
    assert cited.title == "Citing study, corrected title."
    assert run.updated_count == 1
    change = ArticleChange.objects.get(article=cited)
    assert change.changes["title"][1] == "Citing study, corrected title."
    assert change.sync_run == run


def test_new_citing_papers_appear_on_refresh(network, review):
    _sync(review)
    network.store.add_synthetic(REVIEW + 500, title="A brand new citing paper.", year=2026)
    old = [link[0] for link in network.store.links(REVIEW, "pubmed_pubmed_citedin")["pubmed_pubmed_citedin"]]
    network.store.set_links(REVIEW, "pubmed_pubmed_citedin", [REVIEW + 500, *old])
    _sync(review)
    assert review.citations.filter(relation="cited_by", article__pmid=REVIEW + 500).exists()


def test_a_newly_retracted_cited_paper_raises_an_editor_alert(network, review):
    _sync(review)
    assert not EditorAlert.objects.exists()
    reference = review.citations.get(relation="reference", position=3).article
    network.store.add_synthetic(reference.pmid, title=reference.title, retracted=True, retraction_pmid=REVIEW + 900)
    _sync(review)
    reference.refresh_from_db()
    assert reference.is_retracted
    alert = EditorAlert.objects.get(article=reference)
    assert alert.kind == EditorAlert.Kind.RETRACTION
    assert str(reference.pmid) in alert.message
    _sync(review)
    assert EditorAlert.objects.count() == 1, "an alert is raised once"


def test_withdrawn_pmids_are_reported_and_nothing_stored_is_blanked(network, review):
    _sync(review)
    gone = review.citations.get(relation="reference", position=2).article
    network.store.withdraw(gone.pmid)
    run = _sync(review)
    assert run.state == SyncRun.State.PARTIAL
    assert run.failed_pmids == [gone.pmid]
    assert any(str(gone.pmid) in error for error in run.errors)
    gone.refresh_from_db()
    assert gone.plain_title == "Referenced study 2."
    assert review.citations.get(relation="reference", position=2).article == gone


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
    _sync(review)
    before = Article.objects.get(pmid=REVIEW + 1).title
    network.add_fault(path="elink", status=503, times=6)  # both elinks, three attempts each
    run = _sync(review)
    assert run.state == SyncRun.State.FAILED
    assert "elink" in run.message and "3 attempts" in run.message and "503" in run.message
    assert Article.objects.get(pmid=REVIEW + 1).title == before


def test_a_429_storm_is_waited_out(network, review):
    network.add_fault(path="efetch", status=429, times=3)
    run = _sync(review)
    assert run.state == SyncRun.State.SUCCEEDED
    assert run.requests_made == 4 + 3
    assert [r.status for r in network.requests if r.endpoint == "efetch"] == [429, 429, 429, 200, 200]


def test_an_unknown_review_pmid_fails_with_its_reason(fake_ncbi, db):
    review = review_get_or_create(pmid=12345)[0]
    run = _sync(review)
    assert run.state == SyncRun.State.FAILED
    assert "PMID 12345" in run.message and "unknown or withdrawn" in run.message


def test_one_active_run_per_review(network, review):
    first = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    second = sync_run_start(review=review, trigger=SyncRun.Trigger.SCHEDULE, enqueue=False)
    assert first == second
    assert SyncRun.objects.count() == 1


def test_a_dead_run_is_closed_and_the_next_one_finishes_the_job(network, review, settings):
    stuck = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    # its worker died while running it
    SyncRun.objects.filter(pk=stuck.pk).update(state=SyncRun.State.RUNNING, worker="dead", heartbeat_at=timezone.now())
    settings.SYNC_STALE_SECONDS = 0
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    assert run != stuck
    stuck.refresh_from_db()
    assert stuck.state == SyncRun.State.FAILED and "stopped reporting" in stuck.message
    assert sync_run_execute(run=run).state == SyncRun.State.SUCCEEDED


def test_a_run_held_by_a_live_worker_is_not_run_twice(network, review):
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    assert RunLock(run).take()  # a live worker elsewhere has just taken it
    with pytest.raises(SyncLocked):
        sync_run_execute(run=run)
    run.refresh_from_db()
    assert run.state == SyncRun.State.QUEUED
    assert network.requests == []


def test_a_finished_run_delivered_again_is_returned_as_it_ended(network, review):
    run = sync_run_execute(run=sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False))
    requests = len(network.requests)
    again = sync_run_execute(run=run)
    assert again.state == SyncRun.State.SUCCEEDED and len(network.requests) == requests


def test_a_redelivered_run_whose_worker_died_is_taken_over_and_finished(network, review, settings):
    """The message of a killed worker comes back while the dead process's lock, naming this run, still stands."""
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    long_ago = timezone.now() - timedelta(minutes=10)
    SyncRun.objects.filter(pk=run.pk).update(
        state=SyncRun.State.RUNNING, started_at=long_ago, heartbeat_at=long_ago, worker="killed"
    )
    settings.SYNC_STALE_SECONDS = 60
    assert sync_run_execute(run=run).state == SyncRun.State.SUCCEEDED
    run.refresh_from_db()
    assert run.worker != "killed"


def test_a_run_closed_from_elsewhere_stops_writing_and_keeps_that_outcome(network, review, settings):
    settings.NCBI_BATCH_SIZE = 2

    def closed_meanwhile(run):  # another process judged this run dead and replaced it
        if run.done:
            SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.FAILED, message="replaced")

    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    run = sync_run_execute(run=run, on_progress=closed_meanwhile)
    assert (run.state, run.message) == (SyncRun.State.FAILED, "replaced")
    assert run.done < run.total


def test_the_bundled_review_syncs_offline_and_resolves_references(fake_ncbi, demo_review):
    fake_ncbi.store = demo_store()
    call_command("sync_review", "34852849", "--no-progress")
    run = SyncRun.objects.get()
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    references = demo_review.citations.filter(relation="reference")
    recorded = len(fake_ncbi.store) - 1 - 10  # every stored record but the review and its 10 linked papers
    assert references.count() == 5 + recorded
    assert references.filter(article__isnull=False).count() == recorded
    assert references.get(position=1).article is None
    assert demo_review.citations.filter(relation="cited_by").count() == 5


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


def test_the_scheduled_refresh_syncs_every_review(network, review, django_capture_on_commit_callbacks):
    from articles.tasks import queue_scheduled_syncs

    with django_capture_on_commit_callbacks(execute=True):
        assert queue_scheduled_syncs() == 1
    run = SyncRun.objects.get()
    assert run.trigger == SyncRun.Trigger.SCHEDULE and run.state == SyncRun.State.SUCCEEDED
    waiting = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    assert queue_scheduled_syncs() == 0, "a review whose sync is already queued keeps that one"
    assert SyncRun.objects.filter(state=SyncRun.State.QUEUED).get() == waiting


def test_a_sync_never_touches_curated_data(network, review):
    from curation.models import MechanismAnnotation, ScreeningDecision
    from curation.services import annotation_create, annotation_submit, screening_set
    from tests.curation.factories import complete_values, curator

    _sync(review)
    citation = review.citations.get(relation="reference", position=1)
    someone = curator()
    screening_set(citation=citation, user=someone, decision="in_scope")
    annotation = annotation_create(citation=citation, user=someone, values=complete_values(), quote="Fig. 2")
    annotation_submit(annotation=annotation, user=someone)
    before = MechanismAnnotation.objects.get(pk=annotation.pk)
    # NCBI now reports the paper differently and the review's citing list changed
    network.store.add_synthetic(citation.article.pmid, title="Referenced study 1, revised.", year=2001)
    network.store.set_links(REVIEW, "pubmed_pubmed_citedin", [])

    run = _sync(review)

    assert run.state == SyncRun.State.SUCCEEDED and run.updated_count == 1
    after = MechanismAnnotation.objects.get(pk=annotation.pk)
    assert (after.citation_id, after.state, after.version, after.quote) == (
        before.citation_id, before.state, before.version, before.quote
    )  # fmt: skip
    assert set(after.terms.values_list("pk", flat=True)) == set(before.terms.values_list("pk", flat=True))
    assert ScreeningDecision.objects.get(citation=citation).decision == "in_scope"
    assert review.citations.filter(relation="cited_by").count() == 4, "a citation is never dropped by a sync"


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


def test_a_run_the_broker_cannot_take_fails_at_once_and_the_next_request_queues_anew(
    network, review, monkeypatch, django_capture_on_commit_callbacks
):
    from articles import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_sync, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = sync_run_start(review=review, trigger=SyncRun.Trigger.PAGE)
    run.refresh_from_db()
    assert run.state == SyncRun.State.FAILED
    assert "Could not hand the sync to the workers" in run.message and "Connection refused" in run.message
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = sync_run_start(review=review, trigger=SyncRun.Trigger.PAGE)
    assert again.pk != run.pk


def test_a_process_whose_lock_was_taken_over_stops_writing(network, review, settings):
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    slow = RunLock(run)
    assert slow.take()
    long_ago = timezone.now() - timedelta(minutes=5)
    SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    settings.SYNC_STALE_SECONDS = 60

    assert sync_run_execute(run=run).state == SyncRun.State.SUCCEEDED  # the same message, delivered again

    # the slow process wakes up: its next write matches nothing, so it stops
    assert slow.mine().update(heartbeat_at=timezone.now()) == 0


def test_stale_runs_are_closed_by_the_sweep(network, review, settings):
    dead = sync_run_start(review=review, trigger=SyncRun.Trigger.API, enqueue=False)
    long_ago = timezone.now() - timedelta(minutes=10)
    SyncRun.objects.filter(pk=dead.pk).update(state=SyncRun.State.RUNNING, heartbeat_at=long_ago)
    other = review_get_or_create(pmid=REVIEW + 777)[0]
    fresh = sync_run_start(review=other, trigger=SyncRun.Trigger.API, enqueue=False)
    settings.SYNC_STALE_SECONDS = 60

    assert sync_runs_close_stale() == 1
    dead.refresh_from_db()
    fresh.refresh_from_db()
    assert dead.state == SyncRun.State.FAILED and "stopped reporting progress" in dead.message
    assert fresh.state == SyncRun.State.QUEUED


def test_a_doi_moving_between_records_in_one_batch_is_reported_not_fatal(network, review):
    _sync(review)
    Article.objects.filter(pmid=REVIEW + 1).update(doi="")
    network.store.add_synthetic(REVIEW + 1, title="Referenced study 1.", year=2001, doi="10.9/shared")
    network.store.add_synthetic(REVIEW + 500, title="A twin record.", year=2022, doi="10.9/SHARED")
    network.store.set_links(REVIEW, "pubmed_pubmed_citedin", [REVIEW + 500])

    run = _sync(review)

    assert run.state == SyncRun.State.PARTIAL, run.message
    assert Article.objects.get(pmid=REVIEW + 1).doi == "10.9/shared"
    assert Article.objects.get(pmid=REVIEW + 500).doi == ""
    assert any("DOI 10.9/SHARED is stored for PMID 90000001" in error for error in run.errors)
