"""The evidence form in the browser: errors that name and mark their field, a pick list that takes only what is
highlighted, and a missing term proposed from the workspace and used in the draft at once."""

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from playwright.sync_api import expect

from curation.models import MechanismAnnotation
from tests.e2e.curation_story import PASSWORD, first_in_scope, seed_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True, reset_sequences=True)]


@pytest.fixture(autouse=True)
def sequences_past_restored_rows(transactional_db):
    """The rows a serialized rollback restores keep their ids; start every sequence after them, or the first new
    term or citation collides with one."""
    models = [*apps.get_app_config("articles").get_models(), *apps.get_app_config("curation").get_models()]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def test_errors_pick_list_and_a_proposed_term_in_the_workspace(new_page, log_in, screenshot):
    scene = seed_review()
    first_in_scope(scene)
    page = new_page()
    log_in(page, "cora", PASSWORD, scene.workspace(scene.first))

    # What submitting needs is marked before anything is sent.
    expect(page.locator('label[for="pick-effect"] abbr.needed')).to_be_visible()
    expect(page.locator('label[for="pick-donor"] abbr.needed')).to_have_count(0)

    # Saving an empty form: the summary names the field, the field is marked and its message sits beside it.
    page.keyboard.press("n")
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/annotations/")
    expect(page.locator(".error-summary")).to_contain_text("Cargo type: Pick at least one term.")
    expect(page.locator("#pick-cargo_type")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-cargo_type")).to_have_text("Cargo type: Pick at least one term.")
    # The form fits the window: nothing (the experimental system's fields included) sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "evidence-form-errors")

    # Typed fast, "miR-2" and Enter picks nothing: no term is named so (miR-21 only begins so).
    cargo = page.locator("#pick-cargo")
    cargo.focus()
    cargo.press_sequentially("miR-2", delay=0)
    page.keyboard.press("Enter")
    expect(page.locator("#suggest-cargo [role=option][data-q='miR-2']").first).to_have_attribute("data-label", "miR-21")
    expect(page.locator("#chips-cargo .chip")).to_have_count(0)
    # Typed exactly, a name is taken even before the list answers; otherwise Enter takes the highlighted one only.
    cargo.fill("")
    cargo.press_sequentially("mir-522", delay=0)
    page.keyboard.press("Enter")
    expect(page.locator("#chips-cargo .chip")).to_have_text(["miR-522×"])
    cargo.press_sequentially("mir", delay=10)
    expect(page.locator("#suggest-cargo [role=option].active[data-q='mir']")).to_have_attribute("data-label", "miR-21")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#suggest-cargo [role=option].active")).to_have_attribute("data-label", "miR-92a-3p")
    page.keyboard.press("Enter")
    expect(page.locator("#chips-cargo .chip")).to_have_text(["miR-522×", "miR-92a-3p×"])

    # A missing target is proposed from its pick list and lands in the draft.
    target = page.locator("#pick-target")
    target.focus()
    target.press_sequentially("GPX4", delay=10)
    propose = page.locator("#suggest-target [data-propose-open]")
    expect(propose).to_have_text("Propose “GPX4” as a new term")
    propose.click()
    expect(page.locator("#propose-term")).to_be_visible()
    expect(page.locator("#propose-label")).to_have_value("GPX4")
    expect(page.locator("#propose-facet")).to_have_value("target")
    page.fill("#propose-synonyms", "glutathione peroxidase 4")
    page.fill("#propose-identifier", "HGNC:4556")
    screenshot(page, "term-proposal")
    page.click("#propose-term button[type=submit]")
    expect(page.locator("#propose-term")).to_be_hidden()
    expect(page.locator("#chips-target .chip.proposed")).to_contain_text("GPX4")
    expect(page.locator("#flash")).to_contain_text("“GPX4” proposed")

    page.locator("#pick-target").press("Control+Enter")
    page.wait_for_url(f"**/curation/{scene.first.pk}/#annotation-*")
    saved = MechanismAnnotation.objects.get()
    assert sorted(saved.terms.values_list("label", "status")) == [
        ("GPX4", "proposed"),
        ("miR-522", "active"),
        ("miR-92a-3p", "active"),
    ]
    expect(page.locator(f"#annotation-{saved.pk} .term-tag.proposed")).to_contain_text("GPX4")
