"""A curator screens and annotates a citation by keyboard: in scope, annotated and submitted, help, out of scope.

Each step is its own test: the state before it is written through the services, as the earlier steps would
leave it (see curation_story.py), so that a failure names the step that broke.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from curation.models import Facet, MechanismAnnotation, ScreeningDecision
from tests.e2e.curation_story import (
    MECHANISM,
    PASSWORD,
    QUOTE,
    first_annotated,
    first_annotated_and_submitted,
    first_in_scope,
    labels_by_facet,
    seed_review,
)

pytestmark = [
    pytest.mark.e2e,
    # Fixed ids and sequences keep the screenshots the same from run to run.
    pytest.mark.django_db(transaction=True, serialized_rollback=True, reset_sequences=True),
]


def pick(page, facet: str, typed: str, label: str) -> None:
    """Type into a focused pick list, move to the term with the arrow keys, pick it with Enter."""
    field = page.locator(f"#pick-{facet}")
    expect(field).to_be_focused()

    def answers_typed(response) -> bool:
        url = urlsplit(response.url)
        return url.path.endswith(f"/curation/terms/{facet}/") and parse_qs(url.query).get(f"{facet}__text") == [typed]

    # Wait for the answer to the whole word, so that an earlier, slower answer cannot replace the list later.
    with page.expect_response(answers_typed):
        field.press_sequentially(typed, delay=15)
    # The list is ready once its first option, answering what was typed, is active.
    expect(page.locator(f"#suggest-{facet} [role=option].active[data-q='{typed}']")).to_have_count(1)
    option = page.locator(f"#suggest-{facet} [role=option][data-label='{label}']")
    expect(option).to_be_visible()
    for _ in range(15):
        if "active" in (option.get_attribute("class") or ""):
            break
        page.keyboard.press("ArrowDown")
    expect(option).to_have_class(re.compile("active"))
    page.keyboard.press("Enter")
    expect(page.locator(f"[data-picker][data-facet={facet}] .chip", has_text=label)).to_be_visible()
    expect(field).to_have_value("")


def pick_without_waiting(page, facet: str, typed: str, label: str) -> None:
    """Type and press Enter at once, before the list has answered: the pick must still be the typed term."""
    field = page.locator(f"#pick-{facet}")
    expect(field).to_be_focused()
    field.press_sequentially(typed, delay=0)
    page.keyboard.press("Enter")
    expect(page.locator(f"[data-picker][data-facet={facet}] .chip", has_text=label)).to_be_visible()
    expect(page.locator(f"[data-picker][data-facet={facet}] .chip")).to_have_count(1)


def test_curator_opens_a_citation_from_the_queue_and_screens_it_in_scope_by_keyboard(new_page, log_in):
    scene = seed_review()

    # A curator logs in, opens the queue and the first citation from the keyboard.
    page = new_page()
    log_in(page, "cora", PASSWORD, scene.queue)
    expect(page.locator(".queue-row")).to_have_count(5)
    expect(page.locator(".progress-summary")).to_contain_text("0 of 5 screened")
    page.keyboard.press("j")
    expect(page.locator(".queue-row.current")).to_have_id(f"citation-{scene.first.pk}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/curation/{scene.first.pk}/")
    expect(page.locator("mark.term", has_text="miR-522").first).to_be_visible()

    # In scope with "i", through htmx: the panel changes in place.
    page.keyboard.press("i")
    expect(page.locator("#screening .badge")).to_have_text("In scope")
    expect(page.locator("#flash")).to_contain_text("Screening: In scope.")
    assert ScreeningDecision.objects.get(citation=scene.first).decision == "in_scope"


def test_curator_annotates_and_submits_by_keyboard(new_page, log_in, screenshot):
    scene = seed_review()
    first_in_scope(scene)
    page = new_page()
    log_in(page, "cora", PASSWORD, scene.workspace(scene.first))

    # "n" jumps into the first pick list; each facet is filled by typing, arrows and Enter, Tab moves on.
    page.keyboard.press("n")
    pick(page, "cargo_type", "mirna", "miRNA")
    page.keyboard.press("Tab")
    pick(page, "cargo", "522", "miR-522")
    page.keyboard.press("Tab")
    pick(page, "donor", "caf", "CAF (unspecified)")
    page.keyboard.press("Tab")
    pick(page, "recipient_cell", "cancer", "cancer cell")
    page.keyboard.press("Tab")
    pick(page, "cancer_type", "gastric", "gastric cancer")
    page.keyboard.press("Tab")
    pick_without_waiting(page, "target", "alox", "ALOX15")
    page.keyboard.press("Tab")
    pick(page, "effect", "resist", "chemoresistance")
    pick(page, "effect", "ferropt", "ferroptosis/apoptosis resistance")
    page.keyboard.press("Tab")
    pick(page, "direction", "prom", "promotes")
    page.keyboard.press("Tab")
    pick(page, "drug", "cispl", "cisplatin")
    page.keyboard.press("Tab")
    pick(page, "evidence", "in v", "in vivo (mouse)")
    pick(page, "evidence", "in v", "in vitro")
    page.fill("textarea[name=quote]", QUOTE)
    page.focus("textarea[name=quote]")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"#annotation-\d+$"))
    annotation = MechanismAnnotation.objects.get(citation=scene.first)
    card = page.locator(f"#annotation-{annotation.pk}")
    expect(card.locator(".badge")).to_have_text("Draft")
    assert annotation.state == "draft"
    assert sorted(annotation.terms.filter(facet=Facet.EVIDENCE).values_list("label", flat=True)) == [
        "in vitro",
        "in vivo (mouse)",
    ]
    assert annotation.terms.count() == 12
    # What the keyboard made is what the later steps of the story start from.
    assert labels_by_facet(annotation) == {facet: sorted(labels) for facet, labels in MECHANISM.items()}
    assert annotation.quote == QUOTE

    # "s" submits the draft; the card changes in place.
    page.keyboard.press("s")
    expect(card.locator(".badge")).to_have_text("Submitted")
    annotation.refresh_from_db()
    assert annotation.state == "submitted"
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "workspace")


def test_help_overlay_lists_the_keys(new_page, log_in, screenshot):
    scene = seed_review()
    first_in_scope(scene)
    draft = first_annotated(scene)
    page = new_page()
    log_in(page, "cora", PASSWORD, scene.workspace(scene.first))
    # Submitted as in the step before, so that the screenshot shows the page as the curator has it then.
    page.keyboard.press("s")
    expect(page.locator(f"#annotation-{draft.pk} .badge")).to_have_text("Submitted")
    page.evaluate("window.scrollTo(0, 0)")

    # "?" opens the help overlay listing the keys; Escape closes it.
    page.keyboard.press("?")
    help_overlay = page.locator("#key-help")
    expect(help_overlay).to_be_visible()
    for key in ("j", "k", "i", "o", "n", "s", "?"):
        expect(help_overlay.locator("kbd", has_text=re.compile(rf"^{re.escape(key)}$")).first).to_be_attached()
    screenshot(page, "help-overlay")
    page.keyboard.press("Escape")
    expect(help_overlay).to_be_hidden()


def test_curator_moves_on_and_screens_out_of_scope_by_keyboard(new_page, log_in):
    scene = seed_review()
    first_in_scope(scene)
    first_annotated_and_submitted(scene)
    page = new_page()
    log_in(page, "cora", PASSWORD, scene.workspace(scene.first))

    # "j" goes on to the next citation; "o" asks why it is out of scope.
    page.keyboard.press("j")
    page.wait_for_url(f"**/curation/{scene.second.pk}/")
    page.keyboard.press("o")
    reason = page.locator("select[name=reason]")
    expect(reason).to_be_focused()
    page.keyboard.press("Control+Enter")  # no reason chosen yet: the browser asks for one
    assert not ScreeningDecision.objects.filter(citation=scene.second).exists()
    reason.select_option("not_ev")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#screening .badge")).to_have_text("Out of scope")
    decision = ScreeningDecision.objects.get(citation=scene.second)
    assert (decision.decision, decision.reason) == ("out_of_scope", "not_ev")
