"""Screening 30 citations in a row from the queue by keyboard, at most two keys each, without a page load.

The server's time per decision (its Server-Timing header) is printed, with the median; the figure goes to
docs/benchmarks.md. Nothing here asserts a time: a timed assert fails on a busy machine, not on slow code.
"""

import statistics

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from playwright.sync_api import expect

from articles.models import Citation
from curation.models import ScreeningDecision, Term
from curation.vocabulary_seed import seed_vocabulary
from tests.curation.factories import ArticleFactory, CitationFactory, ReviewFactory, curator
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True, reset_sequences=True)]

ROWS = 31  # one more than screened: the queue must still point at it when the 30 are done
SCREENED = 30


@pytest.fixture(autouse=True)
def sequences_past_restored_rows(transactional_db):
    """The rows a serialized rollback restores keep their ids; start every sequence after them, or the first new
    term or citation collides with one."""
    models = [*apps.get_app_config("articles").get_models(), *apps.get_app_config("curation").get_models()]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def seed_queue():
    seed_vocabulary(Term)
    review = ReviewFactory(article__title="A review to screen (synthetic)")
    citations = [
        CitationFactory(
            review=review,
            relation=Citation.Relation.REFERENCE,
            position=n,
            article=ArticleFactory(
                title=f"Synthetic paper {n} on fibroblast vesicles",
                abstract=[{"label": "", "category": "", "text": f"Synthetic abstract {n} for a screening test."}],
            ),
        )
        for n in range(1, ROWS + 1)
    ]
    return review, citations, curator("cora")


def test_thirty_citations_screened_in_a_row_with_at_most_two_keys_each(new_page, log_in, screenshot):
    review, citations, cora = seed_queue()
    queue = f"/reviews/{review.article.pmid}/curation/"
    page = new_page()
    log_in(page, "cora", PASSWORD, queue)
    expect(page.locator(".queue-row")).to_have_count(ROWS)
    page.evaluate("window.cafexSamePage = true")  # gone if anything loads a whole page

    timings: list[float] = []

    def server_time(response) -> None:
        if response.url.endswith("/curation/screen/") or "/curation/screen/?" in response.url:
            timing = response.headers.get("server-timing", "")
            timings.append(float(timing.split("dur=")[1]))

    page.on("response", server_time)

    # The abstract opens and closes on the current row with "a" (not counted: reading is not deciding).
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.locator(f"#citation-{citations[0].pk} .row-abstract p")).to_be_visible()
    page.keyboard.press("a")

    keys = 0
    expected = {}
    for index, citation in enumerate(citations[:SCREENED]):
        expect(page.locator(".queue-row.current")).to_have_id(f"citation-{citation.pk}")
        if index % 3 == 2:
            page.keyboard.press("o")  # out of scope, reason 2: not about exosomes / EVs
            page.keyboard.press("2")
            keys += 2
            expected[citation.pk] = ("out_of_scope", "not_ev")
        else:
            page.keyboard.press("i")
            keys += 1
            expected[citation.pk] = ("in_scope", "")
        # The row shows the stored decision before the next key, as a curator sees each answer: so each
        # server time is one decision's own, not one waiting behind the others.
        row = page.locator(f"#citation-{citation.pk}")
        expect(row).to_have_attribute("data-decision", expected[citation.pk][0])

    # The focus moved on by itself every time: the 31st is current and still undecided.
    expect(page.locator(".queue-row.current")).to_have_id(f"citation-{citations[SCREENED].pk}")
    expect(page.locator('.queue-row[data-decision="undecided"]')).to_have_count(ROWS - SCREENED)
    expect(page.locator(".queue-row .row-reason")).to_have_count(SCREENED // 3)
    assert page.evaluate("window.cafexSamePage") is True
    screenshot(page, "queue-screening")
    assert keys <= 2 * SCREENED
    assert keys == SCREENED + SCREENED // 3

    stored = dict(
        (pk, (decision, reason))
        for pk, decision, reason in ScreeningDecision.objects.values_list("citation", "decision", "reason")
    )
    assert stored == expected
    assert len(timings) == SCREENED
    print(
        f"\nscreening {SCREENED} citations: {keys} keys; server time per decision: "
        f"median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms"
    )


def test_n_jumps_to_the_next_undecided_and_ticked_rows_are_decided_together(new_page, log_in):
    review, citations, cora = seed_queue()
    queue = f"/reviews/{review.article.pmid}/curation/"
    page = new_page()
    log_in(page, "cora", PASSWORD, queue)
    page.keyboard.press("n")
    expect(page.locator(".queue-row.current")).to_have_id(f"citation-{citations[0].pk}")
    # Tick three rows (Space, Shift+J), decide them at once with one reason.
    page.keyboard.press(" ")
    page.keyboard.press("Shift+J")
    page.keyboard.press("Shift+J")
    expect(page.locator("[data-selected-count]")).to_have_text("3 ticked")
    page.fill("#screen-form input[name=note]", "narrative reviews")
    page.locator(".queue-row.current .title").focus()
    page.keyboard.press("o")
    page.keyboard.press("3")
    expect(page.locator('.queue-row[data-decision="out_of_scope"]')).to_have_count(3)
    expect(page.locator(".queue-row .row-reason").first).to_contain_text("Not primary research — narrative reviews")
    assert set(ScreeningDecision.objects.values_list("citation", "reason", "note")) == {
        (c.pk, "not_primary", "narrative reviews") for c in citations[:3]
    }
    expect(page.locator(".queue-row.current")).to_have_id(f"citation-{citations[3].pk}")  # moved on by itself
    # Switched off, a decision leaves the focus where it is; the switch is remembered.
    page.uncheck("[data-auto-advance]")
    page.keyboard.press("i")
    expect(page.locator(f"#citation-{citations[3].pk}")).to_have_attribute("data-decision", "in_scope")
    expect(page.locator(".queue-row.current")).to_have_id(f"citation-{citations[3].pk}")
    page.reload()
    expect(page.locator("[data-auto-advance]")).not_to_be_checked()
