"""A visitor finds an accepted mechanism from the review page, the article page, the evidence browser (two facets)
and the term page; the pictures show the database's numbers and the network its disagreement. Headless Chromium,
not one Content-Security-Policy violation. Saves docs/screenshots/evidence-*.png with CAFEX_SCREENSHOTS=1."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import Article
from evidence import selectors
from tests.evidence.dataset import HIDDEN_LABELS, REVIEW_PMID, build

from .test_csp import watched

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ABSTRACT = [
    {"label": "Background", "category": "BACKGROUND", "text": "Cancer-associated fibroblasts (CAFs) release exosomes "
     "that carry nucleic acids, proteins and metabolites to cancer cells and to immune cells of the tumour. " * 3},
    {"label": "Conclusion", "category": "CONCLUSIONS", "text": "CAF-derived exosomes are candidate targets."},
]  # fmt: skip


def test_a_visitor_finds_an_accepted_mechanism_everywhere(new_page, screenshot):
    data = build()
    Article.objects.filter(pk=data.review.article_id).update(abstract=ABSTRACT)
    m2 = data.mechanisms["M2"]
    chip = "miR-21 → PTEN → promotes proliferation · gastric cancer"
    visitor = watched(new_page)
    page = visitor.page

    # The review page: each citation's decision and chips; the Mechanisms tab lists them all.
    visitor.visit(f"/reviews/{REVIEW_PMID}/", ready=f"#evidence-citation-{data.citations['A2'].pk} .chip")
    row = page.locator(f"#evidence-citation-{data.citations['A2'].pk}")
    expect(row.locator(".chip").first).to_have_text(chip)
    expect(row.locator(".decision")).to_have_text("In scope")
    expect(page.locator("#mechanism-count")).to_have_text("5")
    expect(page.locator(".abstract-body")).to_be_visible()
    for label in HIDDEN_LABELS:
        expect(page.get_by_text(label)).to_have_count(0)
    screenshot(page, "evidence-review")
    page.get_by_role("link", name="Mechanisms").click()
    expect(page.locator("#review-mechanisms .mechanism")).to_have_count(5)
    visitor.assert_clean("the Mechanisms tab")

    # The article page, from the review's Mechanisms tab.
    page.locator(f"#mechanism-{m2.pk} a.title").click()
    expect(page.locator(f"#article-mechanisms #mechanism-{m2.pk} .chip")).to_have_text(chip)
    expect(page.locator(f"#article-mechanisms #mechanism-{m2.pk} .quote")).to_contain_text("Fig. 2A")
    visitor.assert_clean("the article page")
    screenshot(page, "evidence-article")

    # The evidence browser, filtered by two facets, one click each.
    visitor.visit("/evidence/", ready=".mechanism")
    page.locator("[data-facet=cancer_type]").get_by_role("link", name="gastric cancer").click()
    page.locator("[data-facet=cargo]").get_by_role("link", name="miR-21").click()
    expect(page.locator("#evidence-summary [data-mechanisms]")).to_have_text("2")
    expect(page.locator(f"#mechanism-{m2.pk}")).to_be_visible()
    visitor.assert_clean("the filtered browser")
    screenshot(page, "evidence-browser")

    # The term page, from a term of the mechanism; its identifier links to miRBase.
    page.locator(f"#mechanism-{m2.pk}").get_by_role("link", name="miR-21", exact=True).click()
    expect(page.locator("h1")).to_have_text("miR-21")
    expect(page.get_by_role("link", name="MIMAT0000076")).to_have_attribute(
        "href", "https://www.mirbase.org/mature/MIMAT0000076"
    )
    expect(page.locator(f"#mechanism-{m2.pk}")).to_be_visible()
    visitor.assert_clean("the term page")
    screenshot(page, "evidence-term")

    # The pictures: bars, matrix cells and network from the same numbers as the database.
    visitor.visit("/evidence/pictures/", ready="#network[data-ready=true]")
    for year in selectors.citations_per_year(review=data.review):
        bar = page.locator(f".year-chart [data-year='{year['year']}']")
        expect(bar).to_have_attribute("data-reference", str(year["reference"]))
        expect(bar).to_have_attribute("data-cited-by", str(year["cited_by"]))
    accepted = selectors.accepted_annotations()
    for rows, columns in (("cargo_type", "effect"), ("cancer_type", "effect")):
        matrix = selectors.evidence_matrix(accepted, rows, columns)
        shown = page.locator(f"#matrix-{rows} td[data-papers]:not([data-papers='0'])")
        expect(shown).to_have_count(len(matrix.cells))
        for row, cells in matrix.table():
            for column, n, _ in cells:
                if n:
                    cell = page.locator(
                        f"#matrix-{rows} td[data-row='{row['label']}'][data-column='{column['label']}']"
                    )
                    expect(cell).to_have_attribute("data-papers", str(n))
    network = selectors.evidence_network(accepted)
    graph = page.locator("#network")
    expect(graph).to_have_attribute("data-nodes", str(len(network["nodes"])))
    expect(graph).to_have_attribute("data-edges", str(len(network["edges"])))
    expect(graph).to_have_attribute("data-disagreements", "3")
    page.locator("#matrix-cargo_type").evaluate("(section) => section.scrollIntoView()")
    screenshot(page, "evidence-matrices")
    # A click on the disagreement edge miR-21 → PTEN lists its papers.
    page.evaluate(
        "() => window.cafexNetwork.edges('[?disagree]').filter((e) => e.source().data('label') === 'miR-21')"
        ".emit('tap')"
    )
    panel = page.locator("#network-edge")
    expect(panel).to_contain_text("2 papers: 1 say promotes, 1 say suppresses. The papers disagree.")
    expect(panel.locator(".edge-papers li")).to_have_count(2)
    # Both exports download a picture; the SVG draws the disagreement dashed.
    with page.expect_download() as svg:
        page.locator("#network-svg").click()
    drawing = Path(svg.value.path()).read_text()
    assert drawing.startswith("<svg") and 'stroke-dasharray="8 5"' in drawing and ">PTEN</text>" in drawing
    with page.expect_download() as png:
        page.locator("#network-png").click()
    assert png.value.suggested_filename == "cafex-mechanism-network.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.locator("#network-section").evaluate("(section) => section.scrollIntoView()")
    screenshot(page, "evidence-network")
    page.locator("#citations-per-year").evaluate("(section) => section.scrollIntoView()")
    screenshot(page, "evidence-citations-per-year")
    visitor.assert_clean("the pictures")

    # A matrix cell opens the browser filtered to it.
    page.locator("#matrix-cargo_type td[data-row='miRNA'][data-column='proliferation'] a").click()
    expect(page.locator("#evidence-summary")).to_contain_text("from 2 papers")
    visitor.assert_clean("the browser from a matrix cell")
