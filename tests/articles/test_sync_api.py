"""Adding reviews and following syncs through the API, the editor pages, the command and the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from articles.models import Article, Review, SyncRun
from articles.services import sync_run_execute, sync_run_start
from fake_eutils.scenarios import network_store
from tests import factories

from .factories import DEMO_REVIEW_PMID

pytestmark = pytest.mark.django_db

REVIEW = 90_000_000


@pytest.fixture
def editor(db):
    return factories.editor("edith")


@pytest.fixture
def curator(db):
    return factories.curator("carl")


@pytest.fixture
def network(fake_ncbi):
    network_store(REVIEW, references=6, unresolved=1, cited_by=3, similar=3, store=fake_ncbi.store)
    return fake_ncbi


def test_an_editor_adds_a_review_by_pmid_and_follows_its_run(
    api_client, editor, network, django_capture_on_commit_callbacks
):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/reviews/", {"pmid": REVIEW}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["review"]["pmid"] == REVIEW
    run = api_client.get(f"/api/v1/sync-runs/{body['sync_run']['id']}/").json()
    assert run["state"] == "succeeded"
    assert run["review_pmid"] == REVIEW and run["started_by"] == "edith" and run["trigger"] == "api"
    assert run["progress"] == {"done": 11, "total": 11, "percent": 100}
    assert run["counts"] == {"new": 11, "updated": 0, "unchanged": 0, "unresolved": 1, "failed": 0}
    assert run["requests_made"] == 4
    counts = api_client.get(f"/api/v1/reviews/{REVIEW}/").json()["counts"]
    assert counts == {"reference": 6, "cited_by": 3, "similar": 3, "unresolved_references": 1}
    listed = api_client.get("/api/v1/sync-runs/", {"review": REVIEW}).json()["results"]
    assert [r["id"] for r in listed] == [run["id"]]


def test_adding_and_syncing_need_an_editor(api_client, curator, network):
    assert api_client.post("/api/v1/reviews/", {"pmid": REVIEW}, format="json").status_code in (401, 403)
    api_client.force_authenticate(curator)
    response = api_client.post("/api/v1/reviews/", {"pmid": REVIEW}, format="json")
    assert response.status_code == 403
    assert "editors" in response.json()["detail"]
    assert not Review.objects.exists()


@pytest.mark.parametrize("pmid", ["abc", 0, -5, 1_000_000_000])
def test_a_bad_pmid_is_a_clear_400(api_client, editor, pmid):
    api_client.force_authenticate(editor)
    response = api_client.post("/api/v1/reviews/", {"pmid": pmid}, format="json")
    assert response.status_code == 400
    assert "pmid" in response.json()["errors"]


def test_sync_endpoint_returns_the_active_run_instead_of_a_second(api_client, editor, network, demo_review):
    api_client.force_authenticate(editor)
    first = api_client.post(f"/api/v1/reviews/{DEMO_REVIEW_PMID}/sync/").json()
    second = api_client.post(f"/api/v1/reviews/{DEMO_REVIEW_PMID}/sync/").json()
    assert first["id"] == second["id"] and first["state"] == "queued"
    assert SyncRun.objects.count() == 1


def test_editor_page_adds_a_review_and_shows_the_run(client, editor, network, django_capture_on_commit_callbacks):
    client.force_login(editor)
    assert client.get("/reviews/add/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reviews/add/", {"pmid": REVIEW})
    assert response.status_code == 302 and response["Location"] == f"/reviews/{REVIEW}/"
    page = client.get(f"/reviews/{REVIEW}/").content.decode()
    assert "Sync with PubMed: Succeeded" in page
    assert "11 articles checked" in page
    assert "Sync now" in page


def test_the_review_page_polls_an_active_run(client, editor, demo_review, fake_ncbi):
    client.force_login(editor)
    client.post(f"/reviews/{DEMO_REVIEW_PMID}/sync/")  # queued; on_commit never fires inside the test transaction
    run = SyncRun.objects.get()
    page = client.get(f"/reviews/{DEMO_REVIEW_PMID}/").content.decode()
    assert f'hx-get="/sync-runs/{run.pk}/status/"' in page
    assert 'role="progressbar"' in page
    partial = client.get(f"/sync-runs/{run.pk}/status/").content.decode()
    assert "Queued" in partial


def test_sync_runs_are_for_signed_in_users(api_client, demo_review):
    assert api_client.get("/api/v1/sync-runs/").status_code in (401, 403)


def test_staff_without_the_editor_role_cannot_sync_from_the_admin(client, network, django_capture_on_commit_callbacks):
    staff = factories.UserFactory(username="sam", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_review", "change_review"]))
    review = Review.objects.create(article=Article.objects.create(pmid=REVIEW))
    client.force_login(staff)
    response = client.post(
        "/admin/articles/review/", {"action": "sync_now", "_selected_action": [review.pk]}, follow=True
    )
    assert "Only editors can add reviews and start syncs." in response.content.decode()
    assert not SyncRun.objects.exists()


def test_curators_and_visitors_cannot_add_or_sync(client, curator, demo_review):
    response = client.get("/reviews/add/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(curator)
    assert client.get("/reviews/add/").status_code == 403
    assert client.post(f"/reviews/{DEMO_REVIEW_PMID}/sync/").status_code == 403
    assert "Sync now" not in client.get(f"/reviews/{DEMO_REVIEW_PMID}/").content.decode()


def test_editors_see_and_acknowledge_alerts(client, editor, network, django_capture_on_commit_callbacks):
    network.store.add_synthetic(REVIEW + 1, title="Referenced study 1.", retracted=True, retraction_pmid=REVIEW + 99)
    call_command("sync_review", str(REVIEW), "--no-progress")
    client.force_login(editor)
    page = client.get(f"/reviews/{REVIEW}/").content.decode()
    assert "Retraction: PMID 90000001" in page
    alert_id = page.split('name="alert" value="')[1].split('"')[0]
    client.post(f"/reviews/{REVIEW}/alerts/acknowledge/", {"alert": alert_id})
    assert "Retraction: PMID 90000001" not in client.get(f"/reviews/{REVIEW}/").content.decode()


def test_the_command_adds_a_review_and_draws_progress(network, capsys):
    call_command("sync_review", str(REVIEW))
    out = capsys.readouterr().out
    assert f"Review PMID {REVIEW} added." in out
    assert "[##############################] 11/11" in out
    assert "Sync succeeded" in out


def test_the_command_exits_non_zero_when_the_run_fails(fake_ncbi):
    with pytest.raises(SystemExit) as exit_info:
        call_command("sync_review", "12345", "--no-progress")
    assert exit_info.value.code == 1


def test_admin_action_starts_a_sync(client, admin_user, network, django_capture_on_commit_callbacks):
    Review.objects.create(article=Article.objects.create(pmid=REVIEW))
    client.force_login(admin_user)
    review = Review.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/articles/review/", {"action": "sync_now", "_selected_action": [review.pk]})
    assert SyncRun.objects.get().state == SyncRun.State.SUCCEEDED
    assert client.get("/admin/articles/syncrun/").status_code == 200


def test_visitors_see_a_runs_state_but_not_its_errors_or_who_started_it(client, editor, fake_ncbi):
    review = Review.objects.create(article=Article.objects.create(pmid=12345))
    sync_run_execute(run=sync_run_start(review=review, trigger="page", user=editor, enqueue=False))
    page = client.get("/reviews/12345/").content.decode()
    assert "Sync with PubMed: Failed" in page
    assert "unknown or withdrawn" not in page and "edith" not in page
    client.force_login(editor)
    page = client.get("/reviews/12345/").content.decode()
    assert "unknown or withdrawn" in page and "started by edith" in page


def test_a_staff_editor_syncs_from_the_admin(client, editor, network, django_capture_on_commit_callbacks):
    editor.is_staff = True
    editor.save()
    review = Review.objects.create(article=Article.objects.create(pmid=REVIEW))
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/articles/review/", {"action": "sync_now", "_selected_action": [review.pk]})
    assert SyncRun.objects.get().state == SyncRun.State.SUCCEEDED


def test_a_fresh_process_can_queue_a_sync_by_the_tasks_name():
    """Web processes never import articles.tasks themselves; the app registers the tasks when Django starts."""
    import subprocess
    import sys

    script = (
        "import django; django.setup(); from celery import current_app; "
        "from articles.services.sync_runs import RUN_SYNC_TASK; print(RUN_SYNC_TASK in current_app.tasks)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr
