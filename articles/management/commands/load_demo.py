import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.locks import SyncLocked
from articles.models import SyncRun
from articles.services import demo_review_load, sync_run_execute, sync_run_start

# How long to wait for NCBI's address before deciding the machine is offline.
REACH_SECONDS = 3.0


def ncbi_reachable(base_url: str, *, timeout: float = REACH_SECONDS) -> bool:
    """Whether a TCP connection to the E-utilities host opens: no request is made, so no rate limit is spent."""
    parts = urlsplit(base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = (
        "Load the bundled CAF-exosome review (PMID 34852849): its PubMed record, the first five entries of its "
        "reference list as printed, five citing and five similar papers. Safe to run again. With --sync, a machine "
        "that reaches NCBI syncs it once, so the whole reference list and every citing paper come in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sync", action="store_true", help="sync the review with NCBI once, when reachable")

    def handle(self, *args, sync: bool = False, **options):
        review = demo_review_load()
        self.stdout.write(self.style.SUCCESS(f"Review PMID {review.article.pmid} loaded: {self._counts(review)}."))
        if not sync:
            return
        done = SyncRun.objects.filter(review=review, state__in=[SyncRun.State.SUCCEEDED, SyncRun.State.PARTIAL])
        if done.exists():
            self.stdout.write("Already synced with NCBI; the review page's Sync button (editors) syncs it again.")
            return
        base_url = settings.NCBI_EUTILS_BASE_URL
        if not ncbi_reachable(base_url):
            host = urlsplit(base_url).hostname
            self.stdout.write(
                self.style.WARNING(f"Offline ({host} unreachable): serving the bundled record only; run again online.")
            )
            return
        self.stdout.write("Syncing the review with NCBI once (the full reference list and the citing papers)…")
        try:
            run = sync_run_execute(run=sync_run_start(review=review, trigger=SyncRun.Trigger.COMMAND, enqueue=False))
        except SyncLocked:
            self.stdout.write("A sync of this review is already running; its page shows the progress.")
            return
        self.stdout.write(f"Sync {run.get_state_display().lower()}: {run.message} Now {self._counts(review)}.")

    def _counts(self, review) -> str:
        counts = {
            relation: review.citations.filter(relation=relation).count()
            for relation in ("reference", "cited_by", "similar")
        }
        return f"{counts['reference']} references, {counts['cited_by']} cited by, {counts['similar']} similar"
