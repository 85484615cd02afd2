"""The admin shows every curation model and changes the vocabulary through the services."""

import pytest
from django.test import Client

from curation import services
from curation.models import MechanismAnnotation, Term

from .factories import (
    AssignmentFactory,
    CitationFactory,
    MechanismAnnotationFactory,
    ScreeningDecisionFactory,
    TermFactory,
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
