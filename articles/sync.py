"""Keeping a review's citation network in step with NCBI: starting, running and recording sync runs."""

import hashlib
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from cafex_portal.roles import require_editor

from .models import Review, SyncRun
from .ncbi.client import EutilsClient, NcbiError, NcbiRequestError, RequestAttempt
from .ncbi.parser import parse_pubmed_xml
from .ncbi.ratelimit import LocalRateLimiter, RedisRateLimiter
from .ncbi.records import ParseResult
from .services import article_upsert_many, citations_link, references_store, review_create

logger = logging.getLogger(__name__)

CITED_BY_LINK = "pubmed_pubmed_citedin"
SIMILAR_LINK = "pubmed_pubmed"
HEARTBEAT_EVERY_SECONDS = 2.0
# Enough threads to keep NCBI_MAX_RPS requests in flight at NCBI latency; the shared limiter does the throttling.
FETCH_THREADS = 4
_local_limiter: LocalRateLimiter | None = None


class SyncFailed(Exception):
    """The run cannot go on; the message says why, for the person who started it."""


def rate_limiter_get():
    """One limit for every process that talks to NCBI: in Redis when there is one, else per process."""
    global _local_limiter
    if settings.REDIS_URL:
        import redis

        # NCBI counts per API key (or per address without one): one shared window per key.
        api_key = settings.NCBI_API_KEY
        key = f"cafex:ncbi:rate:{hashlib.sha256(api_key.encode()).hexdigest()[:12] if api_key else 'anon'}"
        return RedisRateLimiter(redis.Redis.from_url(settings.REDIS_URL), key, settings.NCBI_MAX_RPS)
    if _local_limiter is None or _local_limiter.max_rps != settings.NCBI_MAX_RPS:
        _local_limiter = LocalRateLimiter(settings.NCBI_MAX_RPS)
    return _local_limiter


def ncbi_client_get(*, on_request: Callable[[RequestAttempt], None] | None = None) -> EutilsClient:
    return EutilsClient(
        settings.NCBI_EUTILS_BASE_URL,
        email=settings.NCBI_EMAIL,
        tool=settings.NCBI_TOOL,
        api_key=settings.NCBI_API_KEY,
        rate_limiter=rate_limiter_get(),
        timeout=settings.NCBI_TIMEOUT,
        max_attempts=settings.NCBI_MAX_ATTEMPTS,
        backoff_base=settings.NCBI_BACKOFF_BASE,
        backoff_max=settings.NCBI_BACKOFF_MAX,
        on_request=on_request,
    )


def _is_stale(run: SyncRun) -> bool:
    """A running run whose worker stopped reporting for SYNC_STALE_SECONDS (it beats every few seconds), or a queued
    one no worker picked up within SYNC_QUEUED_STALE_SECONDS (its message was lost)."""
    if run.state == SyncRun.State.RUNNING:
        last_sign_of_life = run.heartbeat_at or run.started_at or run.created_at
        return timezone.now() - last_sign_of_life > timedelta(seconds=settings.SYNC_STALE_SECONDS)
    return timezone.now() - run.created_at > timedelta(seconds=settings.SYNC_QUEUED_STALE_SECONDS)


def review_add(*, pmid, user, trigger: str) -> tuple[Review, SyncRun, bool]:
    """An editor adds a review by PMID (or finds it there) and its sync is queued. Returns (review, run, created)."""
    require_editor(user, "add reviews and start syncs")
    review, created = review_create(pmid=pmid, user=user)
    return review, sync_run_start(review=review, trigger=trigger, user=user), created


def review_sync_request(*, review: Review, user, trigger: str) -> SyncRun:
    """An editor asks for a sync of `review`; the one already queued or running is returned instead of a second."""
    require_editor(user, "add reviews and start syncs")
    return sync_run_start(review=review, trigger=trigger, user=user)


def sync_run_start(*, review: Review, trigger: str, user=None, enqueue: bool = True) -> SyncRun:
    """Queue a sync of `review`, or return the one already queued or running. A dead run is closed and replaced."""
    with transaction.atomic():
        active = SyncRun.objects.select_for_update().filter(review=review, state__in=SyncRun.ACTIVE_STATES).first()
        if active is not None and not _is_stale(active):
            return active
        if active is not None:
            _run_finish(active, SyncRun.State.FAILED, _stale_message(active, replaced=True))
        try:
            with transaction.atomic():
                run = SyncRun.objects.create(review=review, trigger=trigger, started_by=user)
        except IntegrityError:  # another request queued one between our check and our insert
            return SyncRun.objects.get(review=review, state__in=SyncRun.ACTIVE_STATES)
        if enqueue:
            transaction.on_commit(lambda: _enqueue(run))
    return run


def _enqueue(run: SyncRun) -> None:
    """Hand the run to the workers; if the broker cannot take it, the run fails at once rather than wait unseen."""
    from .tasks import sync_review

    try:
        sync_review.delay(run.pk)
    except Exception as exc:  # kombu and redis raise several kinds; any of them means the message did not leave
        logger.exception("Could not queue sync run %s", run.pk)
        _run_finish(run, SyncRun.State.FAILED, f"Could not hand the sync to the workers ({exc}); is Redis running?")


def _stale_message(run: SyncRun, *, replaced: bool) -> str:
    if run.state == SyncRun.State.RUNNING:
        cause = "The worker running this sync stopped reporting progress"
    else:
        cause = "No worker took this sync up in time"
    return f"{cause}; a new run was started to finish the job." if replaced else f"{cause}."


def sync_runs_close_stale() -> int:
    """Close runs whose worker died or whose message was lost, so no page shows them running; returns how many."""
    stale = [run for run in SyncRun.objects.filter(state__in=SyncRun.ACTIVE_STATES) if _is_stale(run)]
    for run in stale:
        _run_finish(run, SyncRun.State.FAILED, _stale_message(run, replaced=False))
    return len(stale)


def sync_run_execute(*, run: SyncRun, on_progress: Callable[[SyncRun], None] | None = None) -> SyncRun:
    """Run a queued (or redelivered) sync under the review's lock. Returns the run as it ended.

    Raises SyncLocked while another live process runs this review; the task tries again later.
    """
    lock = ReviewLock(run)
    if not lock.take():
        raise SyncLocked(f"Review {run.review_id} is being synced by another process (run {lock.held_by}).")
    try:
        run.refresh_from_db()
        if not run.is_active:
            return run
        return _sync(run, lock=lock, on_progress=on_progress)
    finally:
        lock.release()


class SyncLocked(Exception):
    """Another live process holds the review's lock."""


class RunSuperseded(Exception):
    """The run was closed from elsewhere (judged dead and replaced); its process must stop writing."""


class ReviewLock:
    """One process syncs a review at a time. The lock names its run; a lock whose run has ended, or whose run has
    stopped beating (its worker was killed, and the same message came back), is taken over."""

    def __init__(self, run: SyncRun) -> None:
        self.run = run
        self.key = f"cafex:sync-lock:review:{run.review_id}"
        self.holder = f"{run.pk}:{uuid.uuid4().hex}"
        self.held_by: int | None = None

    def take(self) -> bool:
        timeout = settings.SYNC_LOCK_SECONDS
        if cache.add(self.key, self.holder, timeout=timeout):
            return True
        current = cache.get(self.key)
        if current is None:
            return cache.add(self.key, self.holder, timeout=timeout)
        self.held_by = int(str(current).split(":")[0])
        holder_run = SyncRun.objects.filter(pk=self.held_by).first()
        if holder_run is not None and holder_run.is_active and not _is_stale(holder_run):
            return False
        # take over: delete what we saw, then the same atomic add as above, so of two takers only one wins
        if cache.get(self.key) == current:
            cache.delete(self.key)
        return cache.add(self.key, self.holder, timeout=timeout)

    def held(self) -> bool:
        return cache.get(self.key) == self.holder

    def refresh(self) -> None:
        """Keep the lock; a process whose lock was taken over (it was judged dead) must stop writing."""
        if not self.held():
            raise RunSuperseded(f"The lock on review {self.run.review_id} was taken over; this process stops.")
        cache.touch(self.key, settings.SYNC_LOCK_SECONDS)

    def release(self) -> None:
        if self.held():
            cache.delete(self.key)


def _sync(run: SyncRun, *, lock: ReviewLock, on_progress) -> SyncRun:
    """Fetch and store the review's network.

    HTTP and XML parsing run on a few threads, so requests go out as fast as the shared rate limit allows while
    the calling thread, the only one that touches the database, stores what has arrived.
    """
    review = Review.objects.select_related("article").get(pk=run.review_id)
    pmid = review.article.pmid
    requests = RequestCounter()

    def save_progress(**fields) -> None:
        fields = {**fields, "requests_made": requests.count, "heartbeat_at": timezone.now()}
        # only while the run is still ours: a run closed from elsewhere stops here instead of writing on
        if not SyncRun.objects.filter(pk=run.pk, state__in=SyncRun.ACTIVE_STATES).update(**fields):
            raise RunSuperseded(f"Sync run {run.pk} was closed from elsewhere; this process stops.")
        for name, value in fields.items():
            setattr(run, name, value)
        lock.refresh()
        if on_progress:
            on_progress(run)

    def wait(future: Future):
        """The future's result, beating the heartbeat while NCBI is slow or the limit makes us wait."""
        while True:
            try:
                return future.result(timeout=HEARTBEAT_EVERY_SECONDS)
            except FutureTimeout:
                save_progress()

    client = ncbi_client_get(on_request=requests.add)
    pool = ThreadPoolExecutor(max_workers=FETCH_THREADS, thread_name_prefix="ncbi-fetch")
    try:
        # A redelivered run starts its counts again: every step below is an idempotent upsert.
        save_progress(
            state=SyncRun.State.RUNNING, stage="Fetching the review's record and its links",
            started_at=run.started_at or timezone.now(), done=0, total=0, new_count=0, updated_count=0,
            unchanged_count=0, failed_count=0, unresolved_count=0, errors=[], failed_pmids=[],
        )  # fmt: skip
        own = pool.submit(lambda: parse_pubmed_xml(client.efetch_pubmed([pmid])))
        citing = pool.submit(client.elink, [pmid], linkname=CITED_BY_LINK)
        neighbours = pool.submit(client.elink, [pmid], linkname=SIMILAR_LINK, with_scores=True)
        parsed = wait(own)
        record = next((r for r in parsed.records if r.pmid == pmid), None)
        if record is None:
            detail = f" ({'; '.join(parsed.errors)})" if parsed.errors else ""
            raise SyncFailed(f"PubMed returned no record for PMID {pmid}: it is unknown or withdrawn{detail}.")
        stored = article_upsert_many(records=[record], sync_run=run)
        references_store(review=review, references=list(record.references))
        cited_by = [p for p, _ in wait(citing)[pmid] if p != pmid]
        similar = [(p, s) for p, s in wait(neighbours)[pmid] if p != pmid][: settings.NCBI_SIMILAR_LIMIT]
        reference_pmids = review.citations.filter(relation="reference", cited_pmid__isnull=False).values_list(
            "cited_pmid", flat=True
        )
        wanted = [p for p in dict.fromkeys([*reference_pmids, *cited_by, *(p for p, _ in similar)]) if p != pmid]
        save_progress(stage=f"Fetching {len(wanted)} articles", total=len(wanted), errors=stored.errors)

        def store(batch: list[int], future: Future) -> None:
            stored = _store_batch(run, batch, future, wait=wait, save_progress=save_progress)
            # linking now, while later batches are still on their way, keeps the work off the end of the run
            citations_link(review=review, articles=stored, cited_by=cited_by, similar=similar, by_doi=False)

        batches = [wanted[i : i + settings.NCBI_BATCH_SIZE] for i in range(0, len(wanted), settings.NCBI_BATCH_SIZE)]
        in_flight: deque[tuple[list[int], Future]] = deque()
        for batch in batches:
            in_flight.append((batch, pool.submit(_fetch_batch, client, batch)))
            if len(in_flight) > FETCH_THREADS:
                store(*in_flight.popleft())
        while in_flight:
            store(*in_flight.popleft())

        save_progress(stage="Linking citations")
        # every batch is linked already; what is left is matching references that carry only a DOI
        run.unresolved_count = citations_link(review=review, articles={}, cited_by=[], similar=[], by_doi=True)
    except RunSuperseded:
        logger.warning("Sync run %s was superseded while running; stopped.", run.pk)
        run.refresh_from_db()
        return run
    except (NcbiError, SyncFailed) as exc:
        outcome = (SyncRun.State.FAILED, str(exc), [*run.errors, str(exc)])
    except Exception as exc:
        logger.exception("Sync run %s failed", run.pk)
        outcome = (SyncRun.State.FAILED, f"Unexpected error: {exc}", [*run.errors, repr(exc)])
    else:
        outcome = (SyncRun.State.PARTIAL if run.errors else SyncRun.State.SUCCEEDED, _summary(run), None)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if not lock.held():  # another process took the run over meanwhile: its outcome stands
        run.refresh_from_db()
        return run
    state, message, errors = outcome
    return _run_finish(run, state, message, errors=errors, requests=requests)


def _fetch_batch(client: EutilsClient, pmids: list[int]) -> ParseResult:
    """One batch, parsed. NCBI refusing it (an <ERROR> body, a 4xx) costs this batch, not the run; NCBI being
    unavailable past the retries ends the run."""
    try:
        return parse_pubmed_xml(client.efetch_pubmed(pmids))
    except NcbiRequestError as exc:
        return ParseResult(records=[], errors=[f"NCBI refused a batch of {len(pmids)} PMIDs: {exc}"])


def _store_batch(run: SyncRun, batch: list[int], future: Future, *, wait, save_progress) -> dict:
    parsed = wait(future)
    wanted = set(batch)
    stored = article_upsert_many(records=[r for r in parsed.records if r.pmid in wanted], sync_run=run)
    missing = [p for p in batch if p not in stored.articles]
    errors = [*run.errors, *parsed.errors, *stored.errors]
    if missing:
        errors.append(f"No PubMed record returned for {len(missing)} PMID(s): {_pmid_list(missing)}.")
    save_progress(
        done=run.done + len(batch),
        new_count=run.new_count + stored.new,
        updated_count=run.updated_count + stored.updated,
        unchanged_count=run.unchanged_count + stored.unchanged,
        failed_count=run.failed_count + len(missing),
        failed_pmids=[*run.failed_pmids, *missing],
        errors=errors,
    )
    return stored.articles


class RequestCounter:
    """Counts HTTP attempts from the fetch threads; only the database thread reads it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def add(self, attempt: RequestAttempt) -> None:
        with self._lock:
            self.count += 1


def _pmid_list(pmids: list[int], shown: int = 20) -> str:
    text = ", ".join(map(str, pmids[:shown]))
    return text + (f" and {len(pmids) - shown} more" if len(pmids) > shown else "")


def _summary(run: SyncRun) -> str:
    text = (
        f"{run.done} articles checked: {run.new_count} new, {run.updated_count} updated, "
        f"{run.unchanged_count} unchanged, {run.failed_count} failed; "
        f"{run.unresolved_count} reference{pluralize(run.unresolved_count)} unresolved."
    )
    if run.errors:
        text += f" {len(run.errors)} problem{pluralize(len(run.errors))} reported; everything else was kept."
    return text


def _run_finish(
    run: SyncRun, state: str, message: str, *, errors: list[str] | None = None, requests: RequestCounter | None = None
) -> SyncRun:
    """Close the run, unless it was closed from elsewhere meanwhile (then that outcome stands)."""
    fields = {"state": state, "message": message, "stage": "", "finished_at": timezone.now()}
    fields["unresolved_count"] = run.unresolved_count
    fields["requests_made"] = requests.count if requests is not None else run.requests_made
    if errors is not None:
        fields["errors"] = errors
    if SyncRun.objects.filter(pk=run.pk, state__in=SyncRun.ACTIVE_STATES).update(**fields):
        for name, value in fields.items():
            setattr(run, name, value)
    else:
        run.refresh_from_db()
    return run
