"""On PostgreSQL with the RUM extension, a second search index that gives matches best first (articles/search.py).

The GIN index (migration 0003) finds the matches but cannot order them, so ranking reads the vector of every match
from the table: about 200 ms for a word in a third of 100,000 articles. A RUM index keeps each word's positions in
the index and returns the matches in the order of its score (`search_vector <=> query`), reading from the table
only the rows a page shows. It scores every match inside the index, though, and checks a phrase more slowly than
GIN and the table do, so search uses it only for queries that match many articles; GIN stays for the others and
for counting.

RUM is not part of PostgreSQL itself (Debian and the PostgreSQL apt repository package it as postgresql-NN-rum;
docs/deploy.md). Where it is not installed, or this database role may not create it, there is only the GIN index
and search ranks every match with ts_rank_cd. To add the RUM index to such a database later, install the extension
and run `manage.py migrate articles 0007` then `manage.py migrate`.
"""

from django.db import DatabaseError, migrations, transaction

RUM_INDEX = "articles_article_search_rum"


def add_rum(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except DatabaseError as error:
            if getattr(error.__cause__, "sqlstate", None) != "42501":  # only a role without the right is expected
                raise
            print("\n  The database role may not create the rum extension: search keeps the GIN index alone.")
            return
        cursor.execute(f"CREATE INDEX {RUM_INDEX} ON articles_article USING rum (search_vector rum_tsvector_ops)")


def drop_rum(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {RUM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_citation_list_change_txid")]

    operations = [migrations.RunPython(add_rum, drop_rum, elidable=False)]
