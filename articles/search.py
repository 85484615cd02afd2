"""Full-text search over articles: titles, abstracts, keywords, MeSH headings and author names, ranked, with snippets.

The database keeps the index in step (migration 0003_article_search): on PostgreSQL a weighted `search_vector`
column, cut into snippets by ts_headline; on SQLite an FTS5 table ranked by bm25() with snippet(). Neither index is a
model field, so no ordinary query fetches it. PostgreSQL indexes the column with GIN, which finds matches, and
where the extension is installed also with RUM (migration 0008), which returns them best first by its own score;
`ranks_in_index` and `ranked` say which searches RUM ranks, and the others are ranked by ts_rank_cd over their
matches.

People type queries as into PubMed: words, "quoted phrases", OR between alternatives, AND (the default anyway),
and -word or NOT word to exclude. `parse` reads that once, for both databases, and whatever else the text holds
(quotes left open, brackets, `*`, `NEAR`, column names) is only ever searched for as words: user input is bound as a
parameter and, for FTS5, every word is a quoted string, so no input can be a syntax error.

Snippets come back from the database as plain text with matches between \\x02 and \\x03 (characters the indexed
text never holds); `snippet_html` escapes that text and only then adds the <mark> tags, so a title or abstract
holding markup is shown as text, never run.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from django.db import NotSupportedError, connections
from django.db.models import BooleanField, Expression, F, FloatField, QuerySet, TextField
from django.db.models.sql.where import WhereNode
from django.utils.safestring import SafeString, mark_safe

from .models import Article
from .selectors import ARTICLE_LIST_FIELDS

MAX_QUERY_CHARS = 1000  # what a search box may send; the rest is ignored
MAX_TERMS = 32  # words and phrases kept from one query
MAX_TERM_CHARS = 200  # a longer "word" is cut: no index holds one anyway
START, STOP = "\x02", "\x03"

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_OPERATORS = {"AND", "OR", "NOT"}
_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")


@dataclass(frozen=True)
class ParsedQuery:
    """A query as AND of OR-groups of terms (words or phrases), minus excluded terms."""

    groups: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing to look for: no words at all, or only excluded ones (which would match almost everything)."""
        return not self.groups

    def websearch(self) -> str:
        """Input for PostgreSQL's websearch_to_tsquery: every term quoted, so only our `or` and `-` are operators."""
        wanted = " ".join(" or ".join(f'"{term}"' for term in group) for group in self.groups)
        return " ".join([wanted, *(f'-"{term}"' for term in self.excluded)])

    def fts5(self) -> str:
        """An FTS5 query: every term a quoted string (FTS5 tokenises it like the text), operators explicit."""
        query = " AND ".join("(" + " OR ".join(map(_fts5_string, group)) + ")" for group in self.groups)
        for term in self.excluded:
            query = f"({query}) NOT {_fts5_string(term)}"
        return query


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _tokens(text: str) -> list[tuple[str, bool, bool]]:
    """(text, is_operator, negated) for each word, phrase or operator, left to right."""
    tokens: list[tuple[str, bool, bool]] = []
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char.isspace() or char in "()":
            i += 1
            continue
        negated = char == "-" and i + 1 < end and not text[i + 1].isspace()
        if negated:
            i += 1
        if text[i] == '"':
            close = text.find('"', i + 1)
            close = end if close < 0 else close
            tokens.append((text[i + 1 : close], False, negated))
            i = close + 1
            continue
        start = i
        while i < end and not text[i].isspace() and text[i] not in '()"':
            i += 1
        word = text[start:i]
        tokens.append((word, word in _OPERATORS and not negated, negated))
    return tokens


def parse(text: str) -> ParsedQuery:
    """The query a person typed, as terms; anything without a letter or digit is dropped."""
    text = (text or "")[:MAX_QUERY_CHARS].replace("\x00", "").replace(START, "").replace(STOP, "").translate(_QUOTES)
    groups: list[list[str]] = []
    excluded: list[str] = []
    join_next = exclude_next = last_was_wanted = False
    for token, is_operator, negated in _tokens(text):
        if is_operator:
            join_next = token == "OR" and last_was_wanted
            exclude_next = token == "NOT"
            continue
        term = " ".join(token.split())[:MAX_TERM_CHARS]
        if not any(char.isalnum() for char in term):
            continue
        if len(excluded) + sum(map(len, groups)) >= MAX_TERMS:
            break
        if negated or exclude_next:
            excluded.append(term)
            last_was_wanted = False
        elif join_next:
            groups[-1].append(term)
            last_was_wanted = True
        else:
            groups.append([term])
            last_was_wanted = True
        join_next = exclude_next = False
    return ParsedQuery(tuple(map(tuple, groups)), tuple(excluded))


# --- SQL --------------------------------------------------------------------------------------------------------

_TSQUERY = "websearch_to_tsquery('english'::regconfig, %s)"
_FTS = "articles_article_fts"
# bm25 weights of the FTS5 columns (title, subjects, authors, abstract), in the proportions of PostgreSQL's
# default weights for A (title), B (keywords, MeSH, authors) and C (abstract).
_BM25 = f"bm25({_FTS}, 5.0, 2.0, 2.0, 1.0)"
_HEADLINE = f'StartSel={START}, StopSel={STOP}, MaxFragments=2, MaxWords=24, MinWords=12, FragmentDelimiter=" … "'
_HIGHLIGHT_ALL = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"


class _ArticleSQL(Expression):
    """SQL about the article row a queryset reaches through `path` ("" for articles, "article__" for citations).

    The article's pmid is resolved like any field, which makes Django join the article table; the SQL then names
    that join's alias. Subclasses give the SQL for each database.
    """

    output_field_class: type = TextField

    def __init__(self, path: str, query: ParsedQuery) -> None:
        super().__init__(output_field=self.output_field_class())
        self.anchor = F(f"{path}pmid")
        self.query = query

    def get_source_expressions(self) -> list:
        return [self.anchor]

    def set_source_expressions(self, expressions) -> None:
        (self.anchor,) = expressions

    def table(self, compiler) -> str:
        return compiler.quote_name_unless_alias(self.anchor.alias)

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"Full-text search needs PostgreSQL or SQLite, not {connection.vendor}.")


class _Match(_ArticleSQL):
    output_field_class = BooleanField

    def as_postgresql(self, compiler, connection):
        return f'{self.table(compiler)}."search_vector" @@ {_TSQUERY}', [self.query.websearch()]

    def as_sqlite(self, compiler, connection):
        return f'{self.table(compiler)}."id" IN (SELECT rowid FROM {_FTS} WHERE {_FTS} MATCH %s)', [self.query.fts5()]


class _PageOfRumMatches(_Match):
    """The match; when the query asks for its first `high_mark` rows by RUM's distance, exactly those articles:
    PostgreSQL reads the first `high_mark` in the RUM index's order and every article tied with the last of them
    (FETCH FIRST … WITH TIES), and keeps the first `high_mark` of these by distance and id. Equal distances so
    come in id order on every page, whichever plan finds them, and the page's own query reads only its rows. A
    count, a list in another order (the cursor's, or reversed) or with any other condition gets the plain match:
    the best matches of all articles need not hold the best that meet another condition."""

    def as_postgresql(self, compiler, connection):
        query = compiler.query
        if query.high_mark is None or not _is_rum_page(query):
            return super().as_postgresql(compiler, connection)
        candidates = (
            f'SELECT "id" FROM (SELECT "id", "search_vector" <=> {_TSQUERY} AS "distance" FROM "articles_article" '
            f'WHERE "search_vector" @@ {_TSQUERY} ORDER BY "search_vector" <=> {_TSQUERY} FETCH FIRST %s ROWS WITH TIES) '
            'AS "tied" ORDER BY "distance", "id" LIMIT %s'
        )
        words = self.query.websearch()
        return f'{self.table(compiler)}."id" IN ({candidates})', [words, words, words, query.high_mark, query.high_mark]


def _is_rum_page(query) -> bool:
    """Whether `query` is ordered by RUM's distance then id, forwards, and has no condition but the RUM match."""
    order = query.order_by
    if not (query.standard_ordering and len(order) == 2 and order[1] == "pk"):
        return False
    if not (isinstance(getattr(order[0], "expression", None), _Distance) and not order[0].descending):
        return False
    node = query.where
    while isinstance(node, WhereNode) and len(node.children) == 1 and not node.negated:
        node = node.children[0]
    return isinstance(getattr(node, "lhs", node), _PageOfRumMatches) and getattr(node, "rhs", True) is True


class _Rank(_ArticleSQL):
    """Higher is better on both databases; on PostgreSQL, RUM's score where the index ranks (`in_index`)."""

    output_field_class = FloatField

    def __init__(self, path: str, query: ParsedQuery, *, in_index: bool = False) -> None:
        super().__init__(path, query)
        self.function = "rum_ts_score" if in_index else "ts_rank_cd"

    def as_postgresql(self, compiler, connection):
        return f'{self.function}({self.table(compiler)}."search_vector", {_TSQUERY})', [self.query.websearch()]

    def as_sqlite(self, compiler, connection):
        sql = f'(SELECT -{_BM25} FROM {_FTS} WHERE {_FTS} MATCH %s AND {_FTS}.rowid = {self.table(compiler)}."id")'
        return sql, [self.query.fts5()]


class _Distance(_ArticleSQL):
    """RUM's distance, 1 / its score: the RUM index returns matches in the order of exactly this expression."""

    output_field_class = FloatField

    def as_postgresql(self, compiler, connection):
        return f'{self.table(compiler)}."search_vector" <=> {_TSQUERY}', [self.query.websearch()]


class _Snippet(_ArticleSQL):
    """Passages of the text that matched, matches marked: the abstract when the query matches it alone, else the
    title, else keywords, MeSH and authors; an article matched only across fields shows its abstract (or title).

    PostgreSQL tells the fields apart by the vector's weights (ts_filter keeps one weight's lexemes); FTS5's
    snippet() picks the column with the most matches itself.
    """

    output_field_class = TextField

    def as_postgresql(self, compiler, connection):
        table = self.table(compiler)
        vector = f'{table}."search_vector"'
        abstract, title = f'articles_abstract_text({table}."abstract")', f'articles_strip_tags({table}."title")'
        subjects = (
            f'articles_subjects_text({table}."keywords", {table}."mesh_headings") || \'; \' '
            f'|| articles_authors_text({table}."authors")'
        )
        text = (
            f"CASE WHEN ts_filter({vector}, '{{c}}') @@ {_TSQUERY} THEN {abstract} "
            f"WHEN ts_filter({vector}, '{{a}}') @@ {_TSQUERY} THEN {title} "
            f"WHEN ts_filter({vector}, '{{b}}') @@ {_TSQUERY} THEN {subjects} "
            f"ELSE coalesce(nullif({abstract}, ''), {title}) END"
        )
        sql = f"articles_decode_entities(ts_headline('english'::regconfig, {text}, {_TSQUERY}, %s))"
        return sql, [self.query.websearch()] * 4 + [_HEADLINE]

    def as_sqlite(self, compiler, connection):
        marked = f"snippet({_FTS}, -1, char(2), char(3), ' … ', 32)"
        sql = f'(SELECT {marked} FROM {_FTS} WHERE {_FTS} MATCH %s AND {_FTS}.rowid = {self.table(compiler)}."id")'
        return sql, [self.query.fts5()]


class _TitleMarks(_ArticleSQL):
    """The whole title as plain text, matches marked."""

    output_field_class = TextField

    def as_postgresql(self, compiler, connection):
        title = f'articles_strip_tags({self.table(compiler)}."title")'
        sql = f"articles_decode_entities(ts_headline('english'::regconfig, {title}, {_TSQUERY}, %s))"
        return sql, [self.query.websearch(), _HIGHLIGHT_ALL]

    def as_sqlite(self, compiler, connection):
        sql = (
            f"(SELECT highlight({_FTS}, 0, char(2), char(3)) FROM {_FTS} "
            f'WHERE {_FTS} MATCH %s AND {_FTS}.rowid = {self.table(compiler)}."id")'
        )
        return sql, [self.query.fts5()]


# --- reads ------------------------------------------------------------------------------------------------------

# Expected matches from which RUM ranks. PostgreSQL expects a word its statistics do not list among the commonest
# to be in 0.5% of articles at most (500 of 100,000), and words that must come together in far fewer.
RANK_IN_INDEX_FROM = 400

_RUM_INDEX_SQL = "SELECT to_regclass('articles_article_search_rum') IS NOT NULL"
_ESTIMATE_SQL = f"EXPLAIN (FORMAT JSON) SELECT 1 FROM articles_article WHERE search_vector @@ {_TSQUERY}"
_has_rum_index: dict[str, bool] = {}  # by database name: the index only changes with a migration


def has_rum_index(connection) -> bool:
    """Whether PostgreSQL has the RUM search index (migration 0008); asked of the catalog once per process and
    database."""
    if connection.vendor != "postgresql":
        return False
    name = connection.settings_dict["NAME"]
    if name not in _has_rum_index:
        with connection.cursor() as cursor:
            cursor.execute(_RUM_INDEX_SQL)
            _has_rum_index[name] = cursor.fetchone()[0]
    return _has_rum_index[name]


def ranks_in_index(connection, query: ParsedQuery) -> bool:
    """Whether the RUM index ranks `query` over all articles: where there is one, for a query the planner expects
    to match at least RANK_IN_INDEX_FROM articles. RUM reads every occurrence of the query's words in the index and
    checks a phrase more slowly than GIN with the table, so words that must come together but seldom do are ranked
    faster from the table."""
    if not has_rum_index(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(_ESTIMATE_SQL, [query.websearch()])
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Plan"]["Plan Rows"] >= RANK_IN_INDEX_FROM


def matching(queryset: QuerySet, query: str | ParsedQuery, *, path: str = "") -> QuerySet:
    """`queryset` narrowed to rows whose article matches `query`, unordered and without rank or snippet: for
    counting. `path` leads from the queryset's model to the article ("" for articles, "article__" for citations);
    a query with nothing to look for matches nothing."""
    parsed = parse(query) if isinstance(query, str) else query
    return queryset.none() if parsed.empty else queryset.filter(_Match(path, parsed))


def ranked(queryset: QuerySet, query: str | ParsedQuery, *, path: str = "", with_title: bool = False) -> QuerySet:
    """`matching`, best first, each row annotated with `search_rank` and `search_snippet` (pass it to
    `snippet_html`), and with `search_title`, the whole title marked, when `with_title`.

    Equal ranks come in id order. The RUM index ranks only a search of all articles (`ranks_in_index`): its page
    is taken from the best matches over all articles (`_PageOfRumMatches`), which other filters would thin out.

    Snippets cost only the rows fetched: PostgreSQL evaluates ts_headline after the sort and the limit, so a page
    of 20 costs 20 headlines however many rows match.
    """
    parsed = parse(query) if isinstance(query, str) else query
    if parsed.empty:
        return queryset.none()
    in_index = not path and not queryset.query.where and ranks_in_index(connections[queryset.db], parsed)
    marks = {"search_snippet": _Snippet(path, parsed)}
    if with_title:
        marks["search_title"] = _TitleMarks(path, parsed)
    order = [_Distance(path, parsed).asc(), "pk"] if in_index else ["-search_rank", "pk"]
    found = queryset.filter(_PageOfRumMatches(path, parsed)) if in_index else matching(queryset, parsed, path=path)
    return found.annotate(search_rank=_Rank(path, parsed, in_index=in_index), **marks).order_by(*order)


def article_search(*, query: str, queryset: QuerySet[Article] | None = None, with_title: bool = False):
    """Articles matching `query`, best first, with `search_rank` and `search_snippet` (see `ranked`); by default
    with the fields lists show (the abstract is read for the snippet in the database, not fetched)."""
    articles = Article.objects.only(*ARTICLE_LIST_FIELDS) if queryset is None else queryset
    return ranked(articles, query, with_title=with_title)


def snippet_html(marked: str | None) -> SafeString:
    """A snippet as safe HTML: the text escaped, then each match wrapped in <mark>."""
    escaped = html.escape(marked or "")
    return mark_safe(_MARKED.sub(r"<mark>\1</mark>", escaped).replace(START, "").replace(STOP, ""))
