"""Markup from NCBI never runs in the browser: no dialog opens and no payload sets its global."""

import pytest
from playwright.sync_api import expect

from tests.articles.test_views import XSS_MARK, store_hostile_review
from tests.curation.factories import ensure_seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_hostile_markup_from_ncbi_stays_inert_in_chromium(new_page):
    ensure_seed()  # so that the curation workspace marks vocabulary terms inside the hostile text too
    review, citation = store_hostile_review()
    pages = [
        f"/reviews/{review.article.pmid}/",
        f"/articles/{citation.article.pk}/",
        f"/reviews/{review.article.pmid}/curation/{citation.pk}/",
        "/",
    ]
    page = new_page()
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto("/")
    page.evaluate("() => alert('probe')")
    assert dialogs == ["probe"], "the page reports the dialogs it opens"
    dialogs.clear()

    for url in pages:
        page.goto(url)  # waits for the load event, after every image has loaded or failed
        expect(page.locator("main i", has_text="miR-21").first).to_be_visible()
        for bold in page.locator("main b:visible").all():
            bold.hover()  # where an onmouseover handler would have fired
        assert page.evaluate(f"typeof window.{XSS_MARK}") == "undefined", url
        assert dialogs == [], url
