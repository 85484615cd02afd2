"""An editor watches a sync on the review page: the progress panel updates itself until the run ends."""

import pytest
from django.contrib.auth.models import Group, User

from articles.models import SyncRun
from articles.services import review_get_or_create, sync_run_execute, sync_run_start
from fake_eutils.scenarios import network_store

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REVIEW = 93_000_000


def test_the_progress_panel_follows_a_run_to_its_end(new_page, log_in, screenshot, fake_ncbi):
    network_store(REVIEW, references=12, unresolved=1, cited_by=4, similar=4, store=fake_ncbi.store)
    fake_ncbi.store.add_synthetic(REVIEW + 2, title="Referenced study 2.", retracted=True, retraction_pmid=REVIEW + 99)
    editor = User.objects.create_user("edna", password="pw-for-tests-only")
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    review = review_get_or_create(pmid=REVIEW)[0]
    run = sync_run_start(review=review, trigger=SyncRun.Trigger.PAGE, user=editor, enqueue=False)

    page = new_page()
    log_in(page, "edna", "pw-for-tests-only", f"/reviews/{REVIEW}/")
    panel = page.locator("#sync-status")
    assert "Sync with PubMed: Queued" in panel.inner_text()

    sync_run_execute(run=run)  # as a worker would, while the page is open

    page.wait_for_function("() => document.querySelector('#sync-status').innerText.includes('Succeeded')")
    assert "19 articles checked: 19 new" in panel.inner_text()
    assert page.locator("#sync-status[hx-get]").count() == 0, "a finished run stops polling"
    page.reload()
    assert "Retraction: PMID 93000002" in page.locator(".alerts").inner_text()
    screenshot(page, "review-sync")
