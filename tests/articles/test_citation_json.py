"""The citation list built as JSON by PostgreSQL (articles.citation_json) is the serializer's, field for field."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from articles.citation_json import citations_as_api_json
from articles.models import Citation
from articles.selectors import citation_list
from articles.serializers import CitationSerializer
from cafex_portal.renderers import RawJSON

from .factories import ArticleFactory, CitationFactory, ReviewFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the page is built by PostgreSQL"),
]


def serialised(review, **filters) -> list[dict]:
    rows = citation_list(review=review, brief=True, **filters)
    return json.loads(json.dumps(CitationSerializer(rows, many=True).data))


def built(review, **filters) -> list[dict]:
    ids = list(citation_list(review=review, **filters).values_list("id", flat=True))
    page = citations_as_api_json(ids)
    return json.loads(page) if isinstance(page, RawJSON) else page


def test_every_field_as_the_serializer_gives_it():
    review = ReviewFactory()
    when = dt.datetime(2026, 3, 1, 9, 30, 5, 120000, tzinfo=dt.UTC)
    odd_authors = [
        {"last_name": "Zhu", "fore_name": "Hong-Jian", "initials": "HJ", "collective_name": ""},
        {"collective_name": "The CAF Consortium"},
        {"last_name": "", "fore_name": "Madonna", "initials": ""},
        {"last_name": "Dijke", "initials": None},
        {"last_name": 'O\'Brien "Jr"', "fore_name": "Séan", "initials": "S", "affiliations": ["Dublin"]},
        {},
    ]
    rows = [
        dict(
            title="<i>KRAS</i>-driven CO<sub>2</sub> &amp; &lt;script&gt; &nbsp;Ångström",
            authors=odd_authors,
            synced_at=when,
            is_retracted=True,
            publication_types=["Journal Article", "Retracted Publication"],
        ),
        dict(
            title="Plain title",
            journal_title="",
            journal_iso="Mol Cancer",
            synced_at=when.replace(microsecond=0),
            pub_month=None,
            pub_day=None,
            pub_date_text="2021 Winter",
            authors=[],
        ),
        dict(title="Entities &eacute;t&#233; &#x27;quoted&#39; \\ back\tslash \u2028", synced_at=None, pub_year=None),
        dict(title="", doi="", pmcid="", volume="", issue="", pages="", publication_types=[]),
    ]
    for position, fields in enumerate(rows, start=1):
        CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position,
                        article=ArticleFactory(**fields))  # fmt: skip
    CitationFactory(review=review, article=None, relation=Citation.Relation.REFERENCE, position=5,
                    citation_text="Unresolved, 2020.", cited_pmid=None, cited_doi="10.1/x")  # fmt: skip
    for score in (0.1 + 0.2, 34592301.0, 2.0, 1e-07, 123456789012345.0):  # NCBI's similarity scores are whole
        CitationFactory(review=review, relation=Citation.Relation.SIMILAR, score=score)
    CitationFactory(review=review, relation=Citation.Relation.CITED_BY, score=None)

    expected = serialised(review)
    assert len(expected) == 11
    assert built(review) == expected
    # Written out again, the same text: the same keys in the same order, and 2.0 a float as Python writes it.
    assert json.dumps(built(review)) == json.dumps(expected)
    first = next(row["article"] for row in built(review) if row["position"] == 1)
    assert first["title"] == "KRAS-driven CO2 & <script> \xa0Ångström"
    assert first["authors"] == ["Zhu HJ", "The CAF Consortium", "Madonna", "Dijke", 'O\'Brien "Jr" S', ""]
    assert first["synced_at"] == "2026-03-01T09:30:05.120000Z"


def test_order_is_the_ids_order():
    review = ReviewFactory()
    for year in (2019, 2023, 2021):
        CitationFactory(review=review, relation=Citation.Relation.CITED_BY, article__pub_year=year)
    expected = serialised(review, relation=Citation.Relation.CITED_BY)
    assert [row["article"]["year"] for row in expected] == [2023, 2021, 2019]
    assert built(review, relation=Citation.Relation.CITED_BY) == expected
    assert citations_as_api_json([]) == "[]"


def test_titles_as_the_sync_stores_them_stay_in_the_database_and_others_are_finished_in_python():
    review = ReviewFactory()
    stored = "<i>TGF-&beta;</i>"  # not the sanitiser's output: it writes the character itself
    CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=1,
                    article__title="CAF <i>miR-21</i> &amp; <sup>2</sup> &lt;b&gt; &nbsp;x")  # fmt: skip
    ids = list(citation_list(review=review).values_list("id", flat=True))
    page = citations_as_api_json(ids)
    assert isinstance(page, RawJSON)
    assert json.loads(page)[0]["article"]["title"] == "CAF miR-21 & 2 <b> \xa0x"
    CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=2, article__title=stored)
    ids = list(citation_list(review=review).values_list("id", flat=True))
    page = citations_as_api_json(ids)
    assert not isinstance(page, RawJSON)
    assert page[1]["article"]["title"] == "TGF-\u03b2"
    assert page == serialised(review)


_PIECES = list("aZé <>&;#x/ib\"'\\\t\n") + [
    "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "<i>", "</i>", "<sup>", "</sub>", "<B>", "&#233;", "&nbsp", "<!--",
    "<br/>", "&amp;lt;",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)
_AUTHOR = st.fixed_dictionaries(
    {},
    optional={key: st.one_of(st.none(), _TEXT) for key in ("last_name", "fore_name", "initials", "collective_name")},
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_TEXT, authors=st.lists(_AUTHOR, max_size=4), journal=_TEXT, micro=st.integers(0, 999_999))
def test_any_title_and_authors(title, authors, journal, micro):
    review = ReviewFactory()
    synced = dt.datetime(2025, 1, 2, 3, 4, 5, micro, tzinfo=dt.UTC)
    article = ArticleFactory(title=title, authors=authors, journal_title=journal, synced_at=synced)
    CitationFactory(review=review, article=article, relation=Citation.Relation.REFERENCE, position=1)
    assert built(review) == serialised(review)


def test_the_api_page_is_the_serializers_page_with_a_flat_query_count():
    review = ReviewFactory()
    for position in range(1, 8):
        CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position)
    for year in (2020, 2022):
        CitationFactory(review=review, relation=Citation.Relation.CITED_BY, article__pub_year=year)
    url = f"/api/v1/reviews/{review.article.pmid}/citations/"
    client = APIClient()

    def page(params: dict, address: str = url) -> tuple[dict, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address, params)
        assert response.status_code == 200, response.content
        return response.json(), len(queries)

    body, small = page({"page_size": 2, "page": 2})
    assert body["count"] == 9 and body["next"] and body["previous"]
    assert body["results"] == serialised(review)[2:4]
    body, large = page({"page_size": 100})
    assert body["results"] == serialised(review)
    assert small == large
    body, _ = page({"relation": "cited_by"})
    assert body["results"] == serialised(review, relation=Citation.Relation.CITED_BY)
    body, _ = page({"pagination": "cursor", "page_size": 4})
    assert "count" not in body and body["next"]
    assert body["results"] == sorted(serialised(review), key=lambda row: row["id"])[:4]
    body, _ = page({}, body["next"])
    assert body["results"] == sorted(serialised(review), key=lambda row: row["id"])[4:8]
    response = client.get(url, {"page_size": 3}, HTTP_ACCEPT="text/html")  # the browsable API shows the same page
    assert response.status_code == 200 and b"Exosomal cargo study" in response.content
    indented = client.get(url, {"page_size": 3}, HTTP_ACCEPT="application/json; indent=4")  # laid out for people
    assert indented.json()["results"] == serialised(review)[:3]
    assert b'\n            "relation": "reference"' in indented.content


def test_an_unknown_or_archived_review_is_named_whatever_page_is_asked_for():
    review = ReviewFactory(archived_at="2026-01-01T00:00:00Z")
    CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=1)
    for pmid in (review.article.pmid, 99_999_999):
        for params in ({}, {"page": 2}, {"page": "last"}, {"page_size": 1, "page": 7}):
            response = APIClient().get(f"/api/v1/reviews/{pmid}/citations/", params)
            assert response.status_code == 404 and response.json()["detail"] == "No review with this PMID.", params
