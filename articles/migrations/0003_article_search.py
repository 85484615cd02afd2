"""Full-text search over articles, kept in step by the database itself (read by articles/search.py).

PostgreSQL: a `search_vector` tsvector column that no model declares (so no ORM query ever fetches it), filled by
a BEFORE trigger with weights A title, B keywords / MeSH / authors, C abstract, and a GIN index. The functions that
make the texts are IMMUTABLE and read the JSON lists defensively (anything but an array counts as empty).

SQLite: an FTS5 table `articles_article_fts` holding the same texts as plain text (title, subjects, authors,
abstract), filled by triggers on articles_article. It keeps its own copy of the text rather than reading
articles_article through a view: a view over the table would make SQLite refuse the table rebuild Django does for
later field changes. Such a rebuild drops these triggers, though: a migration that rebuilds articles_article on
SQLite must run `sqlite_install` again (tests/articles/test_search.py checks the triggers are there).

The texts are the stored fields made plain: tags removed and the sanitiser's entities decoded, so that snippets are
built from plain text and escaped once, by the application. Characters \\x02 and \\x03 are removed because
snippets use them to mark matches.
"""

from django.db import migrations

# --- PostgreSQL -------------------------------------------------------------------------------------------------

_PG_ARRAY = "CASE jsonb_typeof({0}) WHEN 'array' THEN {0} ELSE '[]'::jsonb END"

POSTGRES_INSTALL = [
    # Tags out (inline ones sit inside words: "CO<sub>2</sub>"), entities kept: PostgreSQL's parser skips them, so
    # "&lt;b&gt;" never reads as a tag, and ts_headline returns them untouched, decoded after it.
    """
    CREATE FUNCTION articles_strip_tags(html text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT translate(regexp_replace(coalesce(html, ''), '</?[A-Za-z][^<>]*>', '', 'g'), chr(2) || chr(3), '')
    $$
    """,
    """
    CREATE FUNCTION articles_decode_entities(html text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT replace(replace(replace(replace(replace(replace(replace(html,
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#x27;', ''''), '&#39;', ''''), '&nbsp;', ' '), '&amp;', '&')
    $$
    """,
    f"""
    CREATE FUNCTION articles_abstract_text(abstract jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(string_agg(articles_strip_tags(CASE jsonb_typeof(section)
                                   WHEN 'object' THEN section ->> 'text' WHEN 'string' THEN section #>> '{{}}' END),
                                 ' ' ORDER BY position), '')
      FROM jsonb_array_elements({_PG_ARRAY.format("abstract")}) WITH ORDINALITY AS sections(section, position)
    $$
    """,
    f"""
    CREATE FUNCTION articles_subjects_text(keywords jsonb, mesh jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT concat_ws('; ',
        (SELECT string_agg(keyword #>> '{{}}', '; ' ORDER BY position)
           FROM jsonb_array_elements({_PG_ARRAY.format("keywords")}) WITH ORDINALITY AS k(keyword, position)
          WHERE jsonb_typeof(keyword) = 'string'),
        (SELECT string_agg(CASE jsonb_typeof(heading)
                  WHEN 'string' THEN heading #>> '{{}}'
                  WHEN 'object' THEN concat_ws(' ', heading ->> 'descriptor',
                    (SELECT string_agg(qualifier #>> '{{}}', ' ')
                       FROM jsonb_array_elements({_PG_ARRAY.format("heading -> 'qualifiers'")}) AS q(qualifier)
                      WHERE jsonb_typeof(qualifier) = 'string'))
                  END, '; ' ORDER BY position)
           FROM jsonb_array_elements({_PG_ARRAY.format("mesh")}) WITH ORDINALITY AS m(heading, position)))
    $$
    """,
    f"""
    CREATE FUNCTION articles_authors_text(authors jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(string_agg(concat_ws(' ', author ->> 'fore_name', author ->> 'last_name',
                                           author ->> 'initials', author ->> 'collective_name'),
                                 '; ' ORDER BY position), '')
      FROM jsonb_array_elements({_PG_ARRAY.format("authors")}) WITH ORDINALITY AS a(author, position)
      WHERE jsonb_typeof(author) = 'object'
    $$
    """,
    """
    CREATE FUNCTION articles_search_vector(title text, keywords jsonb, mesh jsonb, authors jsonb, abstract jsonb)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector('english'::regconfig, articles_strip_tags(title)), 'A')
          || setweight(to_tsvector('english'::regconfig,
                                   articles_subjects_text(keywords, mesh) || ' ' || articles_authors_text(authors)), 'B')
          || setweight(to_tsvector('english'::regconfig, articles_abstract_text(abstract)), 'C')
    $$
    """,
    """
    CREATE FUNCTION articles_article_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- The sync saves whole rows; an update that leaves the searched fields alone keeps its vector.
      IF TG_OP = 'UPDATE' AND NEW.search_vector IS NOT NULL
         AND NEW.title IS NOT DISTINCT FROM OLD.title AND NEW.abstract IS NOT DISTINCT FROM OLD.abstract
         AND NEW.keywords IS NOT DISTINCT FROM OLD.keywords AND NEW.mesh_headings IS NOT DISTINCT FROM OLD.mesh_headings
         AND NEW.authors IS NOT DISTINCT FROM OLD.authors THEN
        RETURN NEW;
      END IF;
      NEW.search_vector := articles_search_vector(NEW.title, NEW.keywords, NEW.mesh_headings, NEW.authors, NEW.abstract);
      RETURN NEW;
    END
    $$
    """,
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
    # Kept in the row (compressed if need be) rather than moved out to TOAST: ranking reads the vector of every
    # match, and fetching it from the TOAST table costs a few page reads per match (about 2x the whole search).
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN",
    """
    CREATE TRIGGER articles_article_search BEFORE INSERT OR UPDATE OF title, abstract, keywords, mesh_headings, authors
    ON articles_article FOR EACH ROW EXECUTE FUNCTION articles_article_search_update()
    """,
    "UPDATE articles_article SET search_vector = articles_search_vector(title, keywords, mesh_headings, authors, abstract)",
    "CREATE INDEX articles_article_search_idx ON articles_article USING gin (search_vector)",
]

POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS articles_article_search ON articles_article",
    "DROP INDEX IF EXISTS articles_article_search_idx",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS articles_article_search_update()",
    "DROP FUNCTION IF EXISTS articles_search_vector(text, jsonb, jsonb, jsonb, jsonb)",
    "DROP FUNCTION IF EXISTS articles_authors_text(jsonb)",
    "DROP FUNCTION IF EXISTS articles_subjects_text(jsonb, jsonb)",
    "DROP FUNCTION IF EXISTS articles_abstract_text(jsonb)",
    "DROP FUNCTION IF EXISTS articles_decode_entities(text)",
    "DROP FUNCTION IF EXISTS articles_strip_tags(text)",
]

# --- SQLite -----------------------------------------------------------------------------------------------------

# The tags the sanitiser keeps, and the entities it writes (articles/ncbi/markup.py); '&amp;' goes last.
_TAGS = ["i", "b", "u", "sup", "sub"]
_ENTITIES = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'"), ("&#39;", "'"), ("&nbsp;", " ")]
_ENTITIES += [("&amp;", "&")]


def _sqlite_plain(sql: str) -> str:
    sql = f"replace(replace({sql}, char(2), ''), char(3), '')"
    for tag in _TAGS:
        sql = f"replace(replace({sql}, '<{tag}>', ''), '</{tag}>', '')"
    for entity, text in _ENTITIES:
        sql = f"replace({sql}, '{entity}', '{text.replace(chr(39), chr(39) * 2)}')"
    return sql


def _sqlite_array(column: str) -> str:
    return f"CASE WHEN json_type({column}) = 'array' THEN {column} ELSE '[]' END"


def _sqlite_texts(row: str) -> list[str]:
    """The four indexed texts of the row `row` ("new.", "old." or a table name and dot)."""
    title = f"coalesce({_sqlite_plain(f'{row}title')}, '')"
    keywords = f"(SELECT group_concat(k.value, '; ') FROM json_each({_sqlite_array(f'{row}keywords')}) AS k WHERE k.type = 'text')"
    qualifiers = (
        "(SELECT group_concat(q.value, ' ') FROM json_each(CASE WHEN json_type(m.value, '$.qualifiers') = 'array' "
        "THEN json_extract(m.value, '$.qualifiers') ELSE '[]' END) AS q WHERE q.type = 'text')"
    )
    headings = (
        "(SELECT group_concat(CASE m.type WHEN 'text' THEN m.value WHEN 'object' THEN "
        f"coalesce(json_extract(m.value, '$.descriptor'), '') || ' ' || coalesce({qualifiers}, '') END, '; ') "
        f"FROM json_each({_sqlite_array(f'{row}mesh_headings')}) AS m)"
    )
    subjects = f"trim(coalesce({keywords}, '') || '; ' || coalesce({headings}, ''), '; ')"
    name = " || ' ' || ".join(
        f"coalesce(json_extract(a.value, '$.{part}'), '')"
        for part in ("fore_name", "last_name", "initials", "collective_name")
    )
    authors = (
        f"coalesce((SELECT group_concat({name}, '; ') FROM json_each({_sqlite_array(f'{row}authors')}) AS a "
        "WHERE a.type = 'object'), '')"
    )
    section = "CASE s.type WHEN 'object' THEN json_extract(s.value, '$.text') WHEN 'text' THEN s.value END"
    abstract = (
        f"coalesce((SELECT group_concat({_sqlite_plain(section)}, ' ') "
        f"FROM json_each({_sqlite_array(f'{row}abstract')}) AS s), '')"
    )
    return [title, subjects, authors, abstract]


_FTS_COLUMNS = "title, subjects, authors, abstract"
_SEARCHED = ["title", "abstract", "keywords", "mesh_headings", "authors"]
_CHANGED = " OR ".join(f"old.{column} IS NOT new.{column}" for column in _SEARCHED)


def _fts_insert(row: str, rowid: str) -> str:
    return f"INSERT INTO articles_article_fts(rowid, {_FTS_COLUMNS}) VALUES ({rowid}, {', '.join(_sqlite_texts(row))})"


SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE articles_article_fts USING fts5("
    f"{_FTS_COLUMNS}, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER articles_article_fts_insert AFTER INSERT ON articles_article BEGIN "
    f"{_fts_insert('new.', 'new.id')}; END",
    "CREATE TRIGGER articles_article_fts_delete AFTER DELETE ON articles_article BEGIN "
    "DELETE FROM articles_article_fts WHERE rowid = old.id; END",
    f"CREATE TRIGGER articles_article_fts_update AFTER UPDATE OF {', '.join(_SEARCHED)} ON articles_article "
    f"WHEN {_CHANGED} BEGIN DELETE FROM articles_article_fts WHERE rowid = old.id; "
    f"{_fts_insert('new.', 'new.id')}; END",
    f"INSERT INTO articles_article_fts(rowid, {_FTS_COLUMNS}) "
    f"SELECT articles_article.id, {', '.join(_sqlite_texts('articles_article.'))} FROM articles_article",
]

SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TABLE IF EXISTS articles_article_fts",
]

INSTALL = {"postgresql": POSTGRES_INSTALL, "sqlite": SQLITE_INSTALL}
UNINSTALL = {"postgresql": POSTGRES_UNINSTALL, "sqlite": SQLITE_UNINSTALL}


def _run(statements: dict[str, list[str]], schema_editor) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def sqlite_install(apps, schema_editor) -> None:
    """Recreate the SQLite search table, its triggers and its contents: for a migration that rebuilt
    articles_article on SQLite (which drops the triggers). Does nothing on PostgreSQL."""
    if schema_editor.connection.vendor == "sqlite":
        _run({"sqlite": SQLITE_UNINSTALL}, schema_editor)
        _run({"sqlite": SQLITE_INSTALL}, schema_editor)


def install(apps, schema_editor) -> None:
    _run(INSTALL, schema_editor)


def uninstall(apps, schema_editor) -> None:
    _run(UNINSTALL, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_syncrun_worker"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
