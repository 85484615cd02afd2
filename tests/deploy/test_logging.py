"""Logs as JSON lines when DJANGO_LOG_FORMAT=json (plain text otherwise), and Sentry only when SENTRY_DSN is set."""

import gzip
import json
import logging
import logging.config
import os
import runpy
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sentry_sdk
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]

LOG_SOME_LINES = """
import logging, django
django.setup()
log = logging.getLogger("cafex.deploy")
log.info("sync of %s finished", 34852849, extra={"review": 34852849})
log.warning("slow request")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("task failed")
"""


def settings_namespace(module: str, monkeypatch, **env: str) -> dict:
    """A settings module executed afresh with these environment variables, without touching the loaded settings."""
    for key in ("DJANGO_LOG_FORMAT", "SENTRY_DSN", "SENTRY_TRACES_SAMPLE_RATE", "SENTRY_ENVIRONMENT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if module == "cafex_portal.settings.base":  # loaded already, and free of relative imports: run its file
        return runpy.run_path(str(ROOT / "cafex_portal" / "settings" / "base.py"))
    return runpy.run_module(module)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SENTRY_"))}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**environment, **env}, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done


def test_json_format_writes_one_parseable_object_a_line():
    done = run_python(LOG_SOME_LINES, DJANGO_SETTINGS_MODULE="cafex_portal.settings.test", DJANGO_LOG_FORMAT="json")
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    ours = [line for line in lines if line["logger"] == "cafex.deploy"]
    assert [(line["level"], line["message"]) for line in ours] == [
        ("INFO", "sync of 34852849 finished"),
        ("WARNING", "slow request"),
        ("ERROR", "task failed"),
    ]
    assert ours[0]["review"] == 34852849  # extra fields are fields of their own
    assert "ZeroDivisionError" in ours[2]["exc_info"]
    assert all(line["timestamp"].endswith("+00:00") for line in ours)


def test_the_json_formatter_of_the_settings(monkeypatch):
    """In-process, without reconfiguring this process's logging: the formatter the settings name, on a record."""
    config = settings_namespace("cafex_portal.settings.base", monkeypatch, DJANGO_LOG_FORMAT="json")["LOGGING"]
    assert config["handlers"]["console"]["formatter"] == "json"
    formatter = logging.config.DictConfigurator(config).configure_formatter(config["formatters"]["json"])
    record = logging.LogRecord("cafex.x", logging.ERROR, __file__, 1, "sync of %s failed", (7,), None)
    assert json.loads(formatter.format(record)) | {"timestamp": None} == {
        "level": "ERROR",
        "logger": "cafex.x",
        "message": "sync of 7 failed",
        "timestamp": None,
    }
    # Unset, the console handler keeps logging's plain text format.
    text = settings_namespace("cafex_portal.settings.base", monkeypatch)["LOGGING"]
    assert "formatter" not in text["handlers"]["console"]


def test_an_unknown_log_format_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_LOG_FORMAT"):
        settings_namespace("cafex_portal.settings.base", monkeypatch, DJANGO_LOG_FORMAT="xml")


PRODUCTION = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "portal.example.org"}


def test_sentry_is_initialised_only_with_a_dsn(monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: calls.append(options))

    settings_namespace("cafex_portal.settings.production", monkeypatch, **PRODUCTION)
    assert calls == []

    dsn = "https://public@sentry.example.org/7"
    settings_namespace(
        "cafex_portal.settings.production", monkeypatch, **PRODUCTION, SENTRY_DSN=dsn, SENTRY_TRACES_SAMPLE_RATE="0.25"
    )
    [options] = calls
    assert options["dsn"] == dsn
    assert options["traces_sample_rate"] == 0.25
    assert options["send_default_pii"] is False
    assert options["environment"] == "production"
    assert sorted(type(integration).__name__ for integration in options["integrations"]) == [
        "CeleryIntegration",
        "DjangoIntegration",
    ]
    assert not sentry_sdk.get_client().is_active()  # the test process itself never started it


class _Collector(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


REPORT = """
import django, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
print(client.is_active(), sorted(name for name in client.integrations if name in ("celery", "django")))
if client.is_active():
    sentry_sdk.capture_message("deploy test")
    sentry_sdk.flush(timeout=5)
"""


def test_a_production_process_with_a_dsn_reports_to_sentry():
    collector = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    collector.envelopes = []
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    try:
        env = {"DJANGO_SETTINGS_MODULE": "cafex_portal.settings.production", **PRODUCTION, "NO_PROXY": "127.0.0.1"}
        dsn = f"http://public@127.0.0.1:{collector.server_address[1]}/1"
        assert run_python(REPORT, **env, SENTRY_DSN=dsn).stdout.split("\n")[0] == "True ['celery', 'django']"
        assert any(b"deploy test" in envelope for envelope in collector.envelopes)
    finally:
        collector.shutdown()
        collector.server_close()
