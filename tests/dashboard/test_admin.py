"""The admin: branded as the portal, open to editors without a staff tick, bulk actions through the services."""

import pytest

from articles.models import Citation, Review
from curation import services
from curation.models import Assignment, MechanismAnnotation
from tests.curation.factories import CitationFactory, ReviewFactory, complete_values
from tests.factories import PASSWORD, curator, editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def eddie(db):
    return editor("eddie")  # no staff status: the editor role alone


def test_an_editor_uses_the_admin_without_staff_status(client, eddie):
    assert not eddie.is_staff
    response = client.post("/admin/login/?next=/admin/", {"username": "eddie", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    index = client.get("/admin/").content.decode()
    assert "CAFex Portal administration" in index and "<title>" in index and "CAFex Portal admin" in index
    assert client.get("/admin/articles/review/").status_code == 200
    assert client.get("/admin/curation/mechanismannotation/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403  # the role gives the views it holds, no more
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_curators_are_kept_out_of_the_admin(client):
    curator("cora")
    response = client.post("/admin/login/?next=/admin/", {"username": "cora", "password": PASSWORD})
    assert response.status_code == 200 and "staff or editor account" in response.content.decode()
    client.force_login(curator("cora"))
    assert client.get("/admin/").status_code == 302


def test_assigning_citations_to_a_curator_from_the_admin(client, eddie):
    cora = curator("cora")
    citations = [CitationFactory(), CitationFactory()]
    client.force_login(eddie)
    response = client.post(
        "/admin/articles/citation/",
        {"action": "assign_selected", "_selected_action": [c.pk for c in citations], "curator": cora.pk},
        follow=True,
    )
    assert "2 citation(s) assigned to cora" in response.content.decode()
    assert Assignment.objects.filter(curator=cora, assigned_by=eddie).count() == 2
    response = client.post(
        "/admin/articles/citation/",
        {"action": "assign_selected", "_selected_action": [citations[0].pk], "curator": ""},
        follow=True,
    )
    assert "Pick the curator" in response.content.decode()


def test_accepting_from_the_admin_keeps_the_four_eyes_rule(client, eddie):
    review = ReviewFactory()
    citation = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=1)
    services.screening_set(citation=citation, user=eddie, decision="in_scope")
    own = services.annotation_create(citation=citation, user=eddie, values=complete_values())
    own = services.annotation_submit(annotation=own, user=eddie)
    client.force_login(eddie)
    response = client.post(
        "/admin/curation/mechanismannotation/",
        {"action": "accept_selected", "_selected_action": [own.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "cannot be accepted" in page and "Nothing was accepted" in page
    assert MechanismAnnotation.objects.get(pk=own.pk).state == "submitted"

    client.force_login(editor("erin"))
    response = client.post(
        "/admin/curation/mechanismannotation/",
        {"action": "accept_selected", "_selected_action": [own.pk]},
        follow=True,
    )
    assert "Accepted 1 annotation(s)" in response.content.decode()
    assert MechanismAnnotation.objects.get(pk=own.pk).state == "accepted"


def test_archiving_from_the_admin(client, eddie):
    review = ReviewFactory()
    client.force_login(eddie)
    response = client.post(
        "/admin/articles/review/", {"action": "archive", "_selected_action": [review.pk]}, follow=True
    )
    assert f"Review PMID {review.article.pmid} archived." in response.content.decode()
    assert Review.objects.get(pk=review.pk).archived_by == eddie
    listing = client.get("/admin/articles/review/?archived_at__isempty=0").content.decode()
    assert str(review.article.pmid) in listing  # archived reviews stay in the admin


def test_an_editor_reads_every_read_only_record(client, eddie):
    client.force_login(eddie)
    for url in (
        "/admin/curation/curatorscreening/",
        "/admin/curation/conflictresolution/",
        "/admin/curation/reviewcurationsettings/",
        "/admin/dashboard/citingpapersseen/",
        "/admin/articles/editoralert/",
    ):
        assert client.get(url).status_code == 200, url
    assert "Editors&#x27; dashboard" in client.get("/admin/").content.decode()
