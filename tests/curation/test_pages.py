"""The curation pages through Django's test client: who sees what, and that the forms reach the services."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Citation
from curation import services
from curation.models import Assignment, Facet, MechanismAnnotation, ScreeningDecision, Term
from tests.articles.factories import ArticleFactory, CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def make_user(username: str, *groups: str):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-only")
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def curator():
    return make_user("cora", "curator")


@pytest.fixture
def other_curator():
    return make_user("otto", "curator")


@pytest.fixture
def editor():
    return make_user("eddie", "editor")


@pytest.fixture
def reader():
    return make_user("rita")


@pytest.fixture
def review():
    return ReviewFactory()


@pytest.fixture
def citation(review):
    article = ArticleFactory(
        title="CAF secreted <i>miR-522</i> suppresses ferroptosis in gastric cancer",
        abstract=[
            {"label": "", "category": "", "text": "Exosomal miR-522 from CAFs targets ALOX15 &amp; blocks <b>PTEN</b>."}
        ],
        pmcid="PMC7000001",
    )
    return CitationFactory(review=review, article=article, relation=Citation.Relation.REFERENCE, position=1)


def term(facet: str, label: str) -> Term:
    return Term.objects.get(facet=facet, label=label)


def mechanism_values() -> dict[str, list[int]]:
    """A mechanism complete enough to submit: cargo, effect, direction and evidence."""
    return {
        Facet.CARGO_TYPE: [term("cargo_type", "miRNA").pk],
        Facet.CARGO: [term("cargo", "miR-522").pk],
        Facet.EFFECT: [term("effect", "chemoresistance").pk],
        Facet.DIRECTION: [term("direction", "promotes").pk],
        Facet.EVIDENCE: [term("evidence", "in vitro").pk],
    }


def post_data(values: dict[str, list[int]], **extra) -> dict:
    data = {facet: ids for facet, ids in values.items()}
    data.update(extra)
    return data


def annotation(citation, author, *, state="draft") -> MechanismAnnotation:
    created = services.annotation_create(citation=citation, user=author, values=mechanism_values(), quote="Fig. 2")
    if state in ("submitted", "accepted", "rejected"):
        services.annotation_submit(annotation=created, user=author)
    if state in ("accepted", "rejected"):
        reviewer = make_user(f"reviewer{uuid.uuid4().hex[:6]}", "editor")
        if state == "accepted":
            services.annotation_accept(annotation=created, user=reviewer)
        else:
            services.annotation_reject(annotation=created, user=reviewer, comment="Wrong cargo")
    created.refresh_from_db()
    return created


def queue_url(review) -> str:
    return f"/reviews/{review.article.pmid}/curation/"


def workspace_url(citation) -> str:
    return f"/reviews/{citation.review.article.pmid}/curation/{citation.pk}/"


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
        "/accounts/login/", {"username": "cora", "password": "pw-for-tests-only", "next": "/curation/my-queue/"}
    )
    assert response.status_code == 302 and response["Location"] == "/curation/my-queue/"
    assert client.get("/curation/my-queue/").status_code == 200


def test_unknown_review_and_citation_are_404(client, citation, review):
    assert client.get("/reviews/1/curation/").status_code == 404
    other = CitationFactory()
    assert client.get(f"/reviews/{review.article.pmid}/curation/{other.pk}/").status_code == 404


# --- the queue


def test_queue_shows_progress_and_filters(client, review, citation, curator):
    second = CitationFactory(review=review, relation=Citation.Relation.CITED_BY, article__title="Lipid cargo paper")
    services.screening_set(citation=citation, user=curator, decision="in_scope")
    annotation(citation, curator, state="submitted")
    client.force_login(curator)
    page = client.get(queue_url(review)).content.decode()
    assert "<strong>1</strong> of 2 screened" in page
    assert "1 submitted" in page
    undecided = client.get(queue_url(review), {"decision": "undecided"}).content.decode()
    assert "Lipid cargo paper" in undecided and "miR-522" not in undecided
    found = client.get(queue_url(review), {"text": "ferroptosis"}).content.decode()
    assert "miR-522" in found and "Lipid cargo paper" not in found
    by_state = client.get(queue_url(review), {"state": "submitted", "relation": "reference"}).content.decode()
    assert f"/curation/{citation.pk}/?relation=reference&amp;state=submitted" in by_state
    assert f"/curation/{second.pk}/" not in by_state


def test_queue_filter_by_htmx_returns_only_the_results(client, review, citation, curator):
    client.force_login(curator)
    response = client.get(queue_url(review), {"text": "miR"}, HTTP_HX_TARGET="queue-results", **HTMX)
    body = response.content.decode()
    assert "data-nav-list" in body and "progress-summary" not in body and "<html" not in body


def test_queue_assignee_filter_and_assignment_by_editor(client, review, citation, curator, editor):
    client.force_login(editor)
    response = client.post(
        f"{queue_url(review)}assign/", {"citations": [citation.pk], "curator": curator.pk}, follow=True
    )
    assert "Assigned 1 citation to cora." in response.content.decode()
    assert Assignment.objects.filter(citation=citation, curator=curator).exists()
    client.force_login(curator)
    mine = client.get(queue_url(review), {"assignee": "me"}).content.decode()
    assert "miR-522" in mine and "@cora" in mine
    assert "miR-522" in client.get("/curation/my-queue/").content.decode()


def test_curator_cannot_assign(client, review, citation, curator):
    client.force_login(curator)
    response = client.post(f"{queue_url(review)}assign/", {"citations": [citation.pk], "curator": curator.pk})
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_queue_query_count_is_flat(client, review, curator, django_assert_max_num_queries):
    client.force_login(curator)

    def grow(start: int, count: int) -> None:
        for position in range(start, start + count):
            cited = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position)
            services.screening_set(citation=cited, user=curator, decision="in_scope")
            annotation(cited, curator)
            Assignment.objects.create(citation=cited, curator=curator)

    grow(1, 3)
    with django_assert_max_num_queries(20) as small:
        assert client.get(queue_url(review)).status_code == 200
    grow(4, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(queue_url(review)).status_code == 200


# --- the workspace


def test_workspace_shows_metadata_links_and_highlights_without_breaking_html(client, citation):
    page = client.get(workspace_url(citation)).content.decode()
    assert "https://pubmed.ncbi.nlm.nih.gov/" in page
    assert "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7000001/" in page
    assert "https://doi.org/10.1000/" in page
    assert '<i><mark class="term facet-cargo" title="Cargo: miR-522">miR-522</mark></i>' in page
    assert '<b><mark class="term facet-target" title="Target / pathway: PTEN">PTEN</mark></b>' in page
    assert "ALOX15</mark> &amp; blocks" in page


def test_workspace_query_count_is_flat(client, review, citation, curator, django_assert_max_num_queries):
    client.force_login(curator)
    annotation(citation, curator)
    with django_assert_max_num_queries(30) as small:
        client.get(workspace_url(citation))
    for _ in range(5):
        services.comment_add(annotation=annotation(citation, curator), user=curator, text="check figure")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(workspace_url(citation))


def test_workspace_next_and_previous_follow_the_filtered_queue(client, review, citation, curator):
    second = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=2)
    third = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=3)
    services.screening_set(citation=second, user=curator, decision="in_scope")
    client.force_login(curator)
    page = client.get(workspace_url(citation), {"decision": "undecided"}).content.decode()
    assert f'href="{workspace_url(third)}?decision=undecided" data-key="j"' in page
    # The citation left the "undecided" list: its neighbours are still the undecided ones around it.
    page = client.get(workspace_url(second), {"decision": "undecided"}).content.decode()
    assert "Not in the filtered queue any more" in page
    assert f'href="{workspace_url(citation)}?decision=undecided" data-key="k"' in page
    assert f'href="{workspace_url(third)}?decision=undecided" data-key="j"' in page


def test_term_search_offers_active_terms_only(client, curator):
    retired = Term.objects.create(facet="cargo", label="miR-999", status=Term.Status.RETIRED)
    client.force_login(curator)
    body = client.get("/curation/terms/cargo/", {"cargo__text": "miR"}, **HTMX).content.decode()
    assert 'data-label="miR-21"' in body and retired.label not in body
    chosen = term("cargo", "miR-21").pk
    body = client.get("/curation/terms/cargo/", {"q": "miR", "cargo": [chosen]}).content.decode()
    assert 'data-label="miR-21"' not in body and 'data-label="miR-522"' in body
    assert "No term matches" in client.get("/curation/terms/cargo/", {"q": "zzz"}).content.decode()
    assert client.get("/curation/terms/nonsense/").status_code == 404


def test_term_search_is_for_curators(client, reader):
    assert client.get("/curation/terms/cargo/").status_code == 403
    client.force_login(reader)
    assert client.get("/curation/terms/cargo/").status_code == 403


# --- screening


def test_screening_in_scope_by_htmx_returns_the_panel(client, citation, curator):
    client.force_login(curator)
    response = client.post(workspace_url(citation) + "screening/", {"decision": "in_scope"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-decision="in_scope"' in body and 'hx-swap-oob="innerHTML"' in body and "Screening: In scope." in body
    assert ScreeningDecision.objects.get(citation=citation).decision == "in_scope"


def test_out_of_scope_needs_a_reason(client, citation, curator):
    client.force_login(curator)
    response = client.post(workspace_url(citation) + "screening/", {"decision": "out_of_scope"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#flash"
    assert "Say why it is out of scope." in response.content.decode()
    assert not ScreeningDecision.objects.exists()
    response = client.post(
        workspace_url(citation) + "screening/?decision=undecided",
        {"decision": "out_of_scope", "reason": "not_ev"},
    )
    assert response.status_code == 302 and response["Location"] == workspace_url(citation) + "?decision=undecided"
    decision = ScreeningDecision.objects.get(citation=citation)
    assert (decision.decision, decision.reason) == ("out_of_scope", "not_ev")


# --- writing annotations


def test_create_annotation_calls_the_service(client, citation, curator):
    client.force_login(curator)
    token = str(uuid.uuid4())
    response = client.post(
        workspace_url(citation) + "annotations/",
        post_data(mechanism_values(), quote="CAF exosomes carried miR-522", confidence="high", client_token=token),
    )
    created = MechanismAnnotation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == workspace_url(citation) + f"#annotation-{created.pk}"
    assert (created.author, created.state, created.confidence, str(created.client_token)) == (
        curator,
        "draft",
        "high",
        token,
    )
    assert set(created.terms.values_list("label", flat=True)) == {
        "miRNA",
        "miR-522",
        "chemoresistance",
        "promotes",
        "in vitro",
    }


def test_double_submitted_form_creates_one_annotation(client, citation, curator):
    client.force_login(curator)
    data = post_data(mechanism_values(), client_token=str(uuid.uuid4()))
    first = client.post(workspace_url(citation) + "annotations/", data)
    second = client.post(workspace_url(citation) + "annotations/", data)
    assert MechanismAnnotation.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_typed_labels_work_without_javascript(client, citation, curator):
    client.force_login(curator)
    response = client.post(
        workspace_url(citation) + "annotations/",
        {"cargo__text": "miR-21-5p; miR-522", "effect__text": "EMT", "client_token": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    assert set(MechanismAnnotation.objects.get().terms.values_list("label", flat=True)) == {
        "miR-21",
        "miR-522",
        "EMT/invasion/migration",
    }


def test_invalid_annotation_keeps_the_input_and_names_the_fields(client, citation, curator):
    client.force_login(curator)
    drug = term("drug", "cisplatin").pk
    response = client.post(
        workspace_url(citation) + "annotations/",
        {"drug": [drug], "cargo__text": "miR-nonexistent", "quote": "my quote", "client_token": str(uuid.uuid4())},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "No active term “miR-nonexistent” in cargo." in body
    assert 'value="miR-nonexistent"' in body and "my quote" in body
    assert f'name="drug" value="{drug}"' in body
    assert not MechanismAnnotation.objects.exists()


def test_service_errors_land_on_their_fields(client, citation, curator):
    client.force_login(curator)
    response = client.post(
        workspace_url(citation) + "annotations/",
        {"drug": [term("drug", "cisplatin").pk], "client_token": str(uuid.uuid4())},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "A drug is recorded only with a resistance effect" in body
    assert not MechanismAnnotation.objects.exists()


def test_edit_form_is_prefilled(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    page = client.get(workspace_url(citation), {"edit": mine.pk}).content.decode()
    assert f"Edit mechanism #{mine.pk}" in page
    assert f'name="expected_version" value="{mine.version}"' in page
    assert f'name="cargo" value="{term("cargo", "miR-522").pk}"' in page


def test_update_clears_a_facet_and_saves(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    values = mechanism_values()
    del values[Facet.CARGO_TYPE]
    response = client.post(
        f"/curation/annotations/{mine.pk}/", post_data(values, expected_version=mine.version, notes="cleared")
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.notes == "cleared" and not mine.terms.filter(facet="cargo_type").exists()


def test_conflict_shows_both_versions_and_keeps_the_input(client, citation, curator, editor):
    mine = annotation(citation, curator)
    seen = mine.version
    services.annotation_update(annotation=mine, user=editor, expected_version=seen, quote="The editor's quote")
    client.force_login(curator)
    response = client.post(
        f"/curation/annotations/{mine.pk}/",
        post_data(mechanism_values(), expected_version=seen, quote="My own quote"),
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this mechanism while you were editing" in body
    assert "The editor&#x27;s quote" in body and "My own quote" in body
    mine.refresh_from_db()
    assert mine.quote == "The editor's quote"
    # Saving again on purpose now replaces the saved version.
    assert f'name="expected_version" value="{mine.version}"' in body
    again = client.post(
        f"/curation/annotations/{mine.pk}/",
        post_data(mechanism_values(), expected_version=mine.version, quote="My own quote"),
    )
    assert again.status_code == 302
    mine.refresh_from_db()
    assert mine.quote == "My own quote"


def test_submit_by_htmx_returns_the_card(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    response = client.post(f"/curation/annotations/{mine.pk}/submit/", {"version": mine.version}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="submitted"' in body and "submitted for review" in body
    mine.refresh_from_db()
    assert mine.state == "submitted"


def test_incomplete_annotation_cannot_be_submitted(client, citation, curator):
    thin = services.annotation_create(
        citation=citation, user=curator, values={Facet.CARGO: [term("cargo", "miR-21").pk]}
    )
    client.force_login(curator)
    response = client.post(f"/curation/annotations/{thin.pk}/submit/", **HTMX)
    assert response.status_code == 400
    assert "missing: effect, direction, evidence" in response.content.decode()
    thin.refresh_from_db()
    assert thin.state == "draft"


def test_comment_and_history(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    response = client.post(f"/curation/annotations/{mine.pk}/comment/", {"text": "Check Fig. 3"}, follow=True)
    assert "Check Fig. 3" in response.content.decode()
    history = client.get(f"/curation/annotations/{mine.pk}/history/").content.decode()
    assert "Created" in history and "miR-522" in history


def test_history_is_closed_to_other_curators(client, citation, curator, other_curator):
    mine = annotation(citation, curator, state="accepted")
    client.force_login(other_curator)
    assert client.get(f"/curation/annotations/{mine.pk}/history/").status_code == 403


def test_curator_cannot_touch_someone_elses_draft(client, citation, curator, other_curator):
    theirs = annotation(citation, other_curator)
    client.force_login(curator)
    assert client.post(f"/curation/annotations/{theirs.pk}/submit/").status_code == 404
    response = client.post(f"/curation/annotations/{theirs.pk}/", post_data(mechanism_values(), expected_version=1))
    assert response.status_code == 404


# --- the editors' inbox


def test_inbox_lists_submitted_annotations_of_others(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    draft = annotation(citation, curator)
    client.force_login(editor)
    page = client.get("/curation/inbox/").content.decode()
    assert f'id="inbox-{waiting.pk}"' in page and f'id="inbox-{draft.pk}"' not in page
    assert 'data-key="a"' in page and 'data-key-focus="r"' in page and 'data-key="A"' in page


def test_accept_from_the_inbox(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post(
        f"/curation/annotations/{waiting.pk}/accept/", {"partial": "inbox", "version": waiting.version}, **HTMX
    )
    assert response.status_code == 200
    assert f'id="inbox-{waiting.pk}"' in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "accepted" and waiting.reviewed_by == editor


def test_reject_requires_a_comment(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post(f"/curation/annotations/{waiting.pk}/reject/", {"comment": ""}, follow=True)
    assert "Say why you reject it" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "submitted"
    client.post(f"/curation/annotations/{waiting.pk}/reject/", {"comment": "Cargo is miR-21, not miR-522"})
    waiting.refresh_from_db()
    assert waiting.state == "rejected" and waiting.review_comment == "Cargo is miR-21, not miR-522"
    client.force_login(curator)
    page = client.get(workspace_url(citation)).content.decode()
    assert "Cargo is miR-21, not miR-522" in page


def test_bulk_accept(client, citation, curator, editor):
    first = annotation(citation, curator, state="submitted")
    second = annotation(citation, curator, state="submitted")
    left = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post("/curation/inbox/accept/", {"annotations": [first.pk, second.pk]}, follow=True)
    assert "Accepted 2 annotations." in response.content.decode()
    states = dict(MechanismAnnotation.objects.values_list("pk", "state"))
    assert (states[first.pk], states[second.pk], states[left.pk]) == ("accepted", "accepted", "submitted")


def test_editor_cannot_accept_own_annotation_and_gets_a_message(client, citation, editor):
    own = annotation(citation, editor, state="submitted")
    client.force_login(editor)
    response = client.post(f"/curation/annotations/{own.pk}/accept/")
    assert response.status_code == 403
    assert "another editor must accept it" in response.content.decode()
    response = client.post(f"/curation/annotations/{own.pk}/accept/", **HTMX)
    assert response.status_code == 403 and response["HX-Retarget"] == "#flash"


def test_curator_cannot_accept(client, citation, curator, other_curator):
    theirs = annotation(citation, curator, state="accepted")
    client.force_login(other_curator)
    response = client.post(f"/curation/annotations/{theirs.pk}/accept/")
    assert response.status_code == 403
    assert "Only editors can accept annotations." in response.content.decode()


def test_inbox_query_count_is_flat(client, review, curator, editor, django_assert_max_num_queries):
    client.force_login(editor)
    first = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=1)
    annotation(first, curator, state="submitted")
    with django_assert_max_num_queries(20) as small:
        client.get("/curation/inbox/")
    for position in range(2, 12):
        cited = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position)
        services.comment_add(annotation=annotation(cited, curator, state="submitted"), user=curator, text="see")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/curation/inbox/")


# --- what each reader sees of an annotation's discussion


def test_comment_threads_follow_the_same_rule_on_the_page_as_in_the_api(client, citation, curator, editor, reader):
    accepted = annotation(citation, curator, state="submitted")
    services.annotation_reject(annotation=accepted, user=editor, comment="Internal: misreads Fig. 2 again")
    accepted.refresh_from_db()
    services.annotation_submit(annotation=accepted, user=curator)
    accepted.refresh_from_db()
    services.annotation_accept(annotation=accepted, user=editor)
    other_curator = make_user("olga", "curator")

    for user, reads_comments in [(None, False), (reader, False), (other_curator, True), (editor, True)]:
        client.logout()
        if user is not None:
            client.force_login(user)
        page = client.get(workspace_url(citation)).content.decode()
        api = client.get(f"/api/v1/annotations/{accepted.pk}/comments/")
        assert f'id="annotation-{accepted.pk}"' in page
        assert ("misreads Fig. 2" in page) is reads_comments, user
        assert api.status_code == (200 if reads_comments else 403), user


# --- accept: the comment and the count


def test_an_accept_comment_over_the_limit_is_refused_with_a_message(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post(
        f"/curation/annotations/{waiting.pk}/accept/", {"comment": "x" * 5001, "version": waiting.version}, follow=True
    )
    assert "Keep the comment to 5,000 characters or fewer; this one has 5001." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "submitted" and not waiting.comments.exists()
    htmx = client.post(f"/curation/annotations/{waiting.pk}/accept/", {"comment": "x" * 5001}, **HTMX)
    assert htmx.status_code == 400 and htmx["HX-Retarget"] == "#flash"


def test_a_comment_over_the_limit_says_so(client, citation, curator):
    mine = annotation(citation, curator)
    client.force_login(curator)
    response = client.post(f"/curation/annotations/{mine.pk}/comment/", {"text": "y" * 5001}, follow=True)
    assert "Keep the comment to 5,000 characters or fewer" in response.content.decode()
    assert not mine.comments.exists()


def test_bulk_accept_reports_the_annotations_it_accepted_not_the_ids_posted(client, citation, curator, editor):
    waiting = annotation(citation, curator, state="submitted")
    client.force_login(editor)
    response = client.post("/curation/inbox/accept/", {"annotations": [waiting.pk, waiting.pk, 999_999]}, follow=True)
    assert "Accepted 1 annotation." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "accepted"


# --- highlighting


def test_the_workspace_reuses_the_compiled_highlight_pattern(client, citation, monkeypatch):
    import re

    client.get(workspace_url(citation))  # the first view may build the vocabulary's pattern
    compiled = []
    compile_ = re.compile

    def spy(pattern, *args, **kwargs):
        if isinstance(pattern, str) and "alox15" in pattern.casefold():
            compiled.append(pattern)
        return compile_(pattern, *args, **kwargs)

    monkeypatch.setattr(re, "compile", spy)
    page = client.get(workspace_url(citation)).content.decode()
    assert '<mark class="term facet-target" title="Target / pathway: ALOX15">ALOX15</mark>' in page
    assert compiled == []


def test_the_highlight_legend_shows_only_when_something_is_marked(client, citation, review):
    assert 'class="legend"' in client.get(workspace_url(citation)).content.decode()
    plain = CitationFactory(
        review=review,
        article=ArticleFactory(title="A survey", abstract=[{"label": "", "category": "", "text": "Nothing here."}]),
        relation=Citation.Relation.REFERENCE,
        position=2,
    )
    assert 'class="legend"' not in client.get(workspace_url(plain)).content.decode()
