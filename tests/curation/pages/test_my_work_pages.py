"""“My work”: a curator's records by state, what is new since the last visit, and navigation links by role."""

import pytest

from curation import services
from curation.selectors.annotations import work_unseen_count

from .helpers import annotation

pytestmark = pytest.mark.django_db


def test_my_work_lists_my_records_by_state_with_the_reason_and_a_link_to_fix(client, citation, curator, other_curator):
    annotation(citation, curator, state="draft")
    annotation(citation, curator, state="submitted")
    rejected = annotation(citation, curator, state="rejected")
    annotation(citation, other_curator, state="draft")
    client.force_login(curator)
    page = client.get("/curation/my-work/").content.decode()
    assert 'id="work-rejected"' in page and 'id="work-draft"' in page and 'id="work-accepted"' in page
    assert page.count('class="work-item state-') == 3  # not the other curator's
    assert "Wrong cargo" in page
    fix = f"/curation/{citation.pk}/?edit={rejected.pk}#annotation-form"
    assert fix in page and f"Fix #{rejected.pk}" in page


def test_unseen_rejections_and_comments_are_counted_until_my_work_is_opened(client, citation, curator, editor):
    mine = annotation(citation, curator, state="rejected")
    client.force_login(curator)
    assert work_unseen_count(user=curator) == 1
    assert "1 new</span>" in client.get("/").content.decode()
    first = client.get("/curation/my-work/").content.decode()
    assert 'badge news">new' in first
    assert work_unseen_count(user=curator) == 0
    assert 'badge news">new' not in client.get("/curation/my-work/").content.decode()
    services.comment_add(annotation=mine, user=editor, text="See figure 4")
    services.comment_add(annotation=mine, user=curator, text="My own note")  # one's own comments are no news
    assert work_unseen_count(user=curator) == 1
    assert "1 new</span>" in client.get("/").content.decode()


def test_navigation_shows_only_links_the_role_can_use(client, curator, editor, reader):
    client.force_login(curator)
    page = client.get("/").content.decode()
    assert "/curation/my-work/" in page and "/curation/my-queue/" in page and "/curation/inbox/" not in page
    client.force_login(editor)
    assert "/curation/inbox/" in client.get("/").content.decode()
    client.force_login(reader)
    page = client.get("/").content.decode()
    assert "/curation/my-work/" not in page and "/curation/inbox/" not in page


def test_my_work_needs_a_curator(client, reader):
    assert client.get("/curation/my-work/").status_code == 302
    client.force_login(reader)
    assert client.get("/curation/my-work/").status_code == 403


def test_my_work_query_count_is_flat(client, review, curator, django_assert_max_num_queries):
    from articles.models import Citation
    from tests.curation.factories import CitationFactory

    client.force_login(curator)

    def grow(start: int, count: int) -> None:
        for position in range(start, start + count):
            cited = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=position)
            annotation(cited, curator, state="rejected")

    grow(1, 2)
    with django_assert_max_num_queries(30) as small:
        assert client.get("/curation/my-work/").status_code == 200
    grow(3, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/curation/my-work/").status_code == 200


def test_my_work_lists_my_proposals_and_why_one_was_refused(client, curator, editor):
    from curation.services.vocabulary import term_propose, term_refuse

    term_propose(facet="target", label="GPX4", user=curator)
    odd = term_propose(facet="target", label="odd thing", user=curator)
    term_refuse(term=odd, user=editor, reason="Not a target")
    client.force_login(curator)
    page = client.get("/curation/my-work/").content.decode()
    assert "GPX4</strong>" in page and "waiting for an editor" in page
    assert "refused</span> Not a target" in page
