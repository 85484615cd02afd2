"""Who sees which curation page: public reading, logins, roles, missing records, comment threads."""

import pytest

from curation import services
from curation.models import ScreeningDecision
from tests.curation import factories
from tests.curation.factories import PASSWORD, CitationFactory

from .helpers import annotation, queue_url, workspace_url

pytestmark = pytest.mark.django_db


# --- who sees which page


def test_anonymous_reads_queue_and_workspace_but_sees_accepted_annotations_only(client, citation, curator):
    accepted = annotation(citation, curator, state="accepted")
    draft = annotation(citation, curator)
    assert client.get(queue_url(citation.review)).status_code == 200
    page = client.get(workspace_url(citation)).content.decode()
    assert f'id="annotation-{accepted.pk}"' in page
    assert f'id="annotation-{draft.pk}"' not in page
    assert "annotation-form" not in page and 'data-key="i"' not in page
    assert "Log in</a> to screen and annotate" in page


def test_closed_deployment_sends_anonymous_visitors_to_log_in(client, citation, settings):
    settings.CAFEX_PUBLIC_READ = False
    settings.LOGIN_URL = "login"  # the curators' login page; the admin's refuses accounts without staff status
    response = client.get(workspace_url(citation))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_curator_sees_own_drafts_not_other_curators_drafts(client, citation, curator, other_curator):
    mine = annotation(citation, curator)
    theirs = annotation(citation, other_curator)
    client.force_login(curator)
    page = client.get(workspace_url(citation)).content.decode()
    assert f'id="annotation-{mine.pk}"' in page
    assert f'id="annotation-{theirs.pk}"' not in page
    assert 'data-key="s"' in page and 'data-key-focus="n"' in page


def test_my_queue_and_inbox_need_a_login(client):
    for url in ("/curation/my-queue/", "/curation/inbox/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_wrong_role_gets_a_clear_403(client, reader, curator):
    client.force_login(reader)
    response = client.get("/curation/my-queue/")
    assert response.status_code == 403
    assert "Only curators can do this" in response.content.decode()
    client.force_login(curator)
    response = client.get("/curation/inbox/")
    assert response.status_code == 403
    assert "Only editors review annotations." in response.content.decode()


def test_reader_cannot_post(client, citation, reader):
    client.force_login(reader)
    response = client.post(workspace_url(citation) + "screening/", {"decision": "in_scope"})
    assert response.status_code == 403
    assert not ScreeningDecision.objects.exists()


def test_login_page_lets_a_non_staff_curator_in(client, curator):
    response = client.post(
        "/accounts/login/", {"username": "cora", "password": PASSWORD, "next": "/curation/my-queue/"}
    )
    assert response.status_code == 302 and response["Location"] == "/curation/my-queue/"
    assert client.get("/curation/my-queue/").status_code == 200


def test_unknown_review_and_citation_are_404(client, citation, review):
    assert client.get("/reviews/1/curation/").status_code == 404
    other = CitationFactory()
    assert client.get(f"/reviews/{review.article.pmid}/curation/{other.pk}/").status_code == 404


# --- what each reader sees of an annotation's discussion


def test_comment_threads_follow_the_same_rule_on_the_page_as_in_the_api(client, citation, curator, editor, reader):
    accepted = annotation(citation, curator, state="submitted")
    services.annotation_reject(annotation=accepted, user=editor, comment="Internal: misreads Fig. 2 again")
    accepted.refresh_from_db()
    services.annotation_submit(annotation=accepted, user=curator)
    accepted.refresh_from_db()
    services.annotation_accept(annotation=accepted, user=editor)
    other_curator = factories.curator("olga")

    for user, reads_comments in [(None, False), (reader, False), (other_curator, True), (editor, True)]:
        client.logout()
        if user is not None:
            client.force_login(user)
        page = client.get(workspace_url(citation)).content.decode()
        api = client.get(f"/api/v1/annotations/{accepted.pk}/comments/")
        assert f'id="annotation-{accepted.pk}"' in page
        assert ("misreads Fig. 2" in page) is reads_comments, user
        assert api.status_code == (200 if reads_comments else 403), user
