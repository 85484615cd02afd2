"""The steps of one sync run: the review's record and links, the linked articles in batches, then DOI matching.

HTTP and XML parsing run on a few threads, so requests go out as fast as the shared rate limit allows, while the
calling thread — the only one that touches the database — stores what has arrived.
"""

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.template.defaultfilters import pluralize
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ..locks import RunLock, RunSuperseded
from ..models import Citation, Review, SyncRun
from ..ncbi.client import EutilsClient, NcbiError, NcbiRequestError, RequestAttempt
from ..ncbi.configured import ncbi_client_get
from ..ncbi.parser import parse_pubmed_xml
from ..ncbi.records import ParseResult
from .citations import citations_link, references_store
from .upsert import article_upsert_many

logger = logging.getLogger(__name__)

CITED_BY_LINK = "pubmed_pubmed_citedin"
SIMILAR_LINK = "pubmed_pubmed"
HEARTBEAT_EVERY_SECONDS = 2.0
# Enough threads to keep NCBI_MAX_RPS requests in flight at NCBI latency; the shared limiter does the throttling.
FETCH_THREADS = 4
# The database went away (a restart, a failover, a dropped connection): the run cannot record anything more.
DATABASE_ERRORS = (OperationalError, InterfaceError)


class SyncFailed(Exception):
    """The run cannot go on; the message says why, for the person who started it."""


@dataclass(frozen=True)
class Outcome:
    """How a run ended; `errors` replaces the run's list when given."""

    state: str
    message: str
    errors: list[str] | None = None


class RequestCounter:
    """Counts HTTP attempts from the fetch threads; only the database thread reads it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def add(self, attempt: RequestAttempt) -> None:
        with self._lock:
            self.count += 1


class SyncRunner:
    """Runs one sync for the process holding its lock; `run()` returns the outcome, or raises RunSuperseded."""

    def __init__(self, run: SyncRun, *, lock: RunLock, on_progress: Callable[[SyncRun], None] | None) -> None:
        self.sync_run = run
        self.lock = lock
        self.on_progress = on_progress
        self.review = Review.objects.select_related("article").get(pk=run.review_id)
        self.pmid = self.review.article.pmid
        self.requests = RequestCounter()
        self.client: EutilsClient | None = None  # made in run(), where a setting it cannot use fails the run
        self.pool = ThreadPoolExecutor(max_workers=FETCH_THREADS, thread_name_prefix="ncbi-fetch")
        self.cited_by: list[int] = []
        self.similar: list[tuple[int, float | None]] = []

    def run(self) -> Outcome:
        try:
            self.client = ncbi_client_get(on_request=self.requests.add)
            self.begin()
            wanted = self.fetch_review_and_links()
            self.fetch_and_store(wanted)
            self.link_by_doi()
        except RunSuperseded:
            raise
        except (NcbiError, SyncFailed) as exc:
            return Outcome(SyncRun.State.FAILED, str(exc), [*self.sync_run.errors, str(exc)])
        except DATABASE_ERRORS as exc:
            message = database_failure_message(exc)
            logger.error("Sync run %s stopped: %s", self.sync_run.pk, message)
            return Outcome(SyncRun.State.FAILED, message, [*self.sync_run.errors, message])
        except (RedisConnectionError, RedisTimeoutError) as exc:  # only without a fallback for the rate limit
            message = f"Redis, which keeps the shared NCBI rate limit, is unavailable ({first_line(exc)})."
            logger.error("Sync run %s stopped: %s", self.sync_run.pk, message)
            return Outcome(SyncRun.State.FAILED, message, [*self.sync_run.errors, message])
        except Exception as exc:
            logger.exception("Sync run %s failed", self.sync_run.pk)
            return Outcome(SyncRun.State.FAILED, f"Unexpected error: {exc}", [*self.sync_run.errors, repr(exc)])
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
            if self.client is not None:
                self.client.close()
            self.sync_run.requests_made = self.requests.count
        state = SyncRun.State.PARTIAL if self.sync_run.errors else SyncRun.State.SUCCEEDED
        return Outcome(state, run_summary(self.sync_run))

    # --- the steps --------------------------------------------------------------------------------------------

    def begin(self) -> None:
        # A redelivered run starts its counts again: every step below is an idempotent upsert.
        self.save_progress(
            state=SyncRun.State.RUNNING, stage="Fetching the review's record and its links",
            started_at=self.sync_run.started_at or timezone.now(), done=0, total=0, new_count=0, updated_count=0,
            unchanged_count=0, failed_count=0, unresolved_count=0, errors=[], failed_pmids=[],
        )  # fmt: skip

    def fetch_review_and_links(self) -> list[int]:
        """Store the review's own record and reference list; return the PMIDs of every linked article."""
        own = self.pool.submit(lambda: parse_pubmed_xml(self.client.efetch_pubmed([self.pmid])))
        citing = self.pool.submit(self.client.elink, [self.pmid], linkname=CITED_BY_LINK)
        neighbours = self.pool.submit(self.client.elink, [self.pmid], linkname=SIMILAR_LINK, with_scores=True)
        parsed = self.wait(own)
        record = next((r for r in parsed.records if r.pmid == self.pmid), None)
        if record is None:
            detail = f" ({'; '.join(parsed.errors)})" if parsed.errors else ""
            raise SyncFailed(f"PubMed returned no record for PMID {self.pmid}: it is unknown or withdrawn{detail}.")
        stored = article_upsert_many(records=[record], sync_run=self.sync_run)
        references_store(review=self.review, references=list(record.references))
        self.cited_by = [p for p, _ in self.wait(citing)[self.pmid] if p != self.pmid]
        similar = [(p, s) for p, s in self.wait(neighbours)[self.pmid] if p != self.pmid]
        self.similar = similar[: settings.NCBI_SIMILAR_LIMIT]
        references = self.review.citations.filter(relation=Citation.Relation.REFERENCE, cited_pmid__isnull=False)
        linked = [*references.values_list("cited_pmid", flat=True), *self.cited_by, *(p for p, _ in self.similar)]
        wanted = [p for p in dict.fromkeys(linked) if p != self.pmid]
        self.save_progress(stage=f"Fetching {len(wanted)} articles", total=len(wanted), errors=stored.errors)
        return wanted

    def fetch_and_store(self, wanted: list[int]) -> None:
        """Keep FETCH_THREADS batches in flight; store and link each as it arrives."""
        size = settings.NCBI_BATCH_SIZE
        in_flight: deque[tuple[list[int], Future]] = deque()
        for batch in (wanted[i : i + size] for i in range(0, len(wanted), size)):
            in_flight.append((batch, self.pool.submit(self.fetch_batch, batch)))
            if len(in_flight) > FETCH_THREADS:
                self.store_batch(*in_flight.popleft())
        while in_flight:
            self.store_batch(*in_flight.popleft())

    def link_by_doi(self) -> None:
        """Every batch is linked already; what is left is matching references that carry only a DOI."""
        self.save_progress(stage="Linking citations")
        self.sync_run.unresolved_count = citations_link(
            review=self.review, articles={}, cited_by=[], similar=[], by_doi=True
        )

    # --- helpers ----------------------------------------------------------------------------------------------

    def fetch_batch(self, pmids: list[int]) -> ParseResult:
        """One batch, parsed (on a fetch thread). NCBI refusing it (an <ERROR> body, a 4xx) costs this batch, not
        the run; NCBI being unavailable past the retries ends the run."""
        try:
            return parse_pubmed_xml(self.client.efetch_pubmed(pmids))
        except NcbiRequestError as exc:
            return ParseResult(records=[], errors=[f"NCBI refused a batch of {len(pmids)} PMIDs: {exc}"])

    def store_batch(self, batch: list[int], future: Future) -> None:
        run = self.sync_run
        parsed = self.wait(future)
        wanted = set(batch)
        stored = article_upsert_many(records=[r for r in parsed.records if r.pmid in wanted], sync_run=run)
        missing = [p for p in batch if p not in stored.articles]
        errors = [*run.errors, *parsed.errors, *stored.errors]
        if missing:
            errors.append(f"No PubMed record returned for {len(missing)} PMID(s): {pmid_list(missing)}.")
        self.save_progress(
            done=run.done + len(batch),
            new_count=run.new_count + stored.new,
            updated_count=run.updated_count + stored.updated,
            unchanged_count=run.unchanged_count + stored.unchanged,
            failed_count=run.failed_count + len(missing),
            failed_pmids=[*run.failed_pmids, *missing],
            errors=errors,
        )
        # linking now, while later batches are still on their way, keeps the work off the end of the run
        citations_link(
            review=self.review, articles=stored.articles, cited_by=self.cited_by, similar=self.similar, by_doi=False
        )

    def save_progress(self, **fields) -> None:
        """Record progress and beat the heartbeat; a process that is no longer the run's worker stops here."""
        fields = {**fields, "requests_made": self.requests.count, "heartbeat_at": timezone.now()}
        if not self.lock.mine().update(**fields):
            raise RunSuperseded(f"Sync run {self.sync_run.pk} was taken over or closed elsewhere; this process stops.")
        for name, value in fields.items():
            setattr(self.sync_run, name, value)
        if self.on_progress:
            self.on_progress(self.sync_run)

    def wait(self, future: Future):
        """The future's result, beating the heartbeat while NCBI is slow or the limit makes us wait."""
        while True:
            try:
                return future.result(timeout=HEARTBEAT_EVERY_SECONDS)
            except FutureTimeout:
                self.save_progress()


def first_line(exc: BaseException) -> str:
    """An exception's message on one line (psycopg's run over several), or its type when it has none."""
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__


def database_failure_message(exc: BaseException) -> str:
    return (
        f"The database connection failed during the sync ({first_line(exc)}). "
        "What was stored before that is kept; run the sync again to finish."
    )


def pmid_list(pmids: list[int], shown: int = 20) -> str:
    text = ", ".join(map(str, pmids[:shown]))
    return text + (f" and {len(pmids) - shown} more" if len(pmids) > shown else "")


def run_summary(run: SyncRun) -> str:
    text = (
        f"{run.done} articles checked: {run.new_count} new, {run.updated_count} updated, "
        f"{run.unchanged_count} unchanged, {run.failed_count} failed; "
        f"{run.unresolved_count} reference{pluralize(run.unresolved_count)} unresolved."
    )
    if run.errors:
        text += f" {len(run.errors)} problem{pluralize(len(run.errors))} reported; everything else was kept."
    return text
