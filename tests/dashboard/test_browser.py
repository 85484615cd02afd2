"""The dashboard in Chromium: refused to a visitor and a curator, opened by an editor who dismisses an alert and
follows an activity item, with not one Content-Security-Policy violation on the way."""

import pytest
from playwright.sync_api import expect

from articles.models import EditorAlert
from tests.dashboard.conftest import build_world
from tests.e2e.test_csp import Watched
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_editor_works_from_the_dashboard(new_page, log_in, screenshot):
    world = build_world()

    visitor = Watched(new_page())
    visitor.page.goto("/dashboard/")
    expect(visitor.page.locator("input[name=username]")).to_be_visible()  # sent to log in
    for username in ("cora", "vic"):  # a curator, then someone with no role
        page = Watched(new_page())
        log_in(page.page, username, PASSWORD, "/dashboard/")
        expect(page.page.locator("main h1")).to_have_text("Not allowed")
        page.assert_clean(f"the dashboard refusing {username}")

    editor = Watched(new_page())
    log_in(editor.page, "eddie", PASSWORD, "/dashboard/")
    page = editor.page
    expect(page.locator("main h1")).to_have_text("Dashboard")
    expect(page.locator("#tile-inbox .figure")).to_have_text("2")
    expect(page.locator("svg.chart rect")).to_have_count(8)
    editor.assert_clean("the dashboard")
    screenshot(page, "dashboard")
    for section, name in (("people", "dashboard-curators"), ("sync-heading", "dashboard-sync")):
        page.evaluate("(id) => document.getElementById(id).scrollIntoView()", section)
        screenshot(page, name)

    alert = page.locator(f"#alert-{world.open_alert.pk}")
    expect(alert).to_contain_text("Retraction")
    alert.get_by_role("button", name="Dismiss").click()
    expect(page.locator(".messages")).to_contain_text("Alert dismissed.")
    expect(page.locator(f"#alert-{world.open_alert.pk}")).to_have_count(0)
    page.locator(".dismissed summary").click()
    expect(page.locator(".dismissed")).to_contain_text("dismissed by eddie")
    assert EditorAlert.objects.get(pk=world.open_alert.pk).acknowledged_by == world.eddie
    editor.assert_clean("dismissing an alert")

    comment = page.locator(".activity li", has_text="erin commented on").first
    comment.get_by_role("link").click()
    page.wait_for_url(f"**/curation/annotations/{world.waiting.pk}/history/")
    expect(page.locator("main")).to_contain_text(f"Annotation #{world.waiting.pk}")
    editor.assert_clean("following an activity item")

    page.goto("/dashboard/reviews/")
    expect(page.locator(f'tr[data-review="{world.first.article.pmid}"]')).to_contain_text("Cannot be deleted")
    editor.assert_clean("the review list")
    screenshot(page, "dashboard-reviews")
