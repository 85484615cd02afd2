"""Reads: who sees which annotations, the curation queue and its counts, vocabulary search and highlights."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from curation import selectors, services
from curation.filters import AnnotationFilter
from curation.models import Term

from .factories import (
    ArticleFactory,
    CitationFactory,
    MechanismAnnotationFactory,
    ReviewFactory,
    ScreeningDecisionFactory,
    TermFactory,
    UserFactory,
    curator,
    editor,
    ensure_seed,
    superuser,
)

pytestmark = pytest.mark.django_db
DONE = {"submitted_at": "2024-01-01T00:00Z", "reviewed_at": "2024-01-02T00:00Z"}


def test_visibility_by_role():
    author = curator()
    own = MechanismAnnotationFactory(author=author)
    others_draft = MechanismAnnotationFactory()
    submitted = MechanismAnnotationFactory(state="submitted", submitted_at=DONE["submitted_at"])
    accepted = MechanismAnnotationFactory(state="accepted", **DONE)

    def visible(user):
        return set(selectors.annotation_visible_to(user=user).values_list("pk", flat=True))

    assert visible(AnonymousUser()) == {accepted.pk}
    assert visible(None) == {accepted.pk}
    assert visible(UserFactory()) == {accepted.pk}
    assert visible(author) == {own.pk, accepted.pk}
    everything = {own.pk, others_draft.pk, submitted.pk, accepted.pk}
    assert visible(editor()) == everything
    assert visible(superuser()) == everything


def test_annotation_list_filters_by_facet_label_or_id_and_state():
    ensure_seed()
    miR21 = Term.objects.get(facet="cargo", label="miR-21")
    miR522 = Term.objects.get(facet="cargo", label="miR-522")
    a = MechanismAnnotationFactory(terms=[miR21])
    b = MechanismAnnotationFactory(terms=[miR522], state="submitted", submitted_at=DONE["submitted_at"])
    user = editor()

    def ids(**filters):
        filterset = AnnotationFilter(data=QueryDict(urlencode(filters)), queryset=selectors.annotation_list(user=user))
        assert filterset.is_valid(), filterset.errors
        return [x.pk for x in filterset.qs]

    assert ids(cargo="miR-21") == [a.pk]
    assert ids(cargo="MIR-21") == [a.pk]
    assert ids(cargo=str(miR522.pk)) == [b.pk]
    assert sorted(ids(cargo=f"miR-21,{miR522.pk}")) == sorted([a.pk, b.pk])
    assert ids(cargo="miR-nothing") == []
    assert ids(state="submitted") == [b.pk]
    assert ids(pmid=a.citation.article.pmid) == [a.pk]
    assert ids(review=b.citation.review.article.pmid) == [b.pk]


def test_a_filter_by_a_merged_label_finds_the_annotations_that_moved():
    source, target = TermFactory(label="old name"), TermFactory(label="new name")
    annotation = MechanismAnnotationFactory(terms=[source])
    services.term_merge(source=source, target=target, user=editor())
    visible = selectors.annotation_list(user=editor())
    assert [x.pk for x in AnnotationFilter(data={"cargo": "old name"}, queryset=visible).qs] == [annotation.pk]


def test_inbox_lists_others_submissions_oldest_first():
    reviewer = editor()
    mine = MechanismAnnotationFactory(author=reviewer, state="submitted", submitted_at="2024-01-01T00:00Z")
    later = MechanismAnnotationFactory(state="submitted", submitted_at="2024-03-01T00:00Z")
    earlier = MechanismAnnotationFactory(state="submitted", submitted_at="2024-02-01T00:00Z")
    MechanismAnnotationFactory()
    assert [a.pk for a in selectors.annotation_list_awaiting_review(user=reviewer)] == [earlier.pk, later.pk]
    assert mine.pk in [a.pk for a in selectors.annotation_list_awaiting_review(user=editor())]
    assert list(selectors.annotation_list_awaiting_review(user=curator())) == []


def _review_with_citations():
    review = ReviewFactory()
    refs = [
        CitationFactory(review=review, relation="reference", position=p, article=ArticleFactory(title=f"Ref {p}"))
        for p in (2, 1, 3)
    ]
    cited = CitationFactory(review=review, relation="cited_by", article=ArticleFactory(title="Citing paper"))
    similar = CitationFactory(review=review, relation="similar", score=9.5, article=ArticleFactory(title="Similar"))
    return review, sorted(refs, key=lambda c: c.position), cited, similar


def test_curation_queue_orders_and_annotates():
    review, refs, cited, similar = _review_with_citations()
    ScreeningDecisionFactory(citation=refs[0], decision="in_scope")
    ScreeningDecisionFactory(citation=refs[1], decision="out_of_scope", reason="not_caf")
    MechanismAnnotationFactory(citation=refs[0])
    MechanismAnnotationFactory(citation=refs[0], state="accepted", **DONE)
    MechanismAnnotationFactory(citation=cited, state="submitted", submitted_at=DONE["submitted_at"])

    queue = list(selectors.curation_queue(review=review))
    assert [c.pk for c in queue] == [refs[0].pk, refs[1].pk, refs[2].pk, cited.pk, similar.pk]
    first = queue[0]
    assert (first.annotation_count, first.accepted_count, first.submitted_count) == (2, 1, 0)
    assert [c.decision_value for c in queue] == ["in_scope", "out_of_scope", "undecided", "undecided", "undecided"]

    def pks(**kwargs):
        return [c.pk for c in selectors.curation_queue(review=review, **kwargs)]

    assert pks(decision="undecided") == [refs[2].pk, cited.pk, similar.pk]
    assert pks(decision="out_of_scope") == [refs[1].pk]
    assert pks(state="submitted") == [cited.pk]
    assert pks(relation="similar") == [similar.pk]
    assert pks(text="citing") == [cited.pk]
    assert pks(text=str(similar.article.pmid)) == [similar.pk]


def test_curation_queue_query_count_does_not_grow_with_the_page():
    review, refs, cited, similar = _review_with_citations()
    worker = curator()
    services.assignment_create(citations=refs, curator=worker, user=editor())
    with CaptureQueriesContext(connection) as small:
        for citation in selectors.curation_queue(review=review)[:2]:
            [a.curator.username for a in citation.assignments.all()]
            getattr(citation, "screening", None)
    for position in range(4, 30):
        CitationFactory(review=review, relation="reference", position=position)
    with CaptureQueriesContext(connection) as large:
        for citation in selectors.curation_queue(review=review):
            [a.curator.username for a in citation.assignments.all()]
    assert len(large.captured_queries) == len(small.captured_queries)


def test_queue_counts():
    review, refs, cited, similar = _review_with_citations()
    ScreeningDecisionFactory(citation=refs[0], decision="in_scope")
    ScreeningDecisionFactory(citation=refs[1], decision="out_of_scope", reason="duplicate")
    ScreeningDecisionFactory(citation=refs[2], decision="undecided")
    MechanismAnnotationFactory(citation=refs[0], state="accepted", **DONE)
    MechanismAnnotationFactory(citation=refs[0])
    MechanismAnnotationFactory(citation=cited)
    counts = selectors.queue_counts(review=review)
    assert counts == {
        "total": 5,
        "screened": 2,
        "in_scope": 1,
        "out_of_scope": 1,
        "undecided": 3,
        "with_annotations": 2,
        "accepted": 1,
        "assigned": 0,
        "annotations": {"draft": 2, "submitted": 0, "accepted": 1, "rejected": 0},
    }


def test_my_queue_and_assignee_filter():
    review, refs, cited, similar = _review_with_citations()
    me, other = curator(), curator()
    boss = editor()
    services.assignment_create(citations=[cited, refs[1]], curator=me, user=boss)
    services.assignment_create(citations=[refs[1]], curator=other, user=boss)
    MechanismAnnotationFactory(citation=cited, author=me)
    queue = list(selectors.citation_list_assigned(user=me))
    assert [c.pk for c in queue] == [cited.pk, refs[1].pk]
    assert [c.my_annotation_count for c in queue] == [1, 0]
    assert [c.pk for c in selectors.curation_queue(review=review, assignee=other)] == [refs[1].pk]
    assert [c.pk for c in selectors.curation_queue(review=review, assignee="none")] == [
        refs[0].pk,
        refs[2].pk,
        similar.pk,
    ]
    assert list(selectors.citation_list_assigned(user=AnonymousUser())) == []


def test_term_search_prefix_first_synonyms_and_statuses():
    ensure_seed()
    labels = [t.label for t in selectors.term_search(facet="cargo", q="mir-2")]
    assert labels[:1] == ["miR-21"]
    assert "miR-522" not in labels  # "mir-2" is no substring of "mir-522"
    assert [t.label for t in selectors.term_search(facet="target", q="cd274")] == ["PD-L1"]
    assert [t.label for t in selectors.term_search(facet="cancer_type", q="HCC")] == ["hepatocellular carcinoma"]
    anywhere = TermFactory(facet="drug", label="nab-paclitaxel")
    found = [t.label for t in selectors.term_search(facet="drug", q="paclitaxel")]
    assert found == ["paclitaxel", "nab-paclitaxel"]  # label prefix before a match inside a name
    services.term_retire(term=anywhere, user=editor())
    assert [t.label for t in selectors.term_search(facet="drug", q="paclitaxel")] == ["paclitaxel"]
    assert "nab-paclitaxel" in [
        t.label for t in selectors.term_search(facet="drug", q="paclitaxel", include_retired=True)
    ]
    assert len(selectors.term_search(facet="effect", limit=3)) == 3


def test_term_highlights_find_names_at_word_edges():
    ensure_seed()
    text = "CAF-derived miR-21 and miR-210 enhance cisplatin chemoresistance in gastric cancer via <i>PTEN</i>."
    found = [(text[s:e], t.label) for s, e, t in selectors.term_highlights(text=text)]
    assert ("miR-21", "miR-21") in found
    assert not any(match == "miR-210" or match.startswith("miR-210") for match, _ in found)
    assert ("cisplatin", "cisplatin") in found
    assert ("chemoresistance", "chemoresistance") in found
    assert ("gastric cancer", "gastric cancer") in found  # the longer name wins over the synonym "gastric"
    assert ("PTEN", "PTEN") in found
    assert not any("enhance" in match for match, _ in found)  # direction words are not highlighted
    starts = [s for s, _, _ in selectors.term_highlights(text=text)]
    assert starts == sorted(starts)


def test_term_highlights_cost_one_query_while_the_vocabulary_is_unchanged():
    ensure_seed()
    selectors.term_highlights(text="miR-21")
    with CaptureQueriesContext(connection) as ctx:
        selectors.term_highlights(text="miR-21 and PTEN")
    assert len(ctx.captured_queries) == 1
    services.term_create(facet="cargo", label="miR-1246", user=editor())
    assert [t.label for _, _, t in selectors.term_highlights(text="exosomal miR-1246")] == ["miR-1246"]


def test_the_not_annotated_filter_keeps_citations_without_any_annotation():
    review, refs, cited, similar = _review_with_citations()
    MechanismAnnotationFactory(citation=refs[0])
    MechanismAnnotationFactory(citation=refs[1], state="rejected", review_comment="Which cell line?", **DONE)
    MechanismAnnotationFactory(citation=cited, state="accepted", **DONE)
    untouched = [c.pk for c in selectors.curation_queue(review=review, state=selectors.NOT_ANNOTATED)]
    assert untouched == [refs[2].pk, similar.pk]
    assert [c.pk for c in selectors.curation_queue(review=review, state="none", relation="similar")] == [similar.pk]
