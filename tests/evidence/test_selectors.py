"""The evidence selectors against the database, on the data set of tests/evidence/dataset.py: numbers checked."""

import pytest

from evidence import selectors
from evidence.filters import EvidenceFilter
from tests.curation.factories import term

from .dataset import HIDDEN_LABELS

pytestmark = pytest.mark.django_db


def labels(facet_counts, facet: str) -> dict[str, int]:
    return {value.label: value.n for counts in facet_counts if counts.facet == facet for value in counts.values}


def test_only_accepted_annotations_are_public(dataset):
    assert set(selectors.accepted_annotations()) == set(dataset.mechanisms.values())


def test_summary_counts_mechanisms_papers_and_reviews(dataset):
    assert selectors.evidence_summary(selectors.accepted_annotations()) == {"mechanisms": 5, "papers": 4, "reviews": 1}


def test_facet_counts_count_mechanisms_per_term_and_leave_out_other_states(dataset):
    counts = selectors.evidence_facet_counts(selectors.accepted_annotations())
    assert labels(counts, "cargo") == {"miR-21": 3, "miR-522": 1, "lncRNA H19": 1}
    assert labels(counts, "cancer_type") == {"gastric cancer": 3, "colorectal cancer": 2}
    assert labels(counts, "direction") == {"promotes": 4, "suppresses": 1}
    assert not set(HIDDEN_LABELS) & {value.label for c in counts for value in c.values}


def test_two_facet_filters_narrow_to_both(dataset):
    filterset = EvidenceFilter({"cancer_type": "gastric cancer", "cargo": "miR-21"},
                               queryset=selectors.accepted_annotations())  # fmt: skip
    assert filterset.is_valid()
    assert set(filterset.qs) == {dataset.mechanisms["M2"], dataset.mechanisms["M5"]}
    assert selectors.evidence_summary(filterset.qs) == {"mechanisms": 2, "papers": 1, "reviews": 1}


def test_cargo_type_by_effect_matrix_counts_papers(dataset):
    matrix = selectors.evidence_matrix(selectors.accepted_annotations(), "cargo_type", "effect")
    cells = {(row["label"], column["label"]): n for row, columns in matrix.table() for column, n, _ in columns if n}
    assert cells == {
        ("miRNA", "chemoresistance"): 1,
        ("miRNA", "ferroptosis/apoptosis resistance"): 1,
        ("miRNA", "proliferation"): 2,
        ("miRNA", "EMT/invasion/migration"): 1,
        ("lncRNA", "stemness"): 1,
    }
    assert matrix.most == 2


def test_cancer_type_by_effect_matrix_counts_papers(dataset):
    matrix = selectors.evidence_matrix(selectors.accepted_annotations(), "cancer_type", "effect")
    assert matrix.cells[(term("cancer_type", "gastric cancer").pk, term("effect", "proliferation").pk)] == 1
    assert matrix.cells[(term("cancer_type", "colorectal cancer").pk, term("effect", "proliferation").pk)] == 1
    assert matrix.cells[(term("cancer_type", "colorectal cancer").pk, term("effect", "stemness").pk)] == 1
    assert sum(matrix.cells.values()) == 6


def test_network_weights_edges_by_papers_and_marks_disagreement(dataset):
    network = selectors.evidence_network(selectors.accepted_annotations())
    edges = {}
    labels_by_id = {node["data"]["id"]: node["data"]["label"] for node in network["nodes"]}
    for edge in network["edges"]:
        data = edge["data"]
        edges[(labels_by_id[data["source"]], labels_by_id[data["target"]])] = (
            data["papers"], data["promotes"], data["suppresses"], data["disagree"]
        )  # fmt: skip
    assert edges[("CAF (unspecified)", "miR-21")] == (2, 1, 1, True)
    assert edges[("miR-21", "PTEN")] == (2, 1, 1, True)
    assert edges[("PTEN", "proliferation")] == (2, 1, 1, True)
    assert edges[("PTEN", "EMT/invasion/migration")] == (1, 1, 0, False)
    assert edges[("miR-522", "ALOX15")] == (1, 1, 0, False)
    # No target: the cargo goes straight to its effect.
    assert edges[("lncRNA H19", "stemness")] == (1, 1, 0, False)
    assert ("miR-522", "chemoresistance") not in edges
    assert len(edges) == 10
    assert not set(HIDDEN_LABELS) & set(labels_by_id.values())


def test_network_follows_the_filters(dataset):
    gastric = EvidenceFilter({"cancer_type": "gastric cancer"}, queryset=selectors.accepted_annotations()).qs
    network = selectors.evidence_network(gastric)
    assert not any(edge["data"]["disagree"] for edge in network["edges"])


def test_citations_per_year_stack_references_and_citing_papers(dataset):
    assert selectors.citations_per_year(review=dataset.review) == [
        {"year": 2019, "reference": 1, "cited_by": 0},
        {"year": 2020, "reference": 1, "cited_by": 0},
        {"year": 2021, "reference": 1, "cited_by": 0},
        {"year": 2022, "reference": 0, "cited_by": 2},
    ]


def test_citation_evidence_gives_decisions_and_accepted_mechanisms_only(dataset):
    c = dataset.citations
    ids = [c["A1"].pk, c["A2"].pk, c["A3"].pk, c["S1"].pk]
    found = {row.citation_id: row for row in selectors.citation_evidence(review=dataset.review, citation_ids=ids)}
    assert found[c["A1"].pk].decision == "in_scope"
    assert found[c["A3"].pk].decision == "undecided"
    assert found[c["S1"].pk].decision == "out_of_scope"
    assert [m.pk for m in found[c["A2"].pk].mechanisms] == [dataset.mechanisms["M2"].pk, dataset.mechanisms["M5"].pk]
    assert [m.pk for m in found[c["A1"].pk].mechanisms] == [dataset.mechanisms["M1"].pk]  # not the draft


def test_term_pages_read_co_occurring_terms_by_papers(dataset):
    mir21 = selectors.term_by_label(facet="cargo", label="MIR-21")
    assert mir21 == term("cargo", "miR-21")
    assert selectors.evidence_summary(selectors.term_annotations(term=mir21)) == {
        "mechanisms": 3, "papers": 2, "reviews": 1
    }  # fmt: skip
    co = {c.facet: {v.label: v.n for v in c.values} for c in selectors.term_co_occurring(term=mir21)}
    assert co["target"] == {"PTEN": 2}
    assert co["cancer_type"] == {"colorectal cancer": 1, "gastric cancer": 1}
    assert "cargo" not in co


def test_a_merged_term_leads_to_the_term_it_became(dataset):
    survivor = term("cargo", "miR-21")
    merged = type(survivor).objects.create(facet="cargo", label="miR-21 old", status="merged", merged_into=survivor)
    assert selectors.term_by_label(facet="cargo", label=merged.label) == survivor
    assert selectors.term_by_label(facet="cargo", label="no such term") is None
