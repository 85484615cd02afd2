"""The NCBI rate limit without Redis: one file every process of the host locks in turn."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from articles.ncbi.configured import rate_limiter_get
from articles.ncbi.ratelimit import DEFAULT_WINDOW_SECONDS, FileRateLimiter, RedisRateLimiter
from fake_eutils.state import peak_in_window

ROOT = Path(__file__).resolve().parents[2]
GRANTS_PER_PROCESS = 6

# Takes its limiter as a sync would, waits for the word, then prints the (host-wide) monotonic time of each grant.
CALLER = """
import sys, time, django
django.setup()
from django.conf import settings
settings.NCBI_RATE_LIMIT_DIR = sys.argv[1]
from articles.ncbi.configured import rate_limiter_get
limiter = rate_limiter_get()
print("ready", flush=True)
sys.stdin.readline()
for _ in range(int(sys.argv[2])):
    limiter.acquire()
    print(time.monotonic(), flush=True)
"""


def test_two_processes_without_redis_share_one_limit(tmp_path):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "cafex_portal.settings.test", "REDIS_URL": "",
                   "NCBI_MAX_RPS": "3", "NCBI_API_KEY": ""}  # fmt: skip
    callers = [
        subprocess.Popen(
            [sys.executable, "-c", CALLER, str(tmp_path), str(GRANTS_PER_PROCESS)],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    try:
        assert [caller.stdout.readline().strip() for caller in callers] == ["ready", "ready"]
        for caller in callers:  # both start at once, as two `sync_review` started back to back would
            caller.stdin.write("go\n")
            caller.stdin.flush()
        outputs = [caller.communicate(timeout=60) for caller in callers]
    finally:
        for caller in callers:
            if caller.poll() is None:
                caller.kill()
    assert all(caller.returncode == 0 for caller in callers), [err for _, err in outputs]
    grants = [float(line) for out, _ in outputs for line in out.split()]

    assert len(grants) == 2 * GRANTS_PER_PROCESS
    assert peak_in_window(grants, 1.0) <= 3, "NCBI would have seen more than 3 requests in one second"
    assert max(grants) - min(grants) >= (2 * GRANTS_PER_PROCESS // 3 - 1) * DEFAULT_WINDOW_SECONDS - 0.05


def fake_time() -> tuple[list[float], dict]:
    now = [100.0]
    return now, {"clock": lambda: now[0], "sleep": lambda seconds: now.__setitem__(0, now[0] + seconds)}


def test_file_rate_limiter_keeps_a_sliding_window(tmp_path):
    now, timing = fake_time()
    limiter = FileRateLimiter(tmp_path / "grants", 3, window_seconds=1.1, **timing)
    grants = []
    for _ in range(7):
        limiter.acquire()
        grants.append(round(now[0] - 100.0, 6))
    assert grants == [0.0, 0.0, 0.0, 1.1, 1.1, 1.1, 2.2]


def test_limiters_on_one_file_share_its_window(tmp_path):
    now, timing = fake_time()
    first = FileRateLimiter(tmp_path / "grants", 3, window_seconds=1.0, **timing)
    second = FileRateLimiter(tmp_path / "grants", 3, window_seconds=1.0, **timing)
    assert [first.try_acquire(), first.try_acquire(), second.try_acquire()] == [0.0, 0.0, 0.0]
    now[0] += 0.25
    assert second.try_acquire() == pytest.approx(0.75)
    now[0] += 0.75
    assert second.try_acquire() == 0.0


def test_a_damaged_file_or_times_from_before_a_reboot_do_not_block(tmp_path):
    now, timing = fake_time()
    path = tmp_path / "grants"
    path.write_text("not a time\n1e9\n99.5\n\n99.95\n")  # 1e9: a clock reading from before the host restarted
    limiter = FileRateLimiter(path, 3, window_seconds=1.0, **timing)
    assert limiter.try_acquire() == 0.0
    assert limiter.try_acquire() == pytest.approx(0.5), "99.5 is the oldest grant still in the window"


def test_the_directory_is_made_when_missing(tmp_path):
    limiter = FileRateLimiter(tmp_path / "var" / "grants", 1)
    limiter.acquire()
    assert (tmp_path / "var" / "grants").exists()


def test_the_configured_limiter_is_redis_when_there_is_one_else_a_file(settings, tmp_path):
    settings.NCBI_MAX_RPS = 3
    settings.NCBI_RATE_LIMIT_DIR = tmp_path
    settings.REDIS_URL = ""
    settings.NCBI_API_KEY = ""
    anonymous = rate_limiter_get()
    assert isinstance(anonymous, FileRateLimiter) and anonymous.max_rps == 3
    assert anonymous.window_seconds == DEFAULT_WINDOW_SECONDS and anonymous.path.parent == tmp_path
    settings.NCBI_API_KEY = "secret"
    keyed = rate_limiter_get()
    assert keyed.path != anonymous.path and "secret" not in keyed.path.name, "NCBI counts per key"

    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert isinstance(rate_limiter_get(), RedisRateLimiter)
