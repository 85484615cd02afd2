"""The evidence API: the browser's filters, counts and the pictures' data, accepted annotations only."""

import csv
import io
import json

import pytest

from tests.curation.factories import term

from .dataset import HIDDEN_LABELS, REVIEW_PMID, accepted

pytestmark = pytest.mark.django_db


def test_list_has_the_browsers_filters(api_client, dataset):
    response = api_client.get("/api/v1/evidence/", {"cancer_type": "gastric cancer", "cargo": "miR-21"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {row["id"] for row in body["results"]} == {dataset.mechanisms["M2"].pk, dataset.mechanisms["M5"].pk}
    row = body["results"][0]
    assert row["state"] == "accepted"
    assert row["citation"]["review_pmid"] == REVIEW_PMID
    assert row["facets"]["cargo"][0]["identifier"] == "MIMAT0000076"
    assert row["paper_url"].startswith(f"/articles/{dataset.papers['A2'].pk}/#mechanism-")
    assert "notes" not in row and "author" not in row


def test_list_never_shows_other_states_even_to_editors(api_client, dataset):
    from tests.factories import editor

    api_client.force_authenticate(editor())
    body = api_client.get("/api/v1/evidence/", {"page_size": 100}).json()
    assert body["count"] == 5
    assert not set(HIDDEN_LABELS) & {t["label"] for row in body["results"] for t in row["facets"]["cargo"]}


@pytest.mark.parametrize(
    "query", [{"review": "0"}, {"year_min": "abc"}, {"sort": "x"}, {"relation": "x"}, {"pmid": "²"}]
)
def test_bad_filters_are_400_naming_the_field(api_client, dataset, query):
    response = api_client.get("/api/v1/evidence/", query)
    assert response.status_code == 400
    assert list(query)[0] in response.json()["errors"]


def test_list_queries_stay_flat(api_client, dataset, django_assert_max_num_queries):
    for _ in range(15):
        accepted(dataset.citations["A3"], cargo="miR-21", effect="metastasis", direction="promotes")
    with django_assert_max_num_queries(6):
        body = api_client.get("/api/v1/evidence/", {"page_size": 100}).json()
    assert body["count"] == 20


def test_facets(api_client, dataset):
    body = api_client.get("/api/v1/evidence/facets/", {"cargo_type": "miRNA"}).json()
    assert (body["mechanisms"], body["papers"], body["reviews"]) == (4, 3, 1)
    cancer = next(f for f in body["facets"] if f["facet"] == "cancer_type")
    assert {v["label"]: v["n"] for v in cancer["values"]} == {"gastric cancer": 3, "colorectal cancer": 1}


def test_matrix(api_client, dataset):
    body = api_client.get("/api/v1/evidence/matrix/", {"rows": "cancer_type", "columns": "effect"}).json()
    cells = {(c["row"], c["column"]): c["papers"] for c in body["cells"]}
    assert cells[(term("cancer_type", "gastric cancer").pk, term("effect", "proliferation").pk)] == 1
    assert sum(cells.values()) == 6
    assert api_client.get("/api/v1/evidence/matrix/", {"rows": "effect", "columns": "effect"}).status_code == 400
    assert api_client.get("/api/v1/evidence/matrix/", {"rows": "colour"}).status_code == 400


def test_network_with_filters(api_client, dataset):
    body = api_client.get("/api/v1/evidence/network/").json()
    assert sum(edge["data"]["disagree"] for edge in body["edges"]) == 3
    colorectal = api_client.get("/api/v1/evidence/network/", {"cancer_type": "colorectal cancer"}).json()
    assert {node["data"]["label"] for node in colorectal["nodes"]} == {
        "CAF (unspecified)", "miR-21", "PTEN", "proliferation", "lncRNA H19", "stemness"
    }  # fmt: skip


def test_citations_per_year(api_client, dataset):
    response = api_client.get(f"/api/v1/reviews/{REVIEW_PMID}/citations-per-year/")
    assert response.json()[-1] == {"year": 2022, "reference": 0, "cited_by": 2}
    assert api_client.get("/api/v1/reviews/1/citations-per-year/").status_code == 404


def test_schema_shows_the_filters(api_client, db):
    schema = api_client.get("/api/v1/schema/?format=json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/evidence/"]["get"]["parameters"]}
    assert {"cancer_type", "cargo", "recipient_cell", "year_min", "sort", "review"} <= parameters


@pytest.mark.parametrize("action", ["facets", "matrix", "network"])
def test_counts_and_pictures_take_a_fixed_number_of_queries(api_client, dataset, django_assert_max_num_queries, action):
    url = f"/api/v1/evidence/{action}/"
    api_client.get(url)
    with django_assert_max_num_queries(10) as before:
        api_client.get(url, {"cargo_type": "miRNA"})
    for _ in range(10):
        accepted(dataset.citations["A4"], cargo_type="miRNA", cargo="miR-21", donor="CAF (unspecified)",
                 target="PTEN", effect="metastasis", direction="suppresses")  # fmt: skip
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert api_client.get(url, {"cargo_type": "miRNA"}).status_code == 200


def _download(api_client, **params) -> str:
    response = api_client.get("/api/v1/evidence/export/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"].startswith('attachment; filename="evidence.')
    return b"".join(response.streaming_content).decode()


def test_the_export_holds_the_browsers_rows_for_the_same_filters(api_client, dataset):
    rows = list(
        csv.DictReader(io.StringIO(_download(api_client, format="csv", cancer_type="gastric cancer", cargo="miR-21")))
    )
    assert {int(row["annotation_id"]) for row in rows} == {dataset.mechanisms["M2"].pk, dataset.mechanisms["M5"].pk}
    assert {row["state"] for row in rows} == {"accepted"} and rows[0]["cargo_ids"] == "MIMAT0000076"
    everything = json.loads(_download(api_client, format="json"))
    assert len(everything) == 5  # the accepted ones only
    assert not set(HIDDEN_LABELS) & {t["label"] for item in everything for t in item["facets"]["cargo"]}


def test_the_export_refuses_bad_filters_and_formats(api_client, dataset):
    assert api_client.get("/api/v1/evidence/export/", {"format": "csv", "year_min": "abc"}).status_code == 400
    assert api_client.get("/api/v1/evidence/export/", {"format": "docx"}).status_code == 404


def test_the_browser_offers_its_rows_as_files(client, dataset):
    page = client.get("/evidence/", {"cancer_type": "gastric cancer"}).content.decode()
    assert 'href="/api/v1/evidence/export/?cancer_type=gastric+cancer&amp;format=csv"' in page
