"""Screening several citations at once: one decision, reason and note for all, all or nothing."""

import pytest

from articles.models import Citation
from cafex_portal.exceptions import ApplicationError, NotAllowedError
from curation import services
from curation.models import ScreeningDecision
from curation.selectors.queue import queue_next_undecided
from curation.services.screening import screening_set, screening_set_many

from .factories import CitationFactory, ReviewFactory, UserFactory, complete_values, curator

pytestmark = pytest.mark.django_db


def test_one_decision_with_one_reason_for_several_citations():
    review, user = ReviewFactory(), curator()
    citations = [CitationFactory(review=review) for _ in range(3)]
    decided = screening_set_many(
        citations=citations + citations[:1], user=user, decision="out_of_scope", reason="not_ev", note="reviews"
    )
    assert len(decided) == 3
    stored = ScreeningDecision.objects.filter(citation__in=citations)
    assert {(s.decision, s.reason, s.note, s.decided_by) for s in stored} == {
        ("out_of_scope", "not_ev", "reviews", user)
    }


def test_several_at_once_is_all_or_nothing_and_names_the_citation_that_failed():
    review, user = ReviewFactory(), curator()
    free = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=1)
    held = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=2)
    author = curator()
    draft = services.annotation_create(citation=held, user=author, values=complete_values())
    services.annotation_submit(annotation=draft, user=author)
    with pytest.raises(ApplicationError) as excinfo:
        screening_set_many(citations=[free, held], user=user, decision="out_of_scope", reason="not_caf")
    assert excinfo.value.message.startswith("#2: ") and "Nothing was screened" in excinfo.value.message
    assert excinfo.value.extra["failed"] == held.pk
    assert not ScreeningDecision.objects.exists()


def test_several_at_once_needs_a_curator_and_at_least_one_citation():
    with pytest.raises(NotAllowedError):
        screening_set_many(citations=[CitationFactory()], user=UserFactory(), decision="in_scope")
    with pytest.raises(ApplicationError) as excinfo:
        screening_set_many(citations=[], user=curator(), decision="in_scope")
    assert list(excinfo.value.extra["errors"]) == ["citations"]


def test_next_undecided_follows_the_queue_order_and_wraps_round():
    review, user = ReviewFactory(), curator()
    rows = [CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=n) for n in range(1, 5)]
    screening_set(citation=rows[1], user=user, decision="in_scope")
    assert queue_next_undecided(review=review, filters={}) == (rows[0].pk, 1)
    assert queue_next_undecided(review=review, filters={}, after=rows[0].pk) == (rows[2].pk, 3)
    assert queue_next_undecided(review=review, filters={}, after=rows[3].pk) == (rows[0].pk, 1)
    for row in rows:
        screening_set(citation=row, user=user, decision="in_scope")
    assert queue_next_undecided(review=review, filters={}) is None
