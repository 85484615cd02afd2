"""The reference deployment files agree with the code: docker-compose.yml, the Dockerfile, the Procfile, and the
environment table of docs/deploy.md against every variable the settings read."""

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.services import services_required

ROOT = Path(__file__).resolve().parents[2]

WEB = re.compile(r"\bgunicorn\s+cafex_portal\.wsgi(:application)?(\s|$)")
WORKER = re.compile(r"\bcelery\s+-A\s+cafex_portal\s+worker\b")
BEAT = re.compile(r"\bcelery\s+-A\s+cafex_portal\s+beat\b")

# env("NAME", …), env.bool("NAME", …), env.int / float / list / db / …, and the os.environ spellings.
SETTINGS_READ = re.compile(
    r"""\benv(?:\.(?:str|bool|int|float|list|tuple|dict|json|url|path|db|db_url|cache|cache_url))?\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|\bos\.(?:environ\.get\(|environ\[|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)
TABLE_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.MULTILINE)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def app_services() -> dict[str, dict]:
    """The services built from the portal's image (the others are PostgreSQL, built from docker/postgres, and
    Redis)."""
    return {name: service for name, service in compose()["services"].items() if service.get("build") == "."}


def command_text(command) -> str:
    return shlex.join(command) if isinstance(command, list) else str(command)


def settings_variables() -> set[str]:
    found = set()
    for path in sorted((ROOT / "cafex_portal" / "settings").glob("*.py")):
        for match in SETTINGS_READ.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found


def documented_variables() -> set[str]:
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = re.search(r"^## Environment\b.*?(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert section, "docs/deploy.md has no '## Environment' section"
    return set(TABLE_ROW.findall(section.group(0)))


def compose_variables() -> set[str]:
    found = set()
    for service in app_services().values():
        environment = service.get("environment") or {}
        names = environment if isinstance(environment, dict) else [item.split("=", 1)[0] for item in environment]
        found.update(names)
    return found


def test_the_image_serves_the_wsgi_application_with_gunicorn():
    cmd = [line for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines() if line.startswith("CMD")]
    assert cmd, "the Dockerfile has no CMD"
    assert WEB.search(shlex.join(json.loads(cmd[-1].removeprefix("CMD").strip())))


def test_compose_runs_web_worker_and_beat_from_the_image():
    commands = {name: command_text(service.get("command", "")) for name, service in app_services().items()}
    assert WEB.search(commands["web"]), commands["web"]
    assert WORKER.search(commands["worker"]), commands["worker"]
    assert BEAT.search(commands["beat"]), commands["beat"]
    assert "/health/" in command_text(app_services()["web"]["healthcheck"]["test"])


def test_the_procfile_runs_gunicorn_two_workers_and_beat():
    processes = dict(
        line.split(":", 1)
        for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
        if re.match(r"^[A-Za-z0-9_-]+:", line)
    )
    assert WEB.search(processes["web"]) and "127.0.0.1:$PORT" in processes["web"]
    workers = [command for command in processes.values() if WORKER.search(command)]
    assert len(workers) == 2
    assert {re.search(r"-n\s+(\S+)", command).group(1) for command in workers} == {"w1@%h", "w2@%h"}
    assert [command for command in processes.values() if BEAT.search(command)]


def test_every_variable_the_settings_read_is_documented_and_nothing_else():
    read, documented = settings_variables(), documented_variables()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_QUEUE", "SENTRY_DSN"} <= read
    assert sorted(read - documented) == [], "read by the settings but missing from docs/deploy.md"
    assert sorted(documented - read) == [], "in docs/deploy.md but read by no settings file"


def test_compose_sets_only_variables_the_settings_read():
    assert sorted(compose_variables() - settings_variables()) == []


def test_docker_compose_accepts_the_file():
    program = shutil.which("docker-compose")
    if program is None:
        message = "docker-compose is not installed (Debian: apt-get install docker-compose)"
        if services_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    done = subprocess.run(
        [program, "--file", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SECRET_KEY": "compose-config-check"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
