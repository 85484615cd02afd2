"""``python -m fake_eutils --port 8765 --data DIR --latency-ms 0 --max-rps 3``: serve until interrupted."""

from __future__ import annotations

import argparse
import sys
import threading

from fake_eutils.scenarios import demo_store
from fake_eutils.server import DATA_DIR, FakeEutils
from fake_eutils.store import Store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fake_eutils", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--data",
        action="append",
        help="directory of efetch PubmedArticleSet files (+ optional links.json); repeatable; "
        f"default {DATA_DIR / 'pubmed'}",
    )
    parser.add_argument(
        "--demo", action="store_true", help="serve the bundled review's network (PMID 34852849) with the recordings"
    )
    parser.add_argument("--latency-ms", type=float, default=0, help="added to every E-utilities response")
    parser.add_argument("--max-rps", type=int, default=3, help="requests per second per client IP; 0 = unlimited")
    parser.add_argument("--max-rps-with-key", type=int, default=10, help="requests per second per api_key")
    parser.add_argument("--retry-after", type=float, default=None, help="send Retry-After on rate-limit 429s")
    args = parser.parse_args(argv)

    if args.demo:
        store = demo_store()
    else:
        store = Store()
    for directory in args.data or ([] if args.demo else [DATA_DIR / "pubmed"]):
        store.load_directory(directory)
    fake = FakeEutils(
        store,
        host=args.host,
        port=args.port,
        max_rps=args.max_rps or None,
        max_rps_with_key=args.max_rps_with_key or None,
        latency_ms=args.latency_ms,
        retry_after=args.retry_after,
    )
    fake.start()
    print(f"fake_eutils: {len(store)} PubMed records at {fake.base_url} (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
