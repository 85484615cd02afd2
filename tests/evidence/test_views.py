"""The evidence pages and the fragments the review and article pages load: what they show, what they hide, bad input."""

import pytest
from django.urls import reverse

from tests.curation.factories import term

from .dataset import HIDDEN_LABELS, REVIEW_PMID, accepted

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def assert_nothing_hidden(response) -> None:
    for label in HIDDEN_LABELS:
        assert label not in text(response)


def test_browser_lists_every_accepted_mechanism_with_counts_per_facet(client, dataset):
    response = client.get("/evidence/")
    assert response.status_code == 200
    assert response.context["summary"] == {"mechanisms": 5, "papers": 4, "reviews": 1}
    assert len(response.context["page"].object_list) == 5
    cargo = next(c for c in response.context["facets"] if c.facet == "cargo")
    assert {v.label: v.n for v in cargo.values} == {"miR-21": 3, "miR-522": 1, "lncRNA H19": 1}
    assert_nothing_hidden(response)


def test_browser_filtered_by_two_facets_links_paper_quote_and_review_position(client, dataset):
    gastric, mir21 = term("cancer_type", "gastric cancer"), term("cargo", "miR-21")
    response = client.get("/evidence/", {"cancer_type": gastric.pk, "cargo": "miR-21"})
    assert response.status_code == 200
    shown = {annotation.pk for annotation in response.context["page"].object_list}
    assert shown == {dataset.mechanisms["M2"].pk, dataset.mechanisms["M5"].pk}
    page = text(response)
    paper = dataset.papers["A2"]
    citation = dataset.citations["A2"]
    assert f"/articles/{paper.pk}/#mechanism-{dataset.mechanisms['M2'].pk}" in page
    assert f"/reviews/{REVIEW_PMID}/?tab=reference&amp;citation={citation.pk}#citation-{citation.pk}" in page
    assert "Reference #2" in page
    assert f"/terms/cargo/{mir21.label}/" in page
    # The chosen value is marked, and its link removes it.
    cargo = next(c for c in response.context["facets"] if c.facet == "cargo")
    assert [v.label for v in cargo.values if v.active] == ["miR-21"]


@pytest.mark.parametrize("sort", ["newest", "oldest", "review", "accepted", "journal"])
def test_browser_sorts(client, dataset, sort):
    response = client.get("/evidence/", {"sort": sort})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 5


def test_browser_sorts_oldest_paper_first(client, dataset):
    response = client.get("/evidence/", {"sort": "oldest"})
    years = [a.citation.article.pub_year for a in response.context["page"].object_list]
    assert years == sorted(years) and years[0] == 2019


@pytest.mark.parametrize(
    "query",
    [{"review": "-1"}, {"review": "abc"}, {"year_min": "20x"}, {"year_max": "99999"}, {"sort": "bogus"},
     {"relation": "friend"}, {"pmid": "1.5"}],
)  # fmt: skip
def test_browser_answers_bad_filters_with_400(client, dataset, query):
    response = client.get("/evidence/", query)
    assert response.status_code == 400
    assert list(query)[0] in text(response)


def test_browser_queries_stay_flat_as_rows_grow(client, dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get("/evidence/")
    for _ in range(20):
        accepted(dataset.citations["A3"], cargo_type="miRNA", cargo="miR-21", effect="metastasis",
                 direction="promotes", evidence="in vitro")  # fmt: skip
    with django_assert_max_num_queries(12):
        response = client.get("/evidence/")
    assert response.context["summary"]["mechanisms"] == 25


def test_term_page_shows_papers_identifier_and_co_occurring_terms(client, dataset):
    response = client.get("/terms/cancer_type/gastric cancer/")
    assert response.status_code == 200
    page = text(response)
    assert 'href="https://disease-ontology.org/?id=DOID:10534"' in page
    assert response.context["summary"] == {"mechanisms": 3, "papers": 2, "reviews": 1}
    assert "/terms/target/PTEN/" in page
    assert_nothing_hidden(response)


def test_term_page_links_each_identifier_source(client, dataset):
    cases = {
        ("cargo", "miR-21"): "https://www.mirbase.org/mature/MIMAT0000076",
        ("target", "PTEN"): "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:9588",
        ("recipient_cell", "cancer cell"): "http://purl.obolibrary.org/obo/CL_0001064",
        ("drug", "cisplatin"): "https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:27899",
    }
    for (facet, label), url in cases.items():
        response = client.get(reverse("evidence-term", args=[facet, label]))
        assert response.status_code == 200
        assert f'href="{url}"' in text(response)


def test_term_page_with_a_slash_in_the_label(client, dataset):
    response = client.get(reverse("evidence-term", args=["effect", "EMT/invasion/migration"]))
    assert response.status_code == 200
    assert response.context["summary"]["mechanisms"] == 1


@pytest.mark.parametrize("url", ["/terms/colour/red/", "/terms/cargo/no such term/", "/terms/cargo/miR-DRAFTONLY/"])
def test_term_page_404(client, dataset, url):
    response = client.get(url)
    if url.endswith("miR-DRAFTONLY/"):
        # The term exists in the vocabulary, but no accepted mechanism holds it: the page says so, nothing more.
        assert response.status_code == 200
        assert response.context["summary"]["mechanisms"] == 0
    else:
        assert response.status_code == 404


def test_review_chips_fragment_swaps_decisions_and_chips_into_each_citation(client, dataset):
    c = dataset.citations
    ids = ",".join(str(c[name].pk) for name in ("A1", "A2", "A3", "S1"))
    response = client.get(f"/evidence/reviews/{REVIEW_PMID}/chips/", {"ids": ids})
    assert response.status_code == 200
    page = text(response)
    assert f'id="evidence-citation-{c["A2"].pk}" hx-swap-oob="innerHTML"' in page
    assert "miR-21 → PTEN → promotes proliferation · gastric cancer" in page
    assert "miR-522 → ALOX15 → promotes ferroptosis/apoptosis resistance, chemoresistance · gastric cancer" in page
    assert "Out of scope" in page and "In scope" in page
    assert '<span id="mechanism-count" hx-swap-oob="innerHTML">5</span>' in page
    assert_nothing_hidden(response)


@pytest.mark.parametrize("ids", ["1,x", "-3", "1," * 201])
def test_review_chips_fragment_refuses_bad_ids(client, dataset, ids):
    assert client.get(f"/evidence/reviews/{REVIEW_PMID}/chips/", {"ids": ids}).status_code == 400


def test_fragments_404_for_unknown_review_and_article(client, dataset):
    assert client.get("/evidence/reviews/1/chips/", {"ids": "1"}).status_code == 404
    assert client.get("/evidence/reviews/1/mechanisms/").status_code == 404
    assert client.get("/evidence/articles/999999999/mechanisms/").status_code == 404


def test_review_mechanisms_tab_lists_them_in_review_order(client, dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(f"/evidence/reviews/{REVIEW_PMID}/mechanisms/")
    m = dataset.mechanisms
    assert [a.pk for a in response.context["annotations"]] == [m[n].pk for n in ("M3", "M1", "M2", "M5", "M4")]
    assert_nothing_hidden(response)


def test_article_mechanisms_fragment(client, dataset):
    response = client.get(f"/evidence/articles/{dataset.papers['A1'].pk}/mechanisms/")
    assert response.status_code == 200
    page = text(response)
    assert f'id="mechanism-{dataset.mechanisms["M1"].pk}"' in page
    assert "Fig. 2A" in page and "Exosomal cargo from CAFs changed the recipient cells." in page
    assert f"Reference #1 of review PMID {REVIEW_PMID}" in page
    assert_nothing_hidden(response)


def test_pictures_page_draws_numbers_from_the_database(client, dataset):
    response = client.get("/evidence/pictures/")
    assert response.status_code == 200
    page = text(response)
    assert 'data-year="2022" data-reference="0" data-cited-by="2"' in page
    assert 'data-row="miRNA" data-column="proliferation" data-papers="2"' in page
    assert 'data-row="colorectal cancer" data-column="stemness" data-papers="1"' in page
    miRNA, proliferation = term("cargo_type", "miRNA"), term("effect", "proliferation")
    assert f"/evidence/?cargo_type={miRNA.pk}&amp;effect={proliferation.pk}" in page
    assert_nothing_hidden(response)


def test_pictures_page_refuses_bad_filters(client, dataset):
    assert client.get("/evidence/pictures/", {"year_min": "x"}).status_code == 400


def test_review_page_slots_and_filters(client, dataset):
    response = client.get(f"/reviews/{REVIEW_PMID}/")
    page = text(response)
    assert f'hx-get="/evidence/reviews/{REVIEW_PMID}/chips/?ids=' in page
    assert f'id="evidence-citation-{dataset.citations["A1"].pk}"' in page
    assert "?tab=mechanisms" in page
    assert 'class="abstract-more"' in page or not dataset.review.article.abstract
    response = client.get(f"/reviews/{REVIEW_PMID}/", {"status": "mechanisms"})
    assert [c.article.pk for c in response.context["page"]] == [dataset.papers[n].pk for n in ("A1", "A2", "A4")]
    response = client.get(f"/reviews/{REVIEW_PMID}/", {"tab": "cited_by", "status": "undecided"})
    assert {c.article.pk for c in response.context["page"]} == {dataset.papers["A3"].pk, dataset.papers["A5"].pk}
    response = client.get(f"/reviews/{REVIEW_PMID}/", {"year_min": 2020, "sort": "oldest"})
    assert [c.article.pub_year for c in response.context["page"]] == [2020, 2021]
    response = client.get(f"/reviews/{REVIEW_PMID}/", {"tab": "mechanisms"})
    assert f'hx-get="/evidence/reviews/{REVIEW_PMID}/mechanisms/"' in text(response)


def test_review_page_opens_the_page_holding_a_citation(client, dataset):
    citation = dataset.citations["A3"]
    response = client.get(f"/reviews/{REVIEW_PMID}/", {"tab": "cited_by", "citation": citation.pk})
    assert response.status_code == 200
    assert citation in response.context["page"].object_list
    assert client.get(f"/reviews/{REVIEW_PMID}/", {"citation": "x"}).status_code == 400


def test_review_page_drops_a_bad_filter_and_says_so(client, dataset):
    response = client.get(f"/reviews/{REVIEW_PMID}/", {"year_min": "abc", "status": "nonsense"})
    assert response.status_code == 200
    assert "Left out" in text(response)
    assert len(response.context["page"].object_list) == 3


def test_article_page_has_the_mechanisms_slot(client, dataset):
    response = client.get(f"/articles/{dataset.papers['A1'].pk}/")
    assert f'hx-get="/evidence/articles/{dataset.papers["A1"].pk}/mechanisms/"' in text(response)


def test_an_archived_reviews_mechanisms_leave_every_public_page(client, api_client, dataset):
    from django.utils import timezone

    type(dataset.review).objects.filter(pk=dataset.review.pk).update(archived_at=timezone.now())
    assert client.get("/evidence/").context["summary"]["mechanisms"] == 0
    assert client.get("/terms/cargo/miR-21/").context["summary"]["mechanisms"] == 0
    assert client.get(f"/evidence/reviews/{REVIEW_PMID}/chips/", {"ids": "1"}).status_code == 404
    assert api_client.get("/api/v1/evidence/").json()["count"] == 0
    assert api_client.get("/api/v1/evidence/network/").json() == {"nodes": [], "edges": []}


def test_review_page_filters_by_journal(client, dataset):
    response = client.get(f"/reviews/{REVIEW_PMID}/", {"journal": "synthetic test"})
    assert len(response.context["page"].object_list) == 3
    response = client.get(f"/reviews/{REVIEW_PMID}/", {"journal": "Nature"})
    assert len(response.context["page"].object_list) == 0


@pytest.mark.parametrize(
    "url",
    ["/evidence/pictures/", "/terms/cancer_type/gastric cancer/", f"/evidence/reviews/{REVIEW_PMID}/mechanisms/"],
)
def test_pages_queries_stay_flat_as_mechanisms_grow(client, dataset, django_assert_max_num_queries, url):
    client.get(url)  # the session and the vocabulary's first reads
    with django_assert_max_num_queries(12) as before:
        client.get(url)
    for name in ("A1", "A3", "A4", "A5"):
        for _ in range(5):
            accepted(dataset.citations[name], cargo_type="miRNA", cargo="miR-21", donor="CAF (unspecified)",
                     cancer_type="gastric cancer", target="PTEN", effect="metastasis", direction="promotes")  # fmt: skip
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_browser_narrows_by_year_relation_and_review(client, dataset):
    response = client.get("/evidence/", {"year_min": 2021, "relation": "reference", "review": REVIEW_PMID})
    assert {a.pk for a in response.context["page"]} == {dataset.mechanisms["M2"].pk, dataset.mechanisms["M5"].pk}
    assert 'name="year_min" value="2021"' in text(response)
    assert client.get("/evidence/", {"review": 12345}).context["summary"]["mechanisms"] == 0
