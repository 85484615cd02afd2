"""The production process set of `make prod-local`, driven over HTTP: gunicorn, two Celery workers and beat under
honcho with the production settings, a fresh PostgreSQL database, Redis and the fake NCBI server.

An editor adds the bundled review, a worker syncs it, a curator screens a citation in and records a mechanism, the
editor accepts it, and an anonymous visitor reads it back.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis

from fake_eutils.scenarios import network_store
from fake_eutils.server import FakeEutils
from tests.deploy.postgres import fresh_database, server
from tests.services import require_redis

pytestmark = pytest.mark.services

# A review plainly named synthetic ("A synthetic review of CAF-derived exosomes."), with a network large enough to curate.
REVIEW_PMID = 90_000_000
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EDITOR, CURATOR = "prodlocal-editor", "prodlocal-curator"

# The worked example of tests/curation/factories.py complete_values: facet -> labels of the starting vocabulary.
MECHANISM = {
    "cargo_type": ["miRNA"],
    "cargo": ["miR-522"],
    "donor": ["CAF (unspecified)"],
    "recipient_cell": ["cancer cell"],
    "cancer_type": ["gastric cancer"],
    "target": ["ALOX15"],
    "effect": ["ferroptosis/apoptosis resistance", "chemoresistance"],
    "direction": ["promotes"],
    "drug": ["cisplatin", "paclitaxel"],
    "evidence": ["in vitro", "in vivo (mouse)", "patient samples"],
    "role": ["mechanism"],
}

CREATE_USERS = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
for username, role in (({EDITOR!r}, "editor"), ({CURATOR!r}, "curator")):
    user = get_user_model().objects.create_user(username, email=username + "@example.org")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
"""

# Variables the settings read that the test's own environment may carry (test settings, a developer's shell).
SETTINGS_PREFIXES = (
    "DJANGO_", "CELERY_", "NCBI_", "SYNC_", "SENTRY_", "CAFEX_", "API_", "AXES_", "CORS_", "DATABASE_URL", "REDIS_URL",
)  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def other_redis_db(url: str) -> str:
    """The same Redis server, on a database number other tests do not use by default."""
    parts = urlsplit(url)
    current = parts.path.strip("/") or "0"
    db = secrets.choice([n for n in range(1, 16) if str(n) != current])
    return urlunsplit(parts._replace(path=f"/{db}"))


class Api:
    """JSON over HTTP to the running portal, without any proxy the environment may name."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method: str, path: str, *, token: str | None = None, body=None, expect: int | tuple = 200):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=15) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert status in expected, f"{method} {path} answered {status}, not {expect}: {payload[:3000]!r}"
        return json.loads(payload) if payload else None

    def get(self, path: str, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body, **kwargs):
        return self.call("POST", path, body=body, **kwargs)


def manage(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def finished(process: subprocess.Popen, what: str, timeout: float = 120) -> str:
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"{what} exited {process.returncode}:\n{output}"
    return output


def wait_for(predicate, *, timeout: float, what: str, honcho: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if honcho.poll() is not None:
            raise AssertionError(f"honcho exited ({honcho.returncode}) while waiting for {what}:\n{log.read_text()}")
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}:\n{log.read_text()[-6000:]}")


def stop(honcho: subprocess.Popen, log: Path) -> list[str]:
    """SIGTERM to honcho's process group: honcho stops every process it started, each in a group of its own.

    Returns the processes still running once honcho is gone; they are killed, so that nothing outlives the test.
    """
    if honcho.poll() is None:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait()
    survivors = []
    for group, name in started_groups(log).items():
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            continue
        survivors.append(name)
    return survivors


def started_groups(log: Path) -> dict[int, str]:
    """Process groups honcho started, from its log (`web.1 started (pid=123)`): each process leads its own."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return {int(pid): name for name, pid in re.findall(r"(\S+) started \(pid=(\d+)\)", text)}


def redis_cleanup(url: str, queue: str) -> None:
    """Remove the test's queue and its bindings; the rest of that Redis database is left alone."""
    client = redis.Redis.from_url(url)
    try:
        for key in client.scan_iter(match=f"{queue}*"):
            client.delete(key)
        for key in client.scan_iter(match="_kombu.binding.*"):
            members = [m for m in client.smembers(key) if queue.encode() in m]
            if members:
                client.srem(key, *members)
    finally:
        client.close()


def test_make_prod_local_migrates_collects_static_and_runs_the_procfile():
    """What the test below does by hand is what the Makefile target does (collectstatic aside: it takes a while)."""
    dry_run = subprocess.run(
        ["make", "--dry-run", "prod-local", "PORT=8000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    steps = [
        "DJANGO_SETTINGS_MODULE=cafex_portal.settings.production",
        'DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"',
        "manage.py migrate --noinput",
        "manage.py collectstatic --noinput",
        "honcho start --procfile Procfile --port 8000",
    ]
    positions = [dry_run.find(step) for step in steps]
    assert -1 not in positions, dry_run
    assert positions[2:] == sorted(positions[2:]), dry_run


def test_the_production_processes_sync_and_curate_over_http(tmp_path):
    started = time.monotonic()
    redis_url = other_redis_db(require_redis())
    queue = f"cafex-prodlocal-{uuid.uuid4().hex[:10]}"
    port = free_port()
    api = Api(f"http://127.0.0.1:{port}")
    log = tmp_path / "honcho.log"
    timings: dict[str, float] = {}

    def mark(step: str) -> None:
        timings[step] = round(time.monotonic() - started, 1)

    with (
        fresh_database(server(), "cafex_prodlocal") as database_url,
        FakeEutils(store=network_store(REVIEW_PMID, references=12), max_rps=None, max_rps_with_key=None) as fake,
    ):
        env = {key: value for key, value in os.environ.items() if not key.startswith(SETTINGS_PREFIXES)}
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            PYTHONUNBUFFERED="1",
            DJANGO_SETTINGS_MODULE="cafex_portal.settings.production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            CELERY_QUEUE=queue,
            CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "celerybeat-schedule"),
            NCBI_EUTILS_BASE_URL=fake.base_url,
            NCBI_EMAIL="curators@example.org",
            NCBI_API_KEY=f"prodlocal{uuid.uuid4().hex}",  # a rate-limit window of its own in Redis
            NCBI_MAX_RPS="50",
        )
        (tmp_path / "static").mkdir()
        finished(manage(env, "migrate", "--noinput"), "migrate")
        mark("migrated")

        with open(log, "wb") as out:
            honcho = subprocess.Popen(
                [str(BIN / "honcho"), "start", "--no-colour", "--procfile", "Procfile", "--port", str(port)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            # People and their tokens while the processes boot.
            finished(manage(env, "shell", "-c", CREATE_USERS), "creating the users")
            token_commands = {name: manage(env, "drf_create_token", name) for name in (EDITOR, CURATOR)}
            tokens = {}
            for name, command in token_commands.items():
                output = finished(command, f"drf_create_token {name}")
                tokens[name] = re.search(r"Generated token (\w+) for user", output).group(1)
            editor, curator = tokens[EDITOR], tokens[CURATOR]

            def healthy():
                try:
                    return api.get("/health/") == {"status": "up"}
                except (AssertionError, OSError, ValueError):
                    return False

            wait_for(healthy, timeout=45, what="GET /health/", honcho=honcho, log=log)
            mark("serving")

            # The editor adds the review; a worker syncs it against the fake NCBI.
            added = api.post("/api/v1/reviews/", {"pmid": REVIEW_PMID}, token=editor, expect=202)
            run_id = added["sync_run"]["id"]
            api.get(f"/api/v1/sync-runs/{run_id}/", expect=(401, 403))  # runs are for signed-in users

            def sync_done():
                run = api.get(f"/api/v1/sync-runs/{run_id}/", token=editor)
                return run if run["state"] not in ("queued", "running") else None

            run = wait_for(sync_done, timeout=45, what="the sync run", honcho=honcho, log=log)
            mark("synced")
            assert run["state"] == "succeeded", run
            assert run["requests_made"] > 0 and len(fake.requests) > 0

            review = api.get(f"/api/v1/reviews/{REVIEW_PMID}/")
            citations = api.get(f"/api/v1/reviews/{REVIEW_PMID}/citations/?page_size=500")
            assert citations["count"] == len(citations["results"]) > 10
            relations = {citation["relation"] for citation in citations["results"]}
            assert relations == {"reference", "cited_by", "similar"}, relations
            assert review["pmid"] == REVIEW_PMID and review["title"]
            citation = next(c for c in citations["results"] if c["relation"] == "reference" and c["article"])

            # The curator screens it in and records a complete mechanism with terms found through the vocabulary API.
            screening = api.call(
                "PUT", f"/api/v1/citations/{citation['id']}/screening/", body={"decision": "in_scope"}, token=curator
            )
            assert screening["decision"] == "in_scope" and screening["decided_by"] == CURATOR
            values = {}
            for facet, labels in MECHANISM.items():
                values[facet] = []
                for label in labels:
                    found = api.get(f"/api/v1/vocabulary/?facet={facet}&q={quote(label)}")["results"]
                    values[facet].append(next(term["id"] for term in found if term["label"] == label))
            draft = api.post(
                "/api/v1/annotations/",
                {"citation": citation["id"], "values": values, "quote": "CAF-derived exosomal miR-522 …"},
                token=curator,
                expect=201,
            )
            assert draft["state"] == "draft" and draft["author"] == CURATOR
            annotation = f"/api/v1/annotations/{draft['id']}"
            submitted = api.post(f"{annotation}/submit/", {"version": draft["version"]}, token=curator)
            assert submitted["state"] == "submitted"
            api.post(f"{annotation}/accept/", {}, token=curator, expect=403)  # not by its author
            accepted = api.post(f"{annotation}/accept/", {"comment": "Checked against Fig. 3."}, token=editor)
            assert accepted["state"] == "accepted" and accepted["reviewed_by"] == EDITOR

            # Anyone reads it back.
            public = api.get(f"/api/v1/annotations/?state=accepted&review={REVIEW_PMID}")
            assert [item["id"] for item in public["results"]] == [draft["id"]]
            shown = public["results"][0]
            assert {facet: sorted(t["label"] for t in terms) for facet, terms in shown["values"].items() if terms} == {
                facet: sorted(labels) for facet, labels in MECHANISM.items()
            }
            assert shown["citation"]["id"] == citation["id"] and shown["pmid"] == citation["article"]["pmid"]
            assert shown["review_comment"] == ""  # editors' notes stay internal
            mark("curated")
        finally:
            survivors = stop(honcho, log)
            redis_cleanup(redis_url, queue)
        mark("stopped")

    output = log.read_text(errors="replace")
    print(output[-5000:])
    print("timings (s since start):", timings)
    groups = started_groups(log)
    assert sorted(groups.values()) == ["beat.1", "web.1", "worker1.1", "worker2.1"], output[-5000:]
    assert survivors == [], "these processes outlived honcho"
    assert all(f"{name} stopped (rc=0)" in output for name in groups.values()), output[-5000:]
    assert re.search(r"worker[12]\.1 .*articles\.tasks\.run_sync\[[^\]]+\] succeeded", output), output[-5000:]
    assert "Booting worker" in output and "beat: Starting" in output
