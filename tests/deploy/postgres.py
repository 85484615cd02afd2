"""A PostgreSQL server for the deployment tests: databases of their own, made and dropped with the client binaries.

The server is the one DATABASE_URL names when it is PostgreSQL, else the local one (postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import pytest

from tests.services import services_required

LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _unavailable(message: str):
    if services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def pg_binary(name: str) -> str:
    """`pg_dump`, `pg_restore`, `createdb`, … from PATH, else from the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda path: int(path.split("/")[4]), reverse=True
    )
    if not candidates:
        _unavailable(f"the PostgreSQL client program {name} is not installed")
    return candidates[0]


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str

    def url(self, database: str) -> str:
        password = f":{quote(self.password, safe='')}" if self.password else ""
        return f"postgres://{quote(self.user, safe='')}{password}@{self.host}:{self.port}/{database}"

    def args(self) -> list[str]:
        """Connection options of the client programs."""
        return ["--host", self.host, "--port", str(self.port), "--username", self.user, "--no-password"]

    def env(self) -> dict[str, str]:
        return {**os.environ, **({"PGPASSWORD": self.password} if self.password else {})}

    def run(self, program: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run a client program against this server; a non-zero exit fails the test with its output."""
        done = subprocess.run(
            [pg_binary(program), *self.args(), *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"{program} {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
        return done


def server() -> Server:
    """The PostgreSQL server to make databases on, once it answers; skip (or fail where services are required)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        url = LOCAL_SERVER_URL
    parts = urlsplit(url)
    found = Server(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
    )
    ready = subprocess.run(
        [pg_binary("pg_isready"), "--host", found.host, "--port", str(found.port), "--timeout", "3"],
        capture_output=True,
        text=True,
    )
    if ready.returncode != 0:
        _unavailable(f"PostgreSQL is not answering at {found.host}:{found.port}: {ready.stdout.strip()}")
    return found


@contextmanager
def fresh_database(pg: Server, prefix: str) -> Iterator[str]:
    """An empty database named `<prefix>_<random>`, made with createdb and dropped at the end; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    pg.run("createdb", name)
    try:
        yield pg.url(name)
    finally:
        # --force closes what a process killed mid-way left connected.
        pg.run("dropdb", "--if-exists", "--force", name)
