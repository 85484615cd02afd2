"""The admin shows every curation model, changes the vocabulary through the services and writes nothing else."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory

from curation import services
from curation.models import AnnotationComment, Assignment, MechanismAnnotation, Term

from .factories import (
    AssignmentFactory,
    CitationFactory,
    MechanismAnnotationFactory,
    ScreeningDecisionFactory,
    TermFactory,
    UserFactory,
    complete_values,
    curator,
    editor,
    superuser,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    client = Client()
    client.force_login(superuser())
    return client


@pytest.mark.parametrize(
    "model",
    ["term", "screeningdecision", "assignment", "mechanismannotation", "annotationrevision", "annotationcomment"],
)
def test_changelists_load_with_search_and_filters(admin_client_, model):
    MechanismAnnotationFactory(terms=[TermFactory()]).comments.create(author=curator(), text="hello")
    response = admin_client_.get(f"/admin/curation/{model}/", {"q": "x"})
    assert response.status_code == 200
    assert admin_client_.get(f"/admin/curation/{model}/").status_code == 200


def test_annotation_change_page_is_read_only(admin_client_):
    annotation = MechanismAnnotationFactory(terms=[TermFactory()])
    response = admin_client_.get(f"/admin/curation/mechanismannotation/{annotation.pk}/change/")
    assert response.status_code == 200


def test_adding_a_term_goes_through_the_rules(admin_client_):
    form = {"facet": "drug", "label": "docetaxel", "synonyms": '["Taxotere"]', "identifier": "chebi:59809"}
    response = admin_client_.post("/admin/curation/term/add/", form)
    assert response.status_code == 302
    term = Term.objects.get(facet="drug", label="docetaxel")
    assert (term.identifier, term.search_text) == ("CHEBI:59809", "|docetaxel|taxotere|")
    clash = admin_client_.post("/admin/curation/term/add/", {**form, "label": "DOCETAXEL", "identifier": ""})
    assert clash.status_code == 200
    assert "already a drug term" in clash.content.decode()
    bad = admin_client_.post("/admin/curation/term/add/", {**form, "label": "x", "identifier": "nonsense"})
    assert "not an identifier we know" in bad.content.decode()


def test_merge_and_retire_actions_call_the_services(admin_client_):
    source, target, other = TermFactory(label="dup"), TermFactory(label="kept"), TermFactory(label="old")
    annotation = MechanismAnnotationFactory(terms=[source])
    response = admin_client_.post(
        "/admin/curation/term/",
        {"action": "merge_selected", "_selected_action": [source.pk], "merge_into": target.pk},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.status, source.merged_into_id) == ("merged", target.pk)
    assert list(MechanismAnnotation.objects.get(pk=annotation.pk).terms.all()) == [target]
    admin_client_.post("/admin/curation/term/", {"action": "retire_selected", "_selected_action": [other.pk]})
    other.refresh_from_db()
    assert other.status == "retired"


CHANGELISTS = [
    "term",
    "screeningdecision",
    "assignment",
    "mechanismannotation",
    "annotationrevision",
    "annotationcomment",
]


def _curated_citations(count: int) -> None:
    """Rows for every curation changelist: a term, an annotation with its revision and a comment, a screening
    decision and an assignment per citation."""
    for _ in range(count):
        citation = CitationFactory()
        author = curator()
        annotation = services.annotation_create(citation=citation, user=author, values={"cargo": [TermFactory().pk]})
        annotation.comments.create(author=author, text="see Fig. 2")
        ScreeningDecisionFactory(citation=citation)
        AssignmentFactory(citation=citation, curator=author)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_query_count_is_flat(admin_client_, model, django_assert_max_num_queries):
    _curated_citations(2)
    with django_assert_max_num_queries(30) as small:
        assert admin_client_.get(f"/admin/curation/{model}/").status_code == 200
    _curated_citations(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client_.get(f"/admin/curation/{model}/").status_code == 200


def test_a_staff_editor_can_read_every_record_in_the_admin_but_not_edit_it(client):
    user = editor("ada", is_staff=True)
    client.force_login(user)
    for url in ["/admin/articles/article/", "/admin/articles/review/", "/admin/articles/syncrun/",
                "/admin/curation/term/", "/admin/curation/mechanismannotation/", "/admin/articles/editoralert/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url
    assert not user.has_perm("articles.change_article")
    assert not user.has_perm("curation.change_mechanismannotation")


# --- the admin shows what the services write; it does not write it


def _screened_out_citation_with_annotation():
    annotation = MechanismAnnotationFactory(terms=[TermFactory()])
    ScreeningDecisionFactory(citation=annotation.citation, decision="out_of_scope", reason="not_ev")
    return annotation


def test_a_superuser_cannot_save_an_annotation_through_the_admin(admin_client_):
    annotation = _screened_out_citation_with_annotation()
    before = MechanismAnnotation.objects.values().get(pk=annotation.pk)
    comment = annotation.comments.create(author=annotation.author, text="keep me")
    url = f"/admin/curation/mechanismannotation/{annotation.pk}/change/"
    form = {
        "state": "accepted", "notes": "forged",
        "comments-TOTAL_FORMS": "1", "comments-INITIAL_FORMS": "1", "comments-0-id": comment.pk,
        "comments-0-DELETE": "on",
    }  # fmt: skip
    assert admin_client_.post(url, form).status_code == 403
    assert admin_client_.post(url.replace("/change/", "/delete/"), {"post": "yes"}).status_code == 403
    assert MechanismAnnotation.objects.values().get(pk=annotation.pk) == before
    assert annotation.comments.get().text == "keep me"
    page = admin_client_.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_a_superuser_cannot_write_comments_in_anothers_name(admin_client_):
    annotation = MechanismAnnotationFactory()
    victim = curator("victim")
    comment = annotation.comments.create(author=victim, text="original")
    forged = {"annotation": annotation.pk, "author": victim.pk, "text": "forged"}
    assert admin_client_.post("/admin/curation/annotationcomment/add/", forged).status_code == 403
    url = f"/admin/curation/annotationcomment/{comment.pk}"
    assert admin_client_.post(f"{url}/change/", forged).status_code == 403
    assert admin_client_.post(f"{url}/delete/", {"post": "yes"}).status_code == 403
    assert list(AnnotationComment.objects.values_list("text", flat=True)) == ["original"]


def test_a_superuser_cannot_screen_or_assign_through_the_admin(admin_client_):
    annotation = MechanismAnnotationFactory()
    screening = ScreeningDecisionFactory(citation=annotation.citation)
    out = {"citation": screening.citation_id, "decision": "out_of_scope", "reason": "not_ev", "note": ""}
    assert admin_client_.post(f"/admin/curation/screeningdecision/{screening.pk}/change/", out).status_code == 403
    assert admin_client_.post("/admin/curation/screeningdecision/add/", out).status_code == 403
    screening.refresh_from_db()
    assert screening.decision == "in_scope"
    assignment = AssignmentFactory()
    reader = UserFactory()
    data = {"citation": assignment.citation_id, "curator": reader.pk}
    assert admin_client_.post("/admin/curation/assignment/add/", data).status_code == 403
    assert admin_client_.post(f"/admin/curation/assignment/{assignment.pk}/change/", data).status_code == 403
    assert list(Assignment.objects.values_list("curator_id", flat=True)) == [assignment.curator_id]


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("mechanismannotation", lambda: MechanismAnnotationFactory()),
        ("annotationcomment", lambda: MechanismAnnotationFactory().comments.create(author=curator(), text="x")),
        (
            "annotationrevision",
            lambda: services.annotation_create(citation=CitationFactory(), user=curator(), values={}).revisions.get(),
        ),
        ("screeningdecision", lambda: ScreeningDecisionFactory()),
        ("assignment", lambda: AssignmentFactory()),
        ("term", lambda: TermFactory()),
    ],
)
def test_no_add_change_or_delete_buttons_for_service_records(admin_client_, model, make):
    record = make()
    site_model = admin.site._registry[type(record)]
    request = RequestFactory().get("/")
    request.user = superuser()
    editable = model == "term"  # saved through term_create / term_update
    assert site_model.has_add_permission(request) is editable
    assert site_model.has_change_permission(request, record) is editable
    assert site_model.has_delete_permission(request, record) is False
    assert "delete_selected" not in site_model.get_actions(request)
    assert admin_client_.post(f"/admin/curation/{model}/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


def test_editing_a_term_in_the_admin_goes_through_term_update(admin_client_, monkeypatch):
    term = TermFactory(facet="drug", label="oxaliplatinum")
    calls = []
    real = services.term_update

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "term_update", spy)
    form = {"label": "oxaliplatin-x", "synonyms": '["L-OHP-x"]', "identifier": "", "description": ""}
    response = admin_client_.post(f"/admin/curation/term/{term.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [c["term"].pk for c in calls] == [term.pk]
    term.refresh_from_db()
    assert (term.label, term.search_text) == ("oxaliplatin-x", "|oxaliplatin-x|l-ohp-x|")


def test_a_staff_user_without_the_editor_role_cannot_edit_terms_even_with_the_permission(client):
    user = UserFactory(username="staffer", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_term", "change_term", "add_term"]))
    term = TermFactory(label="before")
    client.force_login(user)
    response = client.post(f"/admin/curation/term/{term.pk}/change/", {"label": "after", "synonyms": "[]"})
    assert response.status_code == 403
    term.refresh_from_db()
    assert term.label == "before"


def test_the_accept_action_still_accepts_through_the_service(admin_client_):
    author = curator("author")
    annotation = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    annotation = services.annotation_submit(annotation=annotation, user=author)
    response = admin_client_.post(
        "/admin/curation/mechanismannotation/", {"action": "accept_selected", "_selected_action": [annotation.pk]}
    )
    assert response.status_code == 302
    assert MechanismAnnotation.objects.get(pk=annotation.pk).state == "accepted"


def test_the_remove_action_removes_assignments_through_the_service(admin_client_):
    kept, removed = AssignmentFactory(), AssignmentFactory()
    response = admin_client_.post(
        "/admin/curation/assignment/", {"action": "remove_selected", "_selected_action": [removed.pk]}
    )
    assert response.status_code == 302
    assert list(Assignment.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.parametrize("model", ["screeningdecision", "assignment", "mechanismannotation"])
def test_the_review_filter_filters_and_ignores_what_is_not_an_id(admin_client_, model):
    shown, hidden = ScreeningDecisionFactory(), ScreeningDecisionFactory()
    for screening in (shown, hidden):
        AssignmentFactory(citation=screening.citation)
        MechanismAnnotationFactory(citation=screening.citation)
    changelist = admin_client_.get(f"/admin/curation/{model}/").content.decode()
    link = re.search(rf'href="\?((?:citation__)?review(?:__id__exact)?)={shown.citation.review_id}"', changelist)
    assert link, "the sidebar offers the review"
    parameter = link.group(1)
    filtered = admin_client_.get(f"/admin/curation/{model}/", {parameter: shown.citation.review_id})
    assert filtered.status_code == 200
    assert [row.citation_id for row in filtered.context["cl"].result_list] == [shown.citation_id]
    for value in ["²", "١", "12x", "-1", "9" * 30]:
        ignored = admin_client_.get(f"/admin/curation/{model}/", {parameter: value})
        assert ignored.status_code == 200, value
        assert len(ignored.context["cl"].result_list) == 2


@pytest.mark.parametrize("value", ["²", "12x", "-1", "9" * 30])
def test_merge_into_what_is_not_an_id_merges_nothing(admin_client_, value):
    source = TermFactory(label="dup")
    response = admin_client_.post(
        "/admin/curation/term/",
        {"action": "merge_selected", "_selected_action": [source.pk], "merge_into": value},
        follow=True,
    )
    assert response.status_code == 200
    source.refresh_from_db()
    assert source.status == "active"


def test_merge_into_a_non_ascii_digit_is_no_id(admin_client_):
    first = Term.objects.order_by("pk").first() or TermFactory()
    source = TermFactory(label="dup", facet=first.facet)
    response = admin_client_.post(
        "/admin/curation/term/",
        {
            "action": "merge_selected",
            "_selected_action": [source.pk],
            "merge_into": "".join(chr(0x0660 + int(d)) for d in str(first.pk)),
        },
        follow=True,
    )
    assert "Give the id of the term to merge into." in response.content.decode()
    source.refresh_from_db()
    assert source.status == "active"
