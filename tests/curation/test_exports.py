"""Annotation exports: one row or object per mechanism, facets with labels and identifiers, visitors see accepted."""

import csv
import io
import json

import pytest
from django.utils import timezone

from articles.models import Citation
from curation.models import Facet, MechanismAnnotation

from .factories import (
    ArticleFactory,
    CitationFactory,
    MechanismAnnotationFactory,
    ReviewFactory,
    curator,
    editor,
    term,
)

pytestmark = pytest.mark.django_db

REVIEW_PMID = 34852849
URL = f"/api/v1/reviews/{REVIEW_PMID}/annotations/export/"
State = MechanismAnnotation.State


def annotation(citation, state: str, terms=(), **fields) -> MechanismAnnotation:
    now = timezone.now()
    if state != State.DRAFT:
        fields.setdefault("submitted_at", now)
    if state in (State.ACCEPTED, State.REJECTED):
        fields.setdefault("reviewed_at", now)
    if state == State.REJECTED:
        fields.setdefault("review_comment", "Needs a figure.")
    return MechanismAnnotationFactory(citation=citation, state=state, terms=list(terms), **fields)


@pytest.fixture
def data():
    review = ReviewFactory(article=ArticleFactory(pmid=REVIEW_PMID))
    cited = ArticleFactory(pmid=31000001, doi="10.1000/mir21.1", pmcid="PMC7000001", title="<i>miR-21</i> in CAFs")
    reference = CitationFactory(review=review, article=cited, relation=Citation.Relation.REFERENCE, position=7)
    citing = CitationFactory(review=review, article=ArticleFactory(pmid=32000001, doi=""))
    accepted_terms = [
        term(Facet.CARGO_TYPE, "miRNA"),
        term(Facet.CARGO, "miR-21"),
        term(Facet.TARGET, "PTEN"),
        term(Facet.TARGET, "Wnt/β-catenin"),
        term(Facet.CANCER_TYPE, "gastric cancer"),
        term(Facet.EFFECT, "chemoresistance"),
        term(Facet.DIRECTION, "promotes"),
        term(Facet.DRUG, "cisplatin"),
        term(Facet.EVIDENCE, "in vitro"),
    ]
    first = annotation(
        reference,
        State.ACCEPTED,
        accepted_terms,
        quote="Exosomal miR-21 „confers“ cisplatin resistance via PTEN & β-catenin.",
        figure="Fig. 3B",
        confidence="high",
        notes="internal: check the blot",
        cell_lines="MKN45, AGS",
        evidence_level="in_vitro",
    )
    second = annotation(citing, State.ACCEPTED, [term(Facet.CARGO, "miR-522")], quote="Second.")
    author = curator("author-1")
    draft = annotation(reference, State.DRAFT, [term(Facet.CARGO, "miR-21")], author=author, quote="Draft only.")
    submitted = annotation(reference, State.SUBMITTED, [term(Facet.CARGO, "miR-21")], quote="Waiting.")
    rejected = annotation(reference, State.REJECTED, [term(Facet.CARGO, "miR-21")], quote="Rejected.")
    return {
        "review": review,
        "first": first,
        "second": second,
        "draft": draft,
        "author": author,
        "submitted": submitted,
        "rejected": rejected,
    }


def download(api_client, fmt: str, **params) -> str:
    response = api_client.get(URL, {"format": fmt, **params})
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode("utf-8")


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_visitors_get_accepted_mechanisms_as_csv_one_row_each(api_client, data):
    rows = read_csv(download(api_client, "csv"))
    assert [int(row["annotation_id"]) for row in rows] == [data["first"].pk, data["second"].pk], "references first"
    row = rows[0]
    assert (row["state"], row["review_pmid"], row["relation"], row["position"]) == (
        "accepted",
        "34852849",
        "reference",
        "7",
    )
    assert (row["pmid"], row["doi"], row["pmcid"], row["title"]) == (
        "31000001",
        "10.1000/mir21.1",
        "PMC7000001",
        "miR-21 in CAFs",
    )
    assert (row["cargo"], row["cargo_ids"]) == ("miR-21", "MIMAT0000076")
    assert (row["target"], row["target_ids"]) == ("PTEN; Wnt/β-catenin", "HGNC:9588; "), "ids in the labels' order"
    assert (row["cancer_type"], row["cancer_type_ids"]) == ("gastric cancer", "DOID:10534")
    assert (row["drug"], row["drug_ids"]) == ("cisplatin", "CHEBI:27899")
    assert (row["direction"], row["donor"], row["donor_ids"]) == ("promotes", "", "")
    assert row["quote"] == "Exosomal miR-21 „confers“ cisplatin resistance via PTEN & β-catenin."
    assert (row["figure"], row["confidence"]) == ("Fig. 3B", "high")
    assert (row["cell_lines"], row["animal_model"], row["evidence_level"]) == ("MKN45, AGS", "", "in_vitro")
    assert row["reviewed_at"].endswith("Z")
    assert "notes" not in row and "internal" not in json.dumps(rows), "curators' notes stay private"
    assert rows[1]["relation"] == "cited_by" and rows[1]["position"] == "" and rows[1]["doi"] == ""
    assert {facet for facet in Facet.values} <= set(row), "every facet is a column"


def test_visitors_get_accepted_mechanisms_as_json_with_identifiers(api_client, data):
    items = json.loads(download(api_client, "json"))
    assert [item["id"] for item in items] == [data["first"].pk, data["second"].pk]
    first = items[0]
    assert first["citation"] == {
        "review_pmid": REVIEW_PMID,
        "relation": "reference",
        "position": 7,
        "pmid": 31000001,
        "doi": "10.1000/mir21.1",
        "pmcid": "PMC7000001",
        "title": "miR-21 in CAFs",
    }
    assert set(first["facets"]) == set(Facet.values)
    cargo = first["facets"]["cargo"][0]
    assert (cargo["label"], cargo["identifier"], cargo["source"]) == ("miR-21", "MIMAT0000076", "miRBase")
    assert cargo["url"] == "https://www.mirbase.org/mature/MIMAT0000076"
    assert [t["label"] for t in first["facets"]["target"]] == ["PTEN", "Wnt/β-catenin"]
    assert first["facets"]["donor"] == []
    assert "notes" not in first


@pytest.mark.parametrize("state", ["draft", "submitted", "rejected"])
def test_visitors_never_get_unaccepted_mechanisms(api_client, data, state):
    assert json.loads(download(api_client, "json", state=state)) == []
    assert read_csv(download(api_client, "csv", state=state)) == []


def test_signed_in_people_get_what_the_visibility_rules_let_them_see(api_client, data):
    api_client.force_authenticate(editor("export-editor"))
    assert [i["id"] for i in json.loads(download(api_client, "json"))] == [data["first"].pk, data["second"].pk]
    assert [i["id"] for i in json.loads(download(api_client, "json", state="submitted"))] == [data["submitted"].pk]
    api_client.force_authenticate(data["author"])
    assert [i["id"] for i in json.loads(download(api_client, "json", state="draft"))] == [data["draft"].pk]
    api_client.force_authenticate(curator("someone-else"))
    assert json.loads(download(api_client, "json", state="draft")) == []


def test_annotation_export_names_and_errors(api_client, data):
    response = api_client.get(URL, {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="review-34852849-annotations.csv"'
    response = api_client.get(URL, {"format": "json", "state": "submitted"})
    assert response["Content-Disposition"] == 'attachment; filename="review-34852849-annotations-submitted.json"'
    unknown = api_client.get(URL, {"format": "xlsx"})
    assert unknown.status_code == 404 and set(unknown.json()) == {"detail", "errors"}
    bad_state = api_client.get(URL, {"format": "csv", "state": "published"})
    assert bad_state.status_code == 400 and "state" in bad_state.json()["errors"]
    missing = api_client.get("/api/v1/reviews/1/annotations/export/", {"format": "csv"})
    assert missing.status_code == 404 and missing.json() == {"detail": "No review with this PMID."}


def test_annotation_export_reads_a_flat_number_of_queries(api_client, data, django_assert_max_num_queries):
    for _ in range(20):
        annotation(data["first"].citation, State.ACCEPTED, [term(Facet.CARGO, "miR-21")])
    with django_assert_max_num_queries(8):
        rows = read_csv(download(api_client, "csv"))
    assert len(rows) == 22
