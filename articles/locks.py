"""Who runs a sync run: exactly one process at any instant, decided by the database.

The run's `worker` column names the process running it. Taking it is one conditional UPDATE — a compare-and-set
that PostgreSQL and SQLite both settle atomically — so of two processes racing for the same run exactly one wins,
also across machines and without Redis. A run whose worker stopped beating for SYNC_STALE_SECONDS (the worker was
killed and Celery delivered the message again) is taken over the same way. Every progress write is conditioned
on still being the worker, so a process that was taken over stops at its next write.
"""

import os
import socket
import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import SyncRun


class SyncLocked(Exception):
    """Another live process is running this sync."""


class RunSuperseded(Exception):
    """The run was taken over or closed from elsewhere; this process must stop writing."""


class RunLock:
    """The right to run one sync run."""

    def __init__(self, run: SyncRun) -> None:
        self.run_id = run.pk
        self.token = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:16]}"

    def take(self) -> bool:
        """Become the run's worker if it is active and has none, or its worker is silent; False otherwise."""
        now = timezone.now()
        silent_since = now - timedelta(seconds=settings.SYNC_STALE_SECONDS)
        free = Q(worker="") | Q(heartbeat_at__lt=silent_since)
        active = SyncRun.objects.filter(pk=self.run_id, state__in=SyncRun.ACTIVE_STATES)
        return bool(active.filter(free).update(worker=self.token, heartbeat_at=now))

    def mine(self) -> QuerySet[SyncRun]:
        """The run, while it is active and this process is still its worker: every write goes through this."""
        return SyncRun.objects.filter(pk=self.run_id, state__in=SyncRun.ACTIVE_STATES, worker=self.token)

    def release(self) -> None:
        """Give up a run this process leaves unfinished (it was interrupted), so another may take it at once."""
        self.mine().update(worker="")
