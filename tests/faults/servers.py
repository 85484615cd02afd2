"""Private Redis and PostgreSQL servers a fault test may kill and restart, and the portal's processes around them.

The shared services on 6379 and 5432 are never touched: every server here runs on a free port of its own, in a
temporary directory removed afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.services import services_required

ROOT = Path(__file__).resolve().parents[2]


def missing(what: str) -> None:
    """Skip, or fail where CAFEX_REQUIRE_SERVICES=1 says everything must run."""
    if services_required():
        pytest.fail(what, pytrace=False)
    pytest.skip(what)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def stop_process(process: subprocess.Popen, *, grace: float = 10) -> None:
    """SIGTERM the process group started with the process, then SIGKILL what is left after `grace` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class PrivateRedis:
    """A redis-server on a free port, without persistence; `kill()` and `start()` again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            missing("redis-server is not installed")
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                   "--dir", str(self.directory), "--loglevel", "warning"]  # fmt: skip
        with open(self.directory / "redis.log", "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self.answers, timeout=10, what=f"redis-server on port {self.port}")

    def answers(self) -> bool:
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def kill(self) -> None:
        """Gone at once, as a crashed or unplugged server: SIGKILL, no shutdown."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


def postgres_bin() -> Path:
    """The newest PostgreSQL server binaries installed (Debian keeps them outside PATH)."""
    candidates = sorted(
        (Path(path).parent for path in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    initdb = shutil.which("initdb")
    if initdb is None:
        missing("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    return Path(initdb).parent


class PrivatePostgres:
    """A PostgreSQL cluster of its own in a temporary directory, on a free port, with trust authentication.

    As root, the server runs as the `postgres` OS user (initdb refuses root). The directory lies directly in the
    system's temporary directory, which that user can reach (pytest's tmp_path is private to root).
    """

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.run_as: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                missing("running as root, and there is no postgres user to run PostgreSQL as")
            self.run_as = "postgres"
        self.directory = Path(tempfile.mkdtemp(prefix="cafex-pg-"))
        if self.run_as:
            shutil.chown(self.directory, user=self.run_as)
        self.data = self.directory / "data"
        self.port = free_port()

    def _run(self, program: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin / program), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise AssertionError(f"{program} failed ({result.returncode}): {result.stdout}\n{result.stderr}")
        return result

    def _ctl(self, action: str, *args: str) -> None:
        options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")  # fmt: skip
        self._run("pg_ctl", action, "-D", str(self.data), "-o", options, "-l", str(self.directory / "server.log"),
                  "-w", "-t", "30", *args)  # fmt: skip

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self._ctl("restart", "-m", mode)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except AssertionError:
                pass
        shutil.rmtree(self.directory, ignore_errors=True)


def django_env(**values: str) -> dict[str, str]:
    """The environment of a portal process started by a test: test settings plus `values`."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "cafex_portal.settings.test", "PYTHONUNBUFFERED": "1", **values}


def manage(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


@contextmanager
def background(command: list[str], *, env: dict[str, str], log: Path):
    """A long-running process (gunicorn, a Celery worker) in its own process group, stopped on the way out; its
    output goes to `log` and the end of it is printed, so a failing test shows it."""
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    try:
        yield process
    finally:
        stop_process(process)
        print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
