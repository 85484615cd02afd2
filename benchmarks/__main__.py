"""Run every benchmark against a throw-away test database (SQLite, or PostgreSQL when DATABASE_URL says so)."""

import argparse
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller networks, for a smoke run")
    parser.add_argument("--sync", action="store_true", help="only the sync benchmark")
    parser.add_argument("--search", action="store_true", help="only the search and list benchmark (PostgreSQL)")
    parser.add_argument("--dashboard", action="store_true", help="only the editors' dashboard benchmark (PostgreSQL)")
    parser.add_argument("--articles", type=int, help="the search benchmark's corpus size (default 100,000)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafex_portal.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from benchmarks import dashboard, search, sync

    everything = not (args.sync or args.search or args.dashboard)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if everything or args.sync:
            sync.run(quick=args.quick)
        if everything or args.search:
            search.run(quick=args.quick, articles=args.articles)
        if everything or args.dashboard:
            dashboard.run(quick=args.quick)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
