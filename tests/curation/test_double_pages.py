"""Double curation in the pages: blindness in the queue, workspace and search; the conflict queue; the switches;
the agreement page; bad input answered with a 4xx."""

import pytest
from django.urls import reverse

from curation import services
from curation.models import ConflictResolution, MechanismAnnotation, ScreeningDecision
from curation.services import double as double_services
from tests.curation.factories import CitationFactory, ReviewFactory, complete_values, curator, editor, term

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {"cora": curator("cora"), "otto": curator("otto"), "eddie": editor("eddie")}


@pytest.fixture
def review(people):
    review = ReviewFactory()
    double_services.review_curation_settings_set(
        review=review, user=people["eddie"], double_screening=True, double_annotation=True
    )
    return review


@pytest.fixture
def citation(review):
    return CitationFactory(review=review, article__title="CAF exosomal miR-522 and ferroptosis (synthetic)")


def submitted(citation, user, **overrides):
    created = services.annotation_create(
        citation=citation, user=user, values=complete_values(**overrides), quote=f"Quote by {user.username}"
    )
    return services.annotation_submit(annotation=created, user=user)


def workspace(citation):
    return reverse("curation-workspace", args=[citation.review.pmid, citation.pk])


def test_pages_do_not_show_the_other_curators_decision_or_records(client, people, review, citation):
    services.screening_set(
        citation=citation, user=people["cora"], decision="out_of_scope", reason="other", note="Screened by cora"
    )
    submitted(citation, people["cora"])
    for user in (people["otto"], people["eddie"]):
        client.force_login(user)
        for url in (workspace(citation), reverse("curation-queue", args=[review.pmid]), reverse("search")):
            page = client.get(url).content.decode()
            assert "Quote by cora" not in page, url
            assert "Screened by cora" not in page and 'data-decision="out_of_scope"' not in page, url
    client.force_login(people["cora"])
    page = client.get(workspace(citation)).content.decode()
    assert "Quote by cora" in page
    # Reloaded, the workspace shows cora her own decision while the other curator has not decided.
    assert "Screened by cora" in page and 'data-decision="out_of_scope"' in page


def test_the_workspace_screening_form_records_the_curators_own_decision(client, people, citation):
    client.force_login(people["cora"])
    response = client.post(workspace(citation) + "screening/", {"decision": "in_scope"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-decision="in_scope"' in response.content.decode()
    assert not ScreeningDecision.objects.filter(citation=citation).exists()


def test_an_editor_resolves_a_screening_conflict_on_the_page(client, people, review, citation):
    services.screening_set(citation=citation, user=people["cora"], decision="in_scope")
    services.screening_set(citation=citation, user=people["otto"], decision="out_of_scope", reason="not_ev")
    client.force_login(people["eddie"])
    url = reverse("curation-conflicts", args=[review.pmid])
    page = client.get(url).content.decode()
    assert 'data-curator="cora"' in page and 'data-curator="otto"' in page and "Not about exosomes / EVs" in page
    response = client.post(
        reverse("curation-resolve-screening", args=[review.pmid]), {"citation": citation.pk, "decision": "in_scope"}
    )
    assert response.status_code == 302
    assert ScreeningDecision.objects.get(citation=citation).decision == "in_scope"
    assert ConflictResolution.objects.get(citation=citation).originals[1]["reason"] == "not_ev"
    assert "No screening conflicts." in client.get(url).content.decode()


def test_an_editor_accepts_one_curators_mechanisms_on_the_page(client, people, review, citation):
    submitted(citation, people["cora"])
    submitted(citation, people["otto"], cancer_type=[term("cancer_type", "breast cancer").pk])
    client.force_login(people["eddie"])
    page = client.get(reverse("curation-conflicts", args=[review.pmid])).content.decode()
    assert 'class="differs"' in page and "breast cancer" in page and "gastric cancer" in page
    response = client.post(
        reverse("curation-resolve-annotations", args=[review.pmid]),
        {"citation": citation.pk, "keep": people["otto"].pk},
    )
    assert response.status_code == 302
    states = dict(MechanismAnnotation.objects.filter(citation=citation).values_list("author__username", "state"))
    assert states == {"cora": "rejected", "otto": "accepted"}


def test_the_conflict_pages_are_for_editors_and_bad_input_is_refused(client, people, review, citation):
    conflicts = reverse("curation-conflicts", args=[review.pmid])
    client.force_login(people["cora"])
    assert client.get(conflicts).status_code == 403
    assert client.get(reverse("curation-conflict-reviews")).status_code == 403
    assert client.post(reverse("curation-settings", args=[review.pmid]), {}).status_code == 403
    client.force_login(people["eddie"])
    assert client.get(reverse("curation-conflict-reviews")).status_code == 200
    assert client.get(reverse("curation-conflicts", args=[999999999])).status_code == 404
    resolve = reverse("curation-resolve-screening", args=[review.pmid])
    for data in ({"citation": "x", "decision": "in_scope"}, {"citation": citation.pk, "decision": "maybe"}):
        response = client.post(resolve, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
    response = client.post(resolve, {"citation": 999999999, "decision": "in_scope"})
    assert response.status_code == 404
    response = client.post(
        reverse("curation-resolve-annotations", args=[review.pmid]),
        {"citation": citation.pk, "keep": "-1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    # Nothing to resolve yet: a message, not an error page.
    response = client.post(resolve, {"citation": citation.pk, "decision": "in_scope"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "two curators" in response.content.decode()


def test_an_editor_switches_the_modes_on_the_conflict_page(client, people):
    review = ReviewFactory()
    client.force_login(people["eddie"])
    response = client.post(reverse("curation-settings", args=[review.pmid]), {"double_screening": "on"})
    assert response.status_code == 302
    review.curation_settings.refresh_from_db()
    assert review.curation_settings.double_screening and not review.curation_settings.double_annotation
    page = client.get(reverse("curation-conflicts", args=[review.pmid])).content.decode()
    assert 'name="double_screening" checked' in page and 'name="double_annotation">' in page


def test_the_agreement_page_per_review_and_per_pair(client, people, review, citation, django_assert_max_num_queries):
    services.screening_set(citation=citation, user=people["cora"], decision="in_scope")
    services.screening_set(citation=citation, user=people["otto"], decision="in_scope")
    url = reverse("curation-agreement", args=[review.pmid])
    client.force_login(people["cora"])
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert '<dd data-figure="n">1</dd>' in page and "cora and otto" in page
    pair = {"curator_a": people["cora"].pk, "curator_b": people["otto"].pk}
    assert '<dd data-figure="n">1</dd>' in client.get(url, pair).content.decode()
    assert client.get(url, {"curator_a": "abc", "curator_b": "1"}).status_code == 400
    assert client.get(url, {"curator_a": "1"}).status_code == 400
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_hidden_record_cannot_be_opened_or_acted_on_by_id(client, api_client, people, citation):
    mine = submitted(citation, people["cora"])
    client.force_login(people["eddie"])
    assert client.get(reverse("curation-annotation-history", args=[mine.pk])).status_code == 404
    response = client.post(reverse("curation-annotation-action", args=[mine.pk, "accept"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    api_client.force_authenticate(people["eddie"])
    assert api_client.post(reverse("api:annotation-accept", args=[mine.pk]), {}, format="json").status_code == 404
    assert api_client.get(reverse("api:annotation-history", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.state == MechanismAnnotation.State.SUBMITTED
    client.force_login(people["cora"])
    assert client.get(reverse("curation-annotation-history", args=[mine.pk])).status_code == 200


def test_the_conflict_queue_query_count_is_flat(client, people, review, django_assert_max_num_queries):
    def conflict():
        citation = CitationFactory(review=review)
        services.screening_set(citation=citation, user=people["cora"], decision="in_scope")
        services.screening_set(citation=citation, user=people["otto"], decision="out_of_scope", reason="not_ev")
        submitted(citation, people["cora"])
        submitted(citation, people["otto"], cancer_type=[term("cancer_type", "breast cancer").pk])

    conflict()
    client.force_login(people["eddie"])
    url = reverse("curation-conflicts", args=[review.pmid])
    with django_assert_max_num_queries(25) as one:
        assert client.get(url).status_code == 200
    for _ in range(4):
        conflict()
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('class="double-item') == 10


def test_the_queue_does_not_count_the_other_curators_hidden_records(client, people, review, citation):
    submitted(citation, people["cora"])
    queue = reverse("curation-queue", args=[review.pmid])

    def page(user, **params):
        client.force_login(user)
        return client.get(queue, {"reset": "1", **params}, follow=True)

    shown = page(people["otto"])
    assert "1 submitted" not in shown.content.decode()
    assert shown.context["counts"]["with_annotations"] == 0 and shown.context["counts"]["annotations"]["submitted"] == 0
    assert f'id="citation-{citation.pk}"' not in page(people["otto"], state="submitted").content.decode()
    assert page(people["cora"]).context["counts"]["annotations"]["submitted"] == 1


def test_the_queue_shows_a_curator_their_own_decision_and_n_skips_what_they_decided(client, people, review, citation):
    later = CitationFactory(review=review)
    services.screening_set(citation=citation, user=people["cora"], decision="out_of_scope", reason="not_caf")
    queue = reverse("curation-queue", args=[review.pmid])
    client.force_login(people["cora"])
    page = client.get(queue, {"reset": "1"}, follow=True).content.decode()
    assert f'id="citation-{citation.pk}" data-decision="out_of_scope"' in page
    undecided = client.get(queue, {"decision": "undecided"}, follow=True).content.decode()
    assert f'id="citation-{citation.pk}"' not in undecided and f'id="citation-{later.pk}"' in undecided
    client.force_login(people["otto"])  # the other curator still sees it undecided, and nothing of cora's
    page = client.get(queue, {"reset": "1"}, follow=True).content.decode()
    assert f'id="citation-{citation.pk}" data-decision="undecided"' in page


def test_the_admin_hides_what_the_pages_hide_from_an_editor(client, people, review, citation):
    services.screening_set(citation=citation, user=people["cora"], decision="in_scope", note="cora's screening note")
    draft = services.annotation_create(
        citation=citation, user=people["cora"], values=complete_values(), quote="Quote only cora may see"
    )
    client.force_login(people["eddie"])
    assert client.get("/admin/curation/curatorscreening/").context["cl"].result_count == 0
    assert client.get("/admin/curation/mechanismannotation/").context["cl"].result_count == 0
    assert client.get(f"/admin/curation/mechanismannotation/{draft.pk}/change/").status_code in (302, 404)
    services.screening_set(citation=citation, user=people["otto"], decision="in_scope")
    assert client.get("/admin/curation/curatorscreening/").context["cl"].result_count == 2  # both decided: shown
