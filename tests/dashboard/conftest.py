"""A built data set for the dashboard: two public reviews and an archived one, people of every role, screening,
assignments, mechanism records in every state with their history, comments, sync runs and alerts.

All of it is synthetic (factory titles), made through the curation services so the history is what pages make.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Citation, EditorAlert, Review, SyncRun
from curation import services
from curation.models import CuratorScreening, MechanismAnnotation, Term
from dashboard.models import CitingPapersSeen
from tests.curation.factories import ArticleFactory, CitationFactory, ReviewFactory, TermFactory, complete_values
from tests.factories import UserFactory, curator, editor

REFERENCE, CITED_BY, SIMILAR = Citation.Relation.REFERENCE, Citation.Relation.CITED_BY, Citation.Relation.SIMILAR


@dataclass
class World:
    first: Review
    second: Review
    archived: Review
    cora: object
    carl: object
    eddie: object
    erin: object
    visitor: object
    waiting: MechanismAnnotation  # submitted, in the inbox
    open_alert: EditorAlert
    dismissed_alert: EditorAlert


def _references(review: Review, count: int, start: int = 1) -> list[Citation]:
    return [
        CitationFactory(review=review, relation=REFERENCE, position=position)
        for position in range(start, start + count)
    ]


def _submitted(citation: Citation, author) -> MechanismAnnotation:
    draft = services.annotation_create(citation=citation, user=author, values=complete_values())
    return services.annotation_submit(annotation=draft, user=author)


def build_world() -> World:
    cora, carl = curator("cora"), curator("carl")
    eddie, erin = editor("eddie"), editor("erin")
    visitor = UserFactory(username="vic")
    long_ago = timezone.now() - timedelta(days=400)
    type(eddie).objects.filter(pk__in=[eddie.pk, erin.pk]).update(date_joined=long_ago)
    eddie.refresh_from_db()
    erin.refresh_from_db()

    first = ReviewFactory()
    refs = _references(first, 4)
    CitationFactory(review=first, relation=REFERENCE, position=5, article=None, citation_text="Unresolved, 2019.")
    citing = [CitationFactory(review=first, relation=CITED_BY) for _ in range(3)]
    [CitationFactory(review=first, relation=SIMILAR, score=0.5) for _ in range(2)]

    second = ReviewFactory()
    second_refs = _references(second, 2)
    CitationFactory(review=second, relation=CITED_BY)

    archived = ReviewFactory(archived_at=timezone.now())
    archived_ref = _references(archived, 1)[0]

    services.screening_set(citation=refs[0], user=cora, decision="in_scope")
    services.screening_set(citation=refs[1], user=carl, decision="in_scope")
    services.screening_set(citation=refs[2], user=cora, decision="out_of_scope", reason="not_caf")
    services.screening_set(citation=citing[0], user=cora, decision="in_scope")  # in scope, nobody assigned
    services.screening_set(citation=second_refs[0], user=carl, decision="in_scope")
    services.screening_set(citation=archived_ref, user=carl, decision="in_scope")
    services.assignment_create(citations=[refs[0]], curator=cora, user=eddie)
    services.assignment_create(citations=[refs[1], second_refs[0]], curator=carl, user=eddie)
    services.assignment_create(citations=[refs[2]], curator=carl, user=eddie)  # screened out: not open

    accepted = _submitted(refs[0], cora)
    services.annotation_accept(annotation=accepted, user=eddie)
    rejected = _submitted(refs[0], cora)
    services.annotation_reject(annotation=rejected, user=eddie, comment="The figure does not show the cargo.")
    waiting = _submitted(refs[1], carl)
    services.annotation_create(citation=citing[0], user=cora, values=complete_values())  # a draft
    _submitted(second_refs[0], carl)
    services.comment_add(annotation=waiting, user=erin, text="Check the donor cells.")

    # Double screening of the second review's other reference: the two curators disagree, nobody resolved it yet.
    for person, decision, reason in ((cora, "in_scope", ""), (carl, "out_of_scope", "not_ev")):
        CuratorScreening.objects.create(
            citation=second_refs[1], curator=person, decision=decision, reason=reason, decided_at=timezone.now()
        )
    TermFactory(status=Term.Status.PROPOSED, created_by=cora)

    # eddie looked at the first review's citing papers before the last two were linked.
    seen_at = timezone.now() - timedelta(days=3)
    Citation.objects.filter(pk=citing[0].pk).update(created_at=seen_at - timedelta(days=1))
    CitingPapersSeen.objects.create(user=eddie, review=first, seen_at=seen_at)

    now = timezone.now()
    SyncRun.objects.create(
        review=first, trigger=SyncRun.Trigger.SCHEDULE, state=SyncRun.State.SUCCEEDED, total=9, done=9,
        started_at=now - timedelta(hours=2), finished_at=now - timedelta(hours=1), message="Synced.",
    )  # fmt: skip
    SyncRun.objects.create(
        review=second, trigger=SyncRun.Trigger.PAGE, started_by=eddie, state=SyncRun.State.FAILED,
        started_at=now - timedelta(minutes=30), finished_at=now - timedelta(minutes=29), failed_count=2,
        message="NCBI did not answer.",
    )  # fmt: skip

    open_alert = EditorAlert.objects.create(
        article=refs[0].article, kind=EditorAlert.Kind.RETRACTION, message="Retracted (synthetic test notice)."
    )
    dismissed_alert = EditorAlert.objects.create(
        article=second_refs[1].article,
        kind=EditorAlert.Kind.ERRATUM,
        message="Erratum (synthetic test notice).",
        acknowledged_by=erin,
        acknowledged_at=now,
    )
    # A paper only the archived review cites: its alert is nobody's business on the dashboard.
    EditorAlert.objects.create(
        article=archived_ref.article, kind=EditorAlert.Kind.RETRACTION, message="Retracted, archived review."
    )
    # An article in no review at all.
    EditorAlert.objects.create(article=ArticleFactory(), kind=EditorAlert.Kind.ERRATUM, message="Unrelated.")
    return World(
        first=first, second=second, archived=archived, cora=cora, carl=carl, eddie=eddie, erin=erin,
        visitor=visitor, waiting=waiting, open_alert=open_alert, dismissed_alert=dismissed_alert,
    )  # fmt: skip


@pytest.fixture
def world(db) -> World:
    return build_world()
