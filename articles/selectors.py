"""Reads of articles, reviews and citations, shaped for pages and the API without N+1 queries."""

from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError, connections
from django.db.models import BooleanField, Count, Expression, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Lower

from .models import Article, Citation, EditorAlert, Review, SyncRun
from .ncbi.markup import normalise_doi


def review_list(*, include_archived: bool = False) -> QuerySet[Review]:
    """Reviews with their counts per relation; archived ones only with `include_archived` (they are not public)."""
    relation = Citation.Relation
    reviews = Review.objects.all() if include_archived else Review.objects.filter(archived_at__isnull=True)
    return (
        reviews.select_related("article")
        .annotate(
            reference_count=Count("citations", filter=Q(citations__relation=relation.REFERENCE)),
            cited_by_count=Count("citations", filter=Q(citations__relation=relation.CITED_BY)),
            similar_count=Count("citations", filter=Q(citations__relation=relation.SIMILAR)),
            unresolved_count=Count(
                "citations", filter=Q(citations__relation=relation.REFERENCE, citations__article__isnull=True)
            ),
        )
        .order_by("created_at", "pk")
    )


def review_get(*, pmid: int, include_archived: bool = False) -> Review | None:
    """The review with its counts per relation, for its page and the API."""
    return review_list(include_archived=include_archived).filter(article__pmid=pmid).first()


def review_list_named() -> QuerySet[Review]:
    """The public reviews NCBI has given a record for: the home page's cards (a PMID it did not know has no name)."""
    return review_list().exclude(article__title="")


def review_list_unnamed() -> QuerySet[Review]:
    """Reviews whose record NCBI has not (or not yet) given: added by PMID, with no title until a sync brings one.
    Each carries its latest run's state and message, so an editor sees why and can retry or discard it."""
    latest = SyncRun.objects.filter(review=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Review.objects.filter(article__title="", archived_at__isnull=True)
        .select_related("article")
        .annotate(run_state=Subquery(latest.values("state")[:1]), run_message=Subquery(latest.values("message")[:1]))
        .order_by("created_at", "pk")
    )


def review_by_pmid(*, pmid: int, include_archived: bool = False) -> Review | None:
    """The review alone (with its article), for checks and writes that need no counts. An archived review is not
    public: pages, exports and the API answer as if it were not there, unless `include_archived`."""
    reviews = Review.objects.select_related("article")
    if not include_archived:
        reviews = reviews.filter(archived_at__isnull=True)
    return reviews.filter(article__pmid=pmid).first()


def review_id_by_pmid(*, pmid: int) -> int | None:
    """The id of the public (not archived) review alone: for reads that only narrow other lists to the review."""
    return review_id_query(pmid=pmid).first()


def review_id_query(*, pmid: int) -> QuerySet[Review]:
    """That id as a query, to narrow another list inside its own statement (none if no such public review)."""
    return Review.objects.filter(article__pmid=pmid, archived_at__isnull=True).order_by().values_list("pk", flat=True)


# What lists show of an article (the API's ArticleSerializer, the pages' article lines): the abstract, MeSH
# headings and keywords are the bulk of a row and are read on an article's own page only.
ARTICLE_LIST_FIELDS = (
    "id", "pmid", "doi", "pmcid", "title", "journal_title", "journal_iso", "volume", "issue", "pages", "pub_year",
    "pub_month", "pub_day", "pub_date_text", "authors", "publication_types", "is_retracted", "synced_at",
)  # fmt: skip
CITATION_LIST_FIELDS = (
    "id", "review", "article", "relation", "position", "citation_text", "cited_pmid", "cited_doi", "cited_pmcid",
    "score",
)  # fmt: skip


def citation_list(*, review: Review | int, relation: str | None = None, brief: bool = False) -> QuerySet[Citation]:
    """Citations of a review: references in the review's order, citing papers newest first, similar by score.

    `brief` is the API's page: only what lists show of the articles (ARTICLE_LIST_FIELDS, a fraction of a row's
    bytes), fetched by a second query for the page's citations alone. Joined instead, PostgreSQL would join the
    articles of every citation that sorts level with the page (all 2,000 citing papers of a large review, which
    share relation and position) before cutting the page.
    """
    citations = Citation.objects.filter(review=review)
    if brief:
        articles = Article.objects.only(*ARTICLE_LIST_FIELDS)
        citations = citations.only(*CITATION_LIST_FIELDS).prefetch_related(Prefetch("article", queryset=articles))
    else:
        citations = citations.select_related("article")
    return citations_of_relation(citations, relation) if relation else citations.order_by("relation", "position", "pk")


def citations_of_relation(citations: QuerySet[Citation], relation: str) -> QuerySet[Citation]:
    """The citations of one relation, in that relation's own order."""
    citations = citations.filter(relation=relation)
    if relation == Citation.Relation.CITED_BY:
        return citations.order_by("-article__pub_year", "-article__pmid")
    if relation == Citation.Relation.SIMILAR:
        return citations.order_by("-score", "-article__pub_year", "article__pmid")
    return citations.order_by("position", "pk")


def citation_get(*, pk: int) -> Citation | None:
    return Citation.objects.select_related("article", "review__article").filter(pk=pk).first()


def citations_by_id(*, ids: list[int], review: Review | None = None) -> dict[int, Citation]:
    """The citations with these ids (of `review`, when given), keyed by id; missing ids are simply absent."""
    citations = Citation.objects.select_related("article")
    if review is not None:
        citations = citations.filter(review=review)
    return citations.in_bulk(ids)


def article_list(*, brief: bool = False) -> QuerySet[Article]:
    """Articles; `brief` reads only what lists show (ARTICLE_LIST_FIELDS)."""
    return Article.objects.only(*ARTICLE_LIST_FIELDS) if brief else Article.objects.all()


def article_get(*, pk: int) -> Article | None:
    """One article with its notices, for its page."""
    return Article.objects.prefetch_related("notices").filter(pk=pk).first()


def article_citing_reviews(*, article: Article) -> QuerySet[Citation]:
    """Where the article stands in the portal's public reviews: each review and relation it belongs to."""
    citations = article.citations.filter(review__archived_at__isnull=True)
    return citations.select_related("review__article").order_by("review", "relation")


def sync_run_list() -> QuerySet[SyncRun]:
    """Sync runs, newest first, with what their summaries show."""
    return SyncRun.objects.select_related("review__article", "started_by").order_by("-created_at", "-pk")


def sync_run_get(*, pk: int) -> SyncRun | None:
    return sync_run_list().filter(pk=pk).first()


def sync_run_latest(*, review: Review) -> SyncRun | None:
    return SyncRun.objects.filter(review=review).select_related("started_by").order_by("-created_at", "-pk").first()


def editor_alerts_open(*, review: Review) -> list[EditorAlert]:
    """Unacknowledged alerts about papers in this review's network."""
    return list(
        EditorAlert.objects.filter(acknowledged_at__isnull=True, article__citations__review=review)
        .select_related("article")
        .distinct()
        .order_by("-created_at")
    )


def articles_by_doi(dois: list[str]) -> dict[str, Article]:
    """Stored articles holding any of `dois`, keyed by the lower-cased DOI (a DOI is unique ignoring case)."""
    wanted = {doi.lower() for doi in dois if doi}
    if not wanted:
        return {}
    # doi <> '' is the unique index's condition: stating it lets the database use the index (articles_with_doi).
    holders = Article.objects.annotate(doi_lower=Lower("doi")).filter(doi_lower__in=wanted).exclude(doi="")
    return {article.doi_lower: article for article in holders}


def articles_with_doi(articles: QuerySet[Article], doi: str) -> QuerySet[Article]:
    """The articles holding `doi`, ignoring case; a doi.org URL or "doi:" prefix is dropped first.

    `doi__iexact` reads every row (PostgreSQL's UPPER(..) LIKE UPPER(..)). This states the unique index
    article_doi_unique_ci itself: LOWER(doi) compared with the lower-cased value, with its condition doi <> '',
    so PostgreSQL and SQLite answer from the index.
    """
    doi = normalise_doi(doi)
    if not doi:
        return articles.none()
    return articles.alias(doi_lower=Lower("doi")).filter(doi_lower=Lower(Value(doi))).exclude(doi="")


# --- lists held as JSON -----------------------------------------------------------------------------------------


class ListHas(Expression):
    """True where the JSON list `field` (a path such as "article__publication_types") holds `value`, ignoring
    case: a filter for lists that are stored inline rather than joined (publication types)."""

    output_field = BooleanField()

    def __init__(self, field: str, value: str) -> None:
        super().__init__()
        self.column = F(field)
        self.value = value

    def get_source_expressions(self) -> list:
        return [self.column]

    def set_source_expressions(self, expressions) -> None:
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"List filters need PostgreSQL or SQLite, not {connection.vendor}.")

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        items = f"jsonb_array_elements_text(CASE jsonb_typeof({column}) WHEN 'array' THEN {column} ELSE '[]' END)"
        return f"EXISTS (SELECT 1 FROM {items} AS item(value) WHERE lower(item.value) = lower(%s))", [
            *params, *params, *params, self.value,
        ]  # fmt: skip

    def as_sqlite(self, compiler, connection):
        column, params = compiler.compile(self.column)
        items = f"json_each(CASE WHEN json_type({column}) = 'array' THEN {column} ELSE '[]' END)"
        sql = f"EXISTS (SELECT 1 FROM {items} AS item WHERE item.type = 'text' AND lower(item.value) = lower(%s))"
        return sql, [*params, *params, *params, self.value]


def list_item_counts(queryset: QuerySet, field: str, *, limit: int) -> list[tuple[str, int]]:
    """The `limit` commonest items of the JSON list `field` over the rows of `queryset`, as (item, rows), most
    first: one aggregate query, for facets such as publication types."""
    try:
        sql, params = queryset.order_by().values(list_items=F(field)).query.sql_with_params()
    except EmptyResultSet:  # a queryset.none(), such as a query with nothing to look for
        return []
    vendor = connections[queryset.db].vendor
    column = "c.list_items"
    if vendor == "postgresql":
        items = f"jsonb_array_elements_text(CASE jsonb_typeof({column}) WHEN 'array' THEN {column} ELSE '[]' END)"
        source, wanted = f"{items} AS item(value)", "TRUE"
    elif vendor == "sqlite":
        items = f"json_each(CASE WHEN json_type({column}) = 'array' THEN {column} ELSE '[]' END)"
        source, wanted = f"{items} AS item", "item.type = 'text'"
    else:
        raise NotSupportedError(f"List counts need PostgreSQL or SQLite, not {vendor}.")
    counted = (
        f"SELECT item.value, COUNT(*) AS n FROM ({sql}) AS c, {source} WHERE {wanted} "
        f"GROUP BY item.value ORDER BY n DESC, item.value LIMIT %s"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(counted, [*params, limit])
        return [(value, count) for value, count in cursor.fetchall()]
