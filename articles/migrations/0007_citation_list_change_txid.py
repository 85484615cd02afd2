from django.db import migrations

# The change log's rows take the id of the transaction that adds them, which no other row can have: with the
# sequence, rows restored with their ids (as tests restore a database) could meet a sequence that lags behind them.
# The version (the rows' total and newest id) changes at each commit as before.
FUNCTION = """
CREATE OR REPLACE FUNCTION articles_citation_lists_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('articles.citation_lists_changed', true) IS DISTINCT FROM txid_current()::text THEN
    PERFORM set_config('articles.citation_lists_changed', txid_current()::text, true);
    INSERT INTO articles_citationlistchange (id, n) VALUES ({id}, 1);
  END IF;
  RETURN NULL;
END $$
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION.format(id="txid_current()"), params=None)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION.format(id="DEFAULT"), params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0006_citation_list_change"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
