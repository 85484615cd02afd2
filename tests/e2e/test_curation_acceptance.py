"""An editor accepts annotations by keyboard; a visitor then sees one read-only, and the curator the progress.

Each step is its own test: the state before it is written through the services, as the earlier steps would
leave it (see curation_story.py), so that a failure names the step that broke.
"""

import pytest
from playwright.sync_api import expect

from curation.models import MechanismAnnotation
from tests.e2e.curation_story import PASSWORD, all_accepted, ready_for_the_editor, seed_review

pytestmark = [
    pytest.mark.e2e,
    # Fixed ids and sequences keep the screenshots the same from run to run.
    pytest.mark.django_db(transaction=True, serialized_rollback=True, reset_sequences=True),
]


def test_editor_accepts_in_the_inbox_by_keyboard(new_page, log_in, screenshot):
    scene = seed_review()
    annotation = ready_for_the_editor(scene)

    # The editor reviews the inbox: the curator's annotation and the two of another curator.
    editor_page = new_page()
    log_in(editor_page, "eddie", PASSWORD, "/curation/inbox/")
    expect(editor_page.locator(".inbox-item")).to_have_count(3)
    editor_page.keyboard.press("j")
    expect(editor_page.locator(".inbox-item.current")).to_have_id(f"inbox-{annotation.pk}")
    screenshot(editor_page, "inbox")
    editor_page.keyboard.press("a")
    expect(editor_page.locator(f"#inbox-{annotation.pk} .badge").first).to_have_text("Accepted")
    annotation.refresh_from_db()
    assert annotation.state == "accepted"

    # The other two by ticking with "x" and accepting all ticked with Shift+A.
    editor_page.keyboard.press("j")
    editor_page.keyboard.press("x")
    editor_page.keyboard.press("j")
    editor_page.keyboard.press("x")
    editor_page.keyboard.press("Shift+A")
    expect(editor_page.locator(".messages")).to_contain_text("Accepted 2 annotations.")
    assert set(MechanismAnnotation.objects.values_list("state", flat=True)) == {"accepted"}


def test_visitor_sees_the_accepted_annotation_read_only(new_page):
    scene = seed_review()
    annotation = all_accepted(scene)

    visitor = new_page()
    visitor.goto(scene.workspace(scene.first))
    visitor_card = visitor.locator(f"#annotation-{annotation.pk}")
    expect(visitor_card.locator(".badge")).to_have_text("Accepted")
    expect(visitor_card).to_contain_text("miR-522")
    expect(visitor.locator("#annotation-form")).to_have_count(0)
    expect(visitor.locator("#screening button")).to_have_count(0)


def test_curator_sees_the_progress_in_the_queue(new_page, log_in, screenshot):
    scene = seed_review()
    all_accepted(scene)

    page = new_page()
    log_in(page, "cora", PASSWORD, scene.queue)
    expect(page.locator(".progress-summary")).to_contain_text("4 of 5 screened")
    expect(page.locator(f"#citation-{scene.first.pk} .badge.accepted")).to_have_text("1 accepted")
    page.keyboard.press("j")
    page.keyboard.press("j")
    screenshot(page, "queue")
