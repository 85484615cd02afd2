"""`make loadtest`: build the load-test database, serve it with gunicorn (production settings) and run locust.

    python loadtest/run.py [--users 56] [--spawn-rate 20] [--duration 60] [--workers 2×cores+1] [--threads 1]
                           [--keep-data] [--database-url URL] [--redis-url URL] [-- LOCUST ARGUMENTS]

The database (default postgres://postgres@127.0.0.1:5432/cafex_loadtest) is dropped and built again by
loadtest/build_data.py unless --keep-data; Redis (default redis://127.0.0.1:6379/3) holds the cache and the API
throttle counts, as in production. The portal is run as if behind one proxy (API_NUM_PROXIES=1): each simulated
person sends an address of their own in X-Forwarded-For and is throttled on their own, at rates a little above the
fastest simulated pace (API_THROTTLE_ANON 600/min, API_THROTTLE_USER 1200/min unless set). Results go to
var/loadtest/ (locust's CSV files, gunicorn's log) and a table of throughput and p50/p95/p99 per request type is
printed. Arguments after `--` go to locust, e.g. `-- ApiReader --tags paging` for API citation paging alone.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "loadtest"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recreate_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU time of a process and its children, living and reaped."""
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def postgres_seconds() -> float:
    """CPU time of the PostgreSQL server's processes, the backends that have exited included (the postmaster's
    children): every database on the server, not only the load test's."""
    total = 0.0
    for proc in psutil.process_iter(["username", "name"]):
        if proc.info["username"] == "postgres" and proc.info["name"] in ("postgres", "postmaster"):
            try:
                times = proc.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
            except psutil.NoSuchProcess:
                pass
    return total


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy (every core, every process) since boot."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url} within {timeout} s; see {OUT / 'gunicorn.log'}")


def summary(prefix: Path, duration: float) -> str:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    lines = [
        "| request | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    api = [r for r in rows if r["Name"].startswith("api ")]
    api_rps = sum(float(r["Requests/s"]) for r in api)
    lines.append("")
    lines.append(f"API reads together: {api_rps:.1f} requests/s.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # 56 people: 31 API readers (each at most five requests a second) offer the goal's 150 API requests a second,
    # beside 13 page readers, 6 searchers and 6 curators (the locustfile's weights)
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOADTEST_USERS", 56)))
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--duration", type=int, default=int(os.environ.get("LOADTEST_DURATION", 60)))
    # gunicorn's rule of thumb, as docs/deploy.md gives it: twice the cores plus one
    workers = 2 * (os.cpu_count() or 1) + 1
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOADTEST_WORKERS", workers)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("LOADTEST_THREADS", 1)))
    parser.add_argument("--keep-data", action="store_true", help="reuse the database and fixture of the last run")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cafex_loadtest"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/3"))
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)

    OUT.mkdir(parents=True, exist_ok=True)
    fixture = OUT / "fixture.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cafex_portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(OUT / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        # Behind one proxy, as deployed: each simulated person is a client of their own (X-Forwarded-For, set by
        # the locustfile), throttled at rates above the fastest simulated pace (an API reader's 300 a minute).
        "API_NUM_PROXIES": "1",
        "API_THROTTLE_ANON": os.environ.get("API_THROTTLE_ANON", "600/min"),
        "API_THROTTLE_USER": os.environ.get("API_THROTTLE_USER", "1200/min"),
        "PYTHONUNBUFFERED": "1",
    }
    if not (args.keep_data and fixture.exists()):
        print(f"Building the load-test data in {args.database_url} …", flush=True)
        recreate_database(args.database_url)
        subprocess.run([sys.executable, "loadtest/build_data.py", str(fixture)], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    gunicorn = [str(BIN / "gunicorn"), "cafex_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(args.workers), "--threads", str(args.threads), "--no-control-socket"]  # fmt: skip
    with open(OUT / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # fmt: skip
    try:
        wait_until_up(url)
        prefix = OUT / "locust"
        command = [str(BIN / "locust"), "-f", "loadtest/locustfile.py", "--headless", "-u", str(args.users),
                   "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--host", url, "--csv", str(prefix),
                   "--only-summary", "--stop-timeout", "5", *extra]  # fmt: skip
        print("$ " + " ".join(command), flush=True)
        server_process = psutil.Process(server.pid)
        server_cpu, machine_cpu, pg_cpu = cpu_seconds(server_process), busy_seconds(), postgres_seconds()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        locust = subprocess.run(command, cwd=ROOT, env={**env, "LOADTEST_FIXTURE": str(fixture)})
        wall = time.monotonic() - started
        server_cpu = cpu_seconds(server_process) - server_cpu
        machine_cpu = busy_seconds() - machine_cpu
        pg_cpu = postgres_seconds() - pg_cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    table = summary(prefix, wall)
    other_cpu = machine_cpu - server_cpu - locust_cpu - pg_cpu
    settings = (
        f"{args.users} users (spawn {args.spawn_rate}/s), {args.duration} s, gunicorn {args.workers} workers x "
        f"{args.threads} threads on {os.cpu_count()} cores{', locust ' + ' '.join(extra) if extra else ''}. CPU cores busy on average over the run: gunicorn "
        f"{server_cpu / wall:.2f}, locust {locust_cpu / wall:.2f}, PostgreSQL server (all its databases) {pg_cpu / wall:.2f}, "
        f"everything else (Redis, other processes) {other_cpu / wall:.2f}; load average 1 min before the run {load_before:.2f}."
    )
    report = f"{settings}\n\n{table}\n"
    (OUT / "summary.md").write_text(report)
    print("\n" + report)
    return locust.returncode


if __name__ == "__main__":
    sys.exit(main())
