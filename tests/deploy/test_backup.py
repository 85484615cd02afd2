"""Backup and restore as docs/deploy.md describes them: `pg_dump -Fc`, then `pg_restore` into an empty database.

The data is built and committed in a database of the test's own (made with createdb, migrated by manage.py), so
the dump holds what a deployment's would: articles, a review with its citations and an accepted annotation.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.deploy.postgres import fresh_database, server

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[2]

BUILD = """
from articles.services import demo_review_load
from curation import services
from tests.curation.factories import complete_values, curator, editor
review = demo_review_load()
citation = review.citations.filter(article__isnull=False).order_by("pk").first()
author, reviewer = curator("backup-curator"), editor("backup-editor")
services.screening_set(citation=citation, user=author, decision="in_scope")
draft = services.annotation_create(citation=citation, user=author, values=complete_values(), quote="miR-522")
submitted = services.annotation_submit(annotation=draft, user=author)
services.annotation_accept(annotation=submitted, user=reviewer, comment="Checked.")
"""

MIGRATE = """
import io
from django.core.management import call_command
migrated = io.StringIO()
call_command("migrate", interactive=False, stdout=migrated)
"""

SHOW = """
import json
from curation.models import MechanismAnnotation
annotation = MechanismAnnotation.objects.get(state="accepted")
print(json.dumps({
    "id": annotation.pk,
    "state": annotation.state,
    "citation": annotation.citation_id,
    "author": annotation.author.username,
    "reviewed_by": annotation.reviewed_by.username,
    "terms": {facet: sorted(t.label for t in terms) for facet, terms in annotation.values_by_facet().items()},
}))
print(json.dumps(migrated.getvalue()))
"""


def manage(database_url: str, *args: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cafex_portal.settings.test", "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"manage.py {args[0]} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def migrate_and_show(database_url: str, *, build: bool = False) -> tuple[dict, str]:
    """`migrate`, then (if asked) the data built, then the accepted annotation; and what `migrate` said."""
    output = manage(database_url, "shell", "-c", MIGRATE + (BUILD if build else "") + SHOW)
    # The last two lines: the shell may first say what it imported.
    annotation, migrated = output.strip().splitlines()[-2:]
    return json.loads(annotation), json.loads(migrated)


def snapshot(database_url: str) -> tuple[dict[str, int], dict[str, int]]:
    """Rows per table of the public schema, and each sequence's last value."""
    with psycopg.connect(database_url) as connection:
        tables = [row[0] for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        counts = {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
        sequences = dict(
            connection.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        )
    return counts, sequences


def test_a_dump_restored_into_an_empty_database_holds_every_record(tmp_path):
    pg = server()
    with fresh_database(pg, "cafex_backup_source") as source, fresh_database(pg, "cafex_backup_restored") as restored:
        annotation, _ = migrate_and_show(source, build=True)
        assert annotation["state"] == "accepted" and annotation["terms"]["cargo"] == ["miR-522"]

        dump = tmp_path / "cafex.dump"
        pg.run("pg_dump", "--format=custom", "--file", str(dump), "--dbname", source.rsplit("/", 1)[1])
        pg.run("pg_restore", "--exit-on-error", "--no-owner", "--dbname", restored.rsplit("/", 1)[1], str(dump))

        counts, sequences = snapshot(source)
        assert snapshot(restored) == (counts, sequences)
        for table in (
            "articles_article",
            "articles_review",
            "articles_citation",
            "curation_mechanismannotation",
            "curation_annotationterm",
            "curation_screeningdecision",
            "curation_term",
            "auth_user",
            "auth_group",
            "django_migrations",
        ):
            assert counts.get(table, 0) > 0, f"{table} is empty or missing: {sorted(counts)}"
        assert counts["articles_citation"] > 10

        restored_annotation, migrated = migrate_and_show(restored)
        assert "No migrations to apply." in migrated
        assert restored_annotation == annotation
