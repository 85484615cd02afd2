"""Full-text search (articles.search) on whichever database the suite runs on, and `?q=` in the API."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import search
from articles.models import Article, Citation

from .factories import ArticleFactory, CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    '"', "(", ")", "*", "NEAR", "NEAR(a b)", "-", "--", "AND", "OR", "NOT", "a OR", "OR a", '"unclosed phrase',
    'title:abc', "abstract : x", "^start", "a*", "a:*", "&|!", "\\", "''", "'", "a -", "-(", "{}", "[x]", "+x",
    "é", "ü OR ñ", "\u201csmart quotes\u201d", "x" * 10_000, "word " * 2_000, "\x01\x02\x03", "😀",
    "the -ferroptosis", "and OR the",
]  # fmt: skip


def _abstract(text: str) -> list[dict]:
    return [{"label": "", "category": "", "text": text}]


def _article(title: str, abstract: str = "", **fields) -> Article:
    fields.setdefault("authors", [{"last_name": "Doe", "fore_name": "Jane", "initials": "J"}])
    return ArticleFactory(title=title, abstract=_abstract(abstract) if abstract else [], **fields)


@pytest.fixture
def corpus() -> dict[str, Article]:
    """A few articles with distinct words, and unrelated ones so that no word is in most of them (a word in most
    documents is worth next to nothing to bm25)."""
    articles = {
        "title": _article("Ferroptosis resistance in gastric tumours", "Cells were cultured for two days."),
        "abstract": _article(
            "A study of stromal signalling", "Fibroblasts released vesicles that blocked ferroptosis in tumour cells."
        ),
        "phrase": _article("Exosomal cargo from fibroblasts", "We found gastric cancer cells took up the cargo."),
        "mouse": _article("Ferroptosis in a mouse model", "Mice were treated with cisplatin."),
        "keyword": _article("Untitled observations", "Nothing here.", keywords=["chemoresistance"]),
        "mesh": _article("More observations", "Nothing there.", mesh_headings=[{"descriptor": "Lipid Peroxidation"}]),
        "author": _article(
            "Other observations", "Nothing anywhere.", authors=[{"last_name": "Quixote", "initials": "D"}]
        ),
    }
    for number in range(8):
        _article(f"Unrelated record {number} about bone density", "Calcium and vitamin D in older adults.")
    return articles


def _found(query: str) -> list[int]:
    return [article.pk for article in search.article_search(query=query)]


@pytest.fixture(params=["index", "table"])
def ranking(request, monkeypatch) -> str:
    """On PostgreSQL, search ranked by the RUM index, which this suite's database has ("index": for every query,
    however few its matches), and ranked from the table ("table": ts_rank_cd over every match, as with GIN alone).
    SQLite has one way, run twice."""
    if request.param == "index":
        if connection.vendor == "postgresql" and not search.has_rum_index(connection):
            pytest.skip("PostgreSQL has no rum extension here (Debian: postgresql-NN-rum)")
        monkeypatch.setattr(search, "RANK_IN_INDEX_FROM", 0)
    else:
        monkeypatch.setattr(search, "ranks_in_index", lambda connection, query: False)
    return request.param


def _rum_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        return cursor.fetchone() is not None


def test_a_title_hit_ranks_above_an_abstract_hit(corpus, ranking):
    found = _found("ferroptosis")
    assert set(found) == {corpus["title"].pk, corpus["abstract"].pk, corpus["mouse"].pk}
    assert found.index(corpus["title"].pk) < found.index(corpus["abstract"].pk)
    assert found.index(corpus["mouse"].pk) < found.index(corpus["abstract"].pk)


def test_phrases_or_and_exclusion(corpus, ranking):
    assert _found('"gastric cancer"') == [corpus["phrase"].pk]
    assert set(_found("gastric")) == {corpus["title"].pk, corpus["phrase"].pk}
    assert set(_found("cisplatin OR vesicles")) == {corpus["mouse"].pk, corpus["abstract"].pk}
    assert set(_found("ferroptosis -mice")) == {corpus["title"].pk, corpus["abstract"].pk}
    assert set(_found("ferroptosis NOT mouse")) == {corpus["title"].pk, corpus["abstract"].pk}
    assert _found("ferroptosis AND cisplatin") == [corpus["mouse"].pk]
    assert _found("ferroptosis cisplatin") == [corpus["mouse"].pk]


def test_keywords_mesh_headings_and_authors_are_searched(corpus, ranking):
    assert _found("chemoresistance") == [corpus["keyword"].pk]
    assert _found('"lipid peroxidation"') == [corpus["mesh"].pk]
    assert _found("quixote") == [corpus["author"].pk]


def test_words_match_their_other_forms(corpus):
    assert corpus["phrase"].pk in _found("exosome")
    assert corpus["abstract"].pk in _found("fibroblast")


def test_only_excluded_words_or_no_words_find_nothing(corpus):
    assert _found("-ferroptosis") == []
    assert _found("") == []
    assert _found('"" ( ) *') == []


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_only_ever_searched_for(corpus, ranking, query):
    list(search.article_search(query=query, with_title=True))
    list(search.article_search(query=query)[:5])


def test_snippets_mark_matches_and_escape_everything_else():
    article = _article(
        "Ferroptosis &lt;script&gt;alert(1)&lt;/script&gt; in <i>vivo</i>",
        "Dying cells &amp; their <b>lipids</b>: ferroptosis at p&lt;0.05 explained.",
    )
    raw = ArticleFactory(title="<script>alert(2)</script> ferroptosis", abstract=[])
    in_abstract = search.article_search(query="ferroptosis lipids").get(pk=article.pk)
    snippet = search.snippet_html(in_abstract.search_snippet)
    assert "<mark>ferroptosis</mark>" in snippet.lower() and "<mark>lipids</mark>" in snippet
    found = {hit.pk: hit for hit in search.article_search(query="ferroptosis", with_title=True)}
    assert "&amp;" in snippet and "p&lt;0.05" in snippet and "<b>" not in snippet
    title = search.snippet_html(found[article.pk].search_title)
    assert "&lt;script&gt;" in title and "<script>" not in title and "<i>" not in title
    assert "<script" not in search.snippet_html(found[raw.pk].search_title)
    assert "<script" not in search.snippet_html(found[raw.pk].search_snippet)


def test_the_snippet_shows_where_the_match_is(corpus):
    hits = {hit.pk: search.snippet_html(hit.search_snippet) for hit in search.article_search(query="chemoresistance")}
    assert "<mark>chemoresistance</mark>" in hits[corpus["keyword"].pk]
    hits = {hit.pk: search.snippet_html(hit.search_snippet) for hit in search.article_search(query="vesicles")}
    assert "<mark>vesicles</mark>" in hits[corpus["abstract"].pk]


def test_the_database_keeps_the_index_in_step():
    article = _article("Original wording", "Nothing special.")
    assert _found("original") == [article.pk]
    article.title = "Revised phrasing"
    article.save()
    assert _found("original") == [] and _found("revised") == [article.pk]
    Article.objects.filter(pk=article.pk).update(abstract=_abstract("Now about autophagy."))
    assert _found("autophagy") == [article.pk]
    Article.objects.bulk_create([Article(pmid=99_000_001, title="Bulk inserted senescence record")])
    assert len(_found("senescence")) == 1
    Article.objects.filter(pmid=99_000_001).delete()
    article.delete()
    assert _found("senescence") == [] and _found("autophagy") == []


def test_the_search_objects_exist_after_every_migration():
    """A later migration that rebuilds articles_article on SQLite drops the triggers with the old table; it must
    run migration 0003's sqlite_install again (this test says so if it did not)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'articles_article'::regclass")
            assert "articles_article_search" in {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_article_search_idx'")
            assert "gin" in cursor.fetchone()[0].lower()
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles_article'")
            names = {row[0] for row in cursor.fetchall()}
            assert {
                "articles_article_fts_insert",
                "articles_article_fts_update",
                "articles_article_fts_delete",
            } <= names


def _skip_without_rum() -> None:
    if connection.vendor != "postgresql" or not _rum_available():
        pytest.skip("RUM is a PostgreSQL extension, not installed here (Debian: postgresql-NN-rum)")


def test_postgresql_reads_matches_best_first_from_a_rum_index(corpus, monkeypatch):
    """Where the rum extension is installed, migration 0008 adds a RUM index, and a page of a search it ranks takes
    its candidates in the index's own order: with sorting disabled, the candidates' Limit sits on the index scan."""
    _skip_without_rum()
    assert search.has_rum_index(connection)
    monkeypatch.setattr(search, "RANK_IN_INDEX_FROM", 0)
    for query in ("ferroptosis", "ferroptosis -mice", '"gastric cancer" OR cisplatin'):
        sql, params = search.article_search(query=query)[:20].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = [row[0].strip() for row in cursor.fetchall()]
        scan = next(i for i, line in enumerate(plan) if "Index Scan using articles_article_search_rum" in line)
        assert plan[scan - 1].startswith("->  Limit") and plan[scan + 2].startswith("Order By: (search_vector <=>")


def test_rum_ranks_searches_of_all_articles_that_the_planner_expects_to_match_often(corpus, monkeypatch):
    """RUM reads every occurrence of the query's words, and its page comes from the best matches of all articles:
    it ranks a search of all articles expected to match often. Anything else is ranked from the table, by
    ts_rank_cd and then id."""
    _skip_without_rum()
    for number in range(60):
        _article(f"Senescence record {number}", "Senescent fibroblasts in ageing tissue.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    monkeypatch.setattr(search, "RANK_IN_INDEX_FROM", 30)
    for text in ("senescence", "cisplatin OR senescence", "senescence -mice", "senescence ageing"):
        assert search.ranks_in_index(connection, search.parse(text)), text
    for text in ("ferroptosis", "senescence ferroptosis", '"gastric cancer"', '"senescent fibroblasts" ferroptosis'):
        assert not search.ranks_in_index(connection, search.parse(text)), text
    by_rum = str(search.article_search(query="senescence").query)
    assert "<=>" in by_rum and "rum_ts_score" in by_rum and "ts_rank_cd" not in by_rum
    review = ReviewFactory()
    CitationFactory(review=review, article=corpus["title"], relation=Citation.Relation.REFERENCE, position=1)
    from_table = [
        search.article_search(query='"gastric cancer"').query,
        search.ranked(Article.objects.filter(pub_year__gte=1900), "senescence").query,
        search.ranked(Citation.objects.filter(review=review), "senescence", path="article__").query,
    ]
    for query in map(str, from_table):
        assert "<=>" not in query and "ts_rank_cd" in query, query
    assert len(_found("senescence")) == 60 and _found('"gastric cancer"') == [corpus["phrase"].pk]


def test_pages_of_a_ranked_search_hold_every_match_once_in_rank_then_id_order(api_client, corpus, ranking):
    """Sixty articles with the same score, written in descending id order (so the table's order is not the ids'),
    and three better ones: whichever way the search is ranked, and whether PostgreSQL sorts or reads the index,
    the pages put equal scores in id order and together hold every match exactly once."""
    tied = [
        ArticleFactory(id=900_000 - number, title=f"Record {number}", abstract=_abstract("Senescence was measured.")).pk
        for number in range(60)
    ]
    better = [_article(f"Senescence and senescence, {number}", "Senescence again.").pk for number in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    whole = _found("senescence")
    assert set(whole[:3]) == set(better) and whole[3:] == sorted(tied)
    pmids = {article.pk: article.pmid for article in Article.objects.filter(pk__in=whole)}
    uses_rum = ranking == "index" and connection.vendor == "postgresql"
    assert ("WITH TIES" in str(search.article_search(query="senescence")[:7].query)) == uses_rum
    plans = ["as PostgreSQL likes", "from the index"] if uses_rum else ["as PostgreSQL likes"]
    for plan in plans:
        if plan == "from the index":
            with connection.cursor() as cursor:
                for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                    cursor.execute(f"SET LOCAL {setting} = off")
        for size in (7, 20):
            hits = search.article_search(query="senescence")
            assert [hit.pk for start in range(0, 70, size) for hit in hits[start : start + size]] == whole, plan
            pages = []
            for page in range(1, 70 // size + 2):
                response = api_client.get("/api/v1/articles/", {"q": "senescence", "page_size": size, "page": page})
                if response.status_code == 404:
                    break
                assert response.json()["count"] == 63
                pages += [item["pmid"] for item in response.json()["results"]]
            assert pages == [pmids[pk] for pk in whole], plan
    hits = search.article_search(query="senescence")
    assert hits.last().pk == whole[-1] and [hit.pk for hit in hits.reverse()[:2]] == whole[:-3:-1]
    assert hits.filter(pk=tied[0]).first().pk == tied[0] and len(hits.exclude(pk__in=better)[:70]) == 60


def test_without_the_right_to_create_the_extension_the_migration_keeps_gin_alone(capsys):
    _skip_without_rum()
    migration = importlib.import_module("articles.migrations.0008_article_search_rum")
    with connection.cursor() as cursor:  # all undone with the test's transaction
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DROP EXTENSION rum CASCADE")
        cursor.execute("CREATE ROLE cafex_no_extensions")
        cursor.execute("GRANT ALL ON articles_article TO cafex_no_extensions")
        cursor.execute("SET LOCAL ROLE cafex_no_extensions")
        with connection.schema_editor() as editor:
            migration.add_rum(None, editor)
        cursor.execute("RESET ROLE")
        cursor.execute("SELECT to_regclass('articles_article_search_rum') IS NULL")
        assert cursor.fetchone()[0]
    assert "search keeps the GIN index alone" in capsys.readouterr().out


def test_the_rum_migration_goes_back_and_forth(corpus):
    _skip_without_rum()
    migration = importlib.import_module("articles.migrations.0008_article_search_rum")

    def index_methods() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT m.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am m "
                "ON m.oid = c.relam WHERE i.indrelid = 'articles_article'::regclass AND m.amname IN ('gin', 'rum')"
            )
            return [row[0] for row in cursor.fetchall()]

    with connection.cursor() as cursor:  # the change log's deferred triggers would forbid an index change
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        migration.drop_rum(None, editor)
        assert index_methods() == ["gin"]
        migration.add_rum(None, editor)
        assert sorted(index_methods()) == ["gin", "rum"]


# --- the query language ------------------------------------------------------------------------------------------


def test_parse_reads_words_phrases_or_and_exclusions():
    parsed = search.parse('exosomal "gastric cancer" miR-21 OR miR-155 AND -review NOT mouse (lung')
    assert parsed.groups == (("exosomal",), ("gastric cancer",), ("miR-21", "miR-155"), ("lung",))
    assert parsed.excluded == ("review", "mouse")
    assert (
        parsed.fts5()
        == (
            '(((("exosomal") AND ("gastric cancer") AND ("miR-21" OR "miR-155") AND ("lung")) NOT "review") NOT "mouse")'
        )[1:-1]
    )
    assert parsed.websearch() == '"exosomal" "gastric cancer" "miR-21" or "miR-155" "lung" -"review" -"mouse"'


def test_parse_keeps_quotes_inside_fts5_strings_and_bounds_the_query():
    assert search.parse('a"b').groups == (("a",), ("b",))
    assert search.parse('"say ""hi"""').fts5() == '("say") AND ("hi")'
    assert sum(map(len, search.parse("word " * 500).groups)) == search.MAX_TERMS
    assert len(search.parse("y" * 5000).groups[0][0]) == search.MAX_TERM_CHARS


# --- ?q= in the API ---------------------------------------------------------------------------------------------


def test_articles_api_ranks_by_q_and_adds_snippets(api_client, corpus):
    body = api_client.get("/api/v1/articles/", {"q": "ferroptosis", "page_size": 10}).json()
    pks = [item["pmid"] for item in body["results"]]
    assert pks[-1] == corpus["abstract"].pmid and body["count"] == 3
    assert all("<mark>" in item["snippet"].lower() for item in body["results"])
    plain = api_client.get("/api/v1/articles/", {"page_size": 3}).json()
    assert all("snippet" not in item for item in plain["results"])


def test_articles_api_combines_q_with_filters(api_client, corpus):
    corpus["mouse"].pub_year, corpus["mouse"].is_retracted = 2010, True
    corpus["mouse"].save()
    params = {"q": "ferroptosis", "year_max": 2015, "retracted": "true", "journal": "molecular CANCER"}
    assert [item["pmid"] for item in api_client.get("/api/v1/articles/", params).json()["results"]] == [
        corpus["mouse"].pmid
    ]
    assert api_client.get("/api/v1/articles/", {**params, "year_min": 2011}).json()["count"] == 0


def test_citations_api_ranks_by_q_whatever_the_relation_order(api_client, corpus):
    review = ReviewFactory()
    for position, key in enumerate(["abstract", "mouse", "title", "phrase"], start=1):
        CitationFactory(review=review, article=corpus[key], relation=Citation.Relation.REFERENCE, position=position)
    CitationFactory(review=review, article=None, relation=Citation.Relation.REFERENCE, position=5)
    url = f"/api/v1/reviews/{review.article.pmid}/citations/"
    body = api_client.get(url, {"q": "ferroptosis", "relation": "reference"}).json()
    assert [item["article"]["pmid"] for item in body["results"]][-1] == corpus["abstract"].pmid
    assert body["count"] == 3 and all(item["snippet"] for item in body["results"])
    assert "snippet" not in api_client.get(url, {"relation": "reference"}).json()["results"][0]
    assert api_client.get(url, {"q": "ferroptosis", "year": 1999}).json()["count"] == 0


@pytest.mark.parametrize("query", HOSTILE[:-4] + ["x" * 1000, "x" * 1001], ids=range(len(HOSTILE) - 2))
def test_hostile_q_in_the_api_is_never_a_server_error(api_client, corpus, ranking, query):
    response = api_client.get("/api/v1/articles/", {"q": query})
    assert response.status_code in (200, 400)
    assert response.status_code == 400 or all("snippet" in item for item in response.json()["results"])


def test_search_query_count_is_flat_as_the_page_grows(api_client):
    search.has_rum_index(connection)  # the process asks the catalog once, at its first search
    review = ReviewFactory()
    for position in range(1, 41):
        article = _article(f"Ferroptosis record {position}", "Lipid peroxidation in ferroptosis.")
        CitationFactory(review=review, article=article, relation=Citation.Relation.REFERENCE, position=position)
    counts = []
    for size in (2, 40):
        for url in (f"/api/v1/reviews/{review.article.pmid}/citations/", "/api/v1/articles/"):
            with CaptureQueriesContext(connection) as queries:
                response = api_client.get(url, {"q": "ferroptosis", "page_size": size})
            assert len(response.json()["results"]) == size
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
