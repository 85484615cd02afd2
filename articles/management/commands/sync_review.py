import sys
import time

from django.core.management.base import BaseCommand, CommandError

from articles.locks import SyncLocked
from articles.models import SyncRun
from articles.services import review_get_or_create, sync_run_execute, sync_run_start
from cafex_portal.exceptions import ApplicationError


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
            review, created = review_get_or_create(pmid=pmid)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if created:
            self.stdout.write(f"Review PMID {review.article.pmid} added.")
        run = sync_run_start(review=review, trigger=SyncRun.Trigger.COMMAND, enqueue=queue)
        show = None if no_progress else self._draw
        if queue:
            while run.is_active:
                if show:
                    show(run)
                time.sleep(0.5)
                run.refresh_from_db()
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

    def _draw(self, run: SyncRun) -> None:
        width = 30
        filled = int(width * run.done / run.total) if run.total else 0
        bar = "#" * filled + "-" * (width - filled)
        line = f"\r[{bar}] {run.done}/{run.total} {run.stage[:40]:<40} requests: {run.requests_made}"
        self.stdout.write(line, ending="")
        self.stdout.flush()
