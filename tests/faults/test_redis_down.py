"""Redis gone while the portal serves: reads and curators' saves go on, starting a sync says at once that the
task queue is unavailable (and the run fails with that reason rather than wait in "queued"), and once Redis is
back a new sync request is queued and a worker runs it, with nothing to do by hand.

The portal (gunicorn), a Celery worker and the commands run as separate processes on a private redis-server,
which the test kills (SIGKILL, as a crash) and starts again on the same port; the shared Redis is not touched.
"""

import subprocess
import sys
import time
import uuid

import pytest
import redis
import requests
from django.conf import settings as django_settings
from rest_framework.authtoken.models import Token

from articles.models import SyncRun
from articles.services import demo_review_load
from curation.models import MechanismAnnotation, ScreeningDecision
from fake_eutils.scenarios import DEMO_REVIEW_PMID, demo_store
from fake_eutils.server import FakeEutils
from tests import factories
from tests.services import shared_database_url

from .servers import ROOT, PrivateRedis, background, django_env, free_port, manage, wait_for

# serialized_rollback puts back what the migrations seeded (groups, vocabulary) once the processes' data is flushed.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUEUE_DOWN = "the task queue (Redis) is unavailable"
SYNC_URL = f"/api/v1/reviews/{DEMO_REVIEW_PMID}/sync/"


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


class Portal:
    """HTTP to the gunicorn under test; every request is timed, since an outage must not make anything slow."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.slowest = 0.0

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs) -> requests.Response:
        started = time.monotonic()
        if token:  # without the session's cookies, which would ask for a CSRF token
            headers = {"Authorization": f"Token {token}"}
            response = requests.request(method, self.base_url + path, headers=headers, timeout=15, **kwargs)
        else:
            response = self.http.request(method, self.base_url + path, timeout=15, **kwargs)
        self.slowest = max(self.slowest, time.monotonic() - started)
        return response

    def up(self) -> bool:
        try:
            return requests.get(f"{self.base_url}/health/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def log_in(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        form = {"username": username, "password": factories.PASSWORD, "csrfmiddlewaretoken": self.csrf}
        response = self.request("POST", "/accounts/login/", data=form, allow_redirects=False)
        assert response.status_code == 302, response.text[:2000]

    @property
    def csrf(self) -> str:
        return self.http.cookies["csrftoken"]


def finished(pk: int) -> SyncRun | None:
    run = SyncRun.objects.get(pk=pk)
    return None if run.is_active else run


def test_with_redis_down_reads_and_saves_work_syncs_fail_at_once_and_work_resumes_when_it_returns(
    private_redis, tmp_path
):
    database_url = shared_database_url()
    review = demo_review_load()
    citation = review.citations.filter(relation="reference").order_by("position").first()
    article = review.citations.filter(relation="cited_by").first().article
    editor = factories.editor("fault-editor")
    curator = factories.curator("fault-curator")
    editor_token = Token.objects.create(user=editor).key
    curator_token = Token.objects.create(user=curator).key
    queue = f"cafex-faults-{uuid.uuid4().hex[:8]}"

    with FakeEutils(store=demo_store(), max_rps=None) as fake:
        env = django_env(
            DATABASE_URL=database_url,
            REDIS_URL=private_redis.url,
            CELERY_TASK_ALWAYS_EAGER="false",
            CELERY_QUEUE=queue,
            CAFEX_CACHE_PREFIX=django_settings.CACHES["default"]["KEY_PREFIX"],
            NCBI_EUTILS_BASE_URL=fake.base_url,
            NCBI_EMAIL="curators@example.org",
            NCBI_MAX_RPS="1000",
            NCBI_RATE_LIMIT_DIR=str(tmp_path),
        )
        port = free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "cafex_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                    "--workers", "1", "--threads", "4", "--timeout", "30", "--no-control-socket"]  # fmt: skip
        worker = [sys.executable, "-m", "celery", "-A", "cafex_portal", "worker", "-Q", queue, "-n", "faults@%h",
                  "--concurrency", "1", "--without-gossip", "--without-mingle", "--loglevel", "INFO"]  # fmt: skip
        with (
            background(gunicorn, env=env, log=tmp_path / "portal.log"),
            background(worker, env=env, log=tmp_path / "worker.log"),
        ):
            portal = Portal(f"http://127.0.0.1:{port}")
            wait_for(portal.up, timeout=30, what="the portal to answer")

            # Redis up: a sync is queued and the worker runs it.
            queued = portal.request("POST", SYNC_URL, token=editor_token).json()
            assert queued["state"] in ("queued", "running"), queued
            before = wait_for(lambda: finished(queued["id"]), timeout=30, what="the first queued sync")
            assert before.state == SyncRun.State.SUCCEEDED, before.message

            private_redis.kill()
            portal.slowest = 0.0

            # Pages and API reads.
            for path in ("/", f"/reviews/{DEMO_REVIEW_PMID}/", f"/articles/{article.pk}/", "/api/v1/reviews/",
                         f"/api/v1/reviews/{DEMO_REVIEW_PMID}/citations/?page=1", f"/api/v1/articles/{article.pmid}/",
                         "/api/v1/annotations/", f"/reviews/{DEMO_REVIEW_PMID}/curation/"):  # fmt: skip
                response = portal.request("GET", path, token=curator_token if "curation" in path else None)
                assert response.status_code == 200, (path, response.status_code, response.text[:500])
            health = portal.request("GET", "/health/")
            assert health.status_code == 503 and health.json() == {"status": "down"}

            # A curator's saves.
            screened = portal.request("PUT", f"/api/v1/citations/{citation.pk}/screening/", token=curator_token,
                                      json={"decision": "in_scope"})  # fmt: skip
            assert screened.status_code == 200, screened.text
            created = portal.request("POST", "/api/v1/annotations/", token=curator_token,
                                     json={"citation": citation.pk, "notes": "Written while Redis was down."})  # fmt: skip
            assert created.status_code == 201, created.text
            annotation = created.json()
            edited = portal.request("PATCH", f"/api/v1/annotations/{annotation['id']}/", token=curator_token,
                                    json={"version": annotation["version"], "figure": "Fig. 2"})  # fmt: skip
            assert edited.status_code == 200, edited.text

            # Starting a sync from the API: failed at once, saying why; the next request starts a fresh run.
            first = portal.request("POST", SYNC_URL, token=editor_token).json()
            second = portal.request("POST", SYNC_URL, token=editor_token).json()
            for run in (first, second):
                assert run["state"] == "failed" and QUEUE_DOWN in run["message"], run
            assert second["id"] != first["id"]

            # ... from the review page.
            portal.log_in("fault-editor")
            page = portal.request(
                "POST", f"/reviews/{DEMO_REVIEW_PMID}/sync/", data={"csrfmiddlewaretoken": portal.csrf}
            )
            assert page.status_code == 200 and page.url.endswith(f"/reviews/{DEMO_REVIEW_PMID}/"), page.status_code
            assert "Sync failed." in page.text and QUEUE_DOWN in page.text
            assert portal.slowest < 3, f"a request took {portal.slowest:.1f} s while Redis was down"

            # ... and from the command line, which does not wait for a queue that is not there.
            started = time.monotonic()
            command = manage("sync_review", str(DEMO_REVIEW_PMID), "--queue", "--no-progress", env=env, timeout=30)
            assert command.returncode == 1, command.stdout + command.stderr
            assert "Sync failed: Could not hand the sync to the workers" in command.stdout, command.stdout
            assert QUEUE_DOWN in command.stdout
            assert time.monotonic() - started < 15
            assert "Traceback" not in command.stderr, command.stderr

            # A sync in the foreground needs no queue: the NCBI limit falls back to this host's file.
            foreground = manage("sync_review", str(DEMO_REVIEW_PMID), "--no-progress", env=env, timeout=60)
            assert foreground.returncode == 0, foreground.stdout + foreground.stderr
            assert "Sync succeeded" in foreground.stdout and "Traceback" not in foreground.stderr
            assert "keeps the limit until Redis answers again" in foreground.stderr

            outage = list(SyncRun.objects.filter(pk__gt=before.pk).order_by("pk"))
            assert [run.state for run in outage] == ["failed"] * 4 + ["succeeded"]
            assert all(QUEUE_DOWN in run.message for run in outage[:4])

            # Redis back: the next request is queued and the same worker runs it, nobody restarted anything.
            private_redis.start()
            after = portal.request("POST", SYNC_URL, token=editor_token).json()
            assert after["state"] in ("queued", "running"), after
            resumed = wait_for(lambda: finished(after["id"]), timeout=45, what="the worker to run the sync", every=0.5)
            assert resumed.state == SyncRun.State.SUCCEEDED, resumed.message
            assert portal.request("GET", "/health/").status_code == 200

            # A run queued just before Redis goes away (on a queue no worker reads, so it stays queued): the command
            # following it stops promptly and says why, instead of following forever.
            follower = subprocess.Popen(
                [sys.executable, "manage.py", "sync_review", str(DEMO_REVIEW_PMID), "--queue", "--no-progress"],
                cwd=ROOT, env={**env, "CELERY_QUEUE": f"{queue}-unread"}, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            broker = redis.Redis.from_url(private_redis.url)
            wait_for(lambda: broker.llen(f"{queue}-unread"), timeout=30, what="the run's message in the queue")
            broker.close()
            waiting = SyncRun.objects.get(state=SyncRun.State.QUEUED)
            private_redis.kill()
            out, err = follower.communicate(timeout=30)
            assert follower.returncode == 1, out + err
            assert "The task queue (Redis) is unavailable" in err and f"sync run {waiting.pk} stays queued" in err, err
            assert "Traceback" not in err

    # Nothing was lost: what the curator saved during the outage is there, and no run is left hanging but the one
    # queued last, whose message went with Redis: the stale-run check closes it after SYNC_QUEUED_STALE_SECONDS.
    saved = MechanismAnnotation.objects.get(pk=annotation["id"])
    assert (saved.notes, saved.figure, saved.version) == ("Written while Redis was down.", "Fig. 2", 2)
    assert ScreeningDecision.objects.get(citation=citation).decision == "in_scope"
    assert list(SyncRun.objects.filter(state__in=SyncRun.ACTIVE_STATES)) == [waiting]
