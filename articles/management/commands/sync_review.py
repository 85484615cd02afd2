import sys
import time

from celery import current_app
from django.core.management.base import BaseCommand, CommandError

from articles.locks import SyncLocked
from articles.models import SyncRun
from articles.services import review_get_or_create, sync_run_execute, sync_run_start
from articles.services.sync_runner import DATABASE_ERRORS, first_line
from articles.services.sync_runs import DatabaseUnavailable
from cafex_portal.exceptions import ApplicationError

# While following a queued run, how often to check that the task queue can still be reached.
QUEUE_CHECK_SECONDS = 2.0


class Command(BaseCommand):
    help = "Add a review by PMID if needed and sync its citation network with NCBI, showing progress."

    def add_arguments(self, parser):
        parser.add_argument("pmid", help="PubMed id of the review, e.g. 34852849")
        parser.add_argument(
            "--queue", action="store_true", help="hand the run to the Celery workers and follow its progress"
        )
        parser.add_argument("--no-progress", action="store_true", help="print only the outcome")

    def handle(self, *args, pmid: str, queue: bool, no_progress: bool, **options):
        try:
            self._sync(pmid=pmid, queue=queue, no_progress=no_progress)
        except DatabaseUnavailable as exc:
            raise CommandError(str(exc)) from exc
        except DATABASE_ERRORS as exc:
            raise CommandError(f"The database is unavailable ({first_line(exc)}).") from exc

    def _sync(self, *, pmid: str, queue: bool, no_progress: bool) -> None:
        try:
            review, created = review_get_or_create(pmid=pmid)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if created:
            self.stdout.write(f"Review PMID {review.article.pmid} added.")
        run = sync_run_start(review=review, trigger=SyncRun.Trigger.COMMAND, enqueue=queue)
        show = None if no_progress else self._draw
        if queue:
            run = self._follow(run, show)
        else:
            try:
                run = sync_run_execute(run=run, on_progress=show)
            except SyncLocked as exc:
                raise CommandError(f"{exc} Follow it on the review page or with --queue.") from exc
        if show:
            self.stdout.write("")
        style = {SyncRun.State.SUCCEEDED: self.style.SUCCESS, SyncRun.State.PARTIAL: self.style.WARNING}
        self.stdout.write(
            style.get(run.state, self.style.ERROR)(f"Sync {run.get_state_display().lower()}: {run.message}")
        )
        for error in run.errors[:20]:
            self.stdout.write(f"  - {error}")
        if run.state == SyncRun.State.FAILED:
            sys.exit(1)

    def _follow(self, run: SyncRun, show) -> SyncRun:
        """Follow a queued run until it ends. A run still waiting in the queue when the queue cannot be reached
        is not followed further: it runs once the queue and a worker are back, or is closed as stale."""
        checked_at = time.monotonic()
        while run.is_active:
            if show:
                show(run)
            time.sleep(0.5)
            run.refresh_from_db()
            if run.state == SyncRun.State.QUEUED and time.monotonic() - checked_at >= QUEUE_CHECK_SECONDS:
                checked_at = time.monotonic()
                if problem := _queue_problem():
                    raise CommandError(
                        f"The task queue (Redis) is unavailable ({problem}); sync run {run.pk} stays queued and "
                        "starts when Redis and a worker are back. Follow it on the review page."
                    )
        return run

    def _draw(self, run: SyncRun) -> None:
        width = 30
        filled = int(width * run.done / run.total) if run.total else 0
        bar = "#" * filled + "-" * (width - filled)
        line = f"\r[{bar}] {run.done}/{run.total} {run.stage[:40]:<40} requests: {run.requests_made}"
        self.stdout.write(line, ending="")
        self.stdout.flush()


def _queue_problem() -> str:
    """Why the broker cannot be reached, or "" when it can."""
    try:
        with current_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
    except Exception as exc:  # kombu and redis raise several kinds; any of them means the queue is out of reach
        return first_line(exc)
    return ""
