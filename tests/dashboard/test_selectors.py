"""Every number of the dashboard against the database: each is recomputed here the slow way, row by row in Python,
and a few are also pinned to what the built data set holds, so both sides cannot be wrong together."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Citation, EditorAlert, SyncRun
from cafex_portal.exceptions import NotAllowedError
from curation import services
from curation.models import (
    AnnotationRevision,
    Assignment,
    ConflictResolution,
    CuratorScreening,
    MechanismAnnotation,
    ScreeningDecision,
    Term,
)
from curation.services import double as double_services
from dashboard import selectors
from dashboard.models import CitingPapersSeen
from tests.curation.factories import CitationFactory, ReviewFactory, complete_values, curator, editor

pytestmark = pytest.mark.django_db


def _expected_progress(review, user) -> dict:
    citations = list(Citation.objects.filter(review=review))
    decisions = {d.citation_id: d.decision for d in ScreeningDecision.objects.all()}
    annotations = list(MechanismAnnotation.objects.all())
    annotated = {a.citation_id for a in annotations}
    assigned = {a.citation_id for a in Assignment.objects.all()}
    seen = CitingPapersSeen.objects.filter(user=user, review=review).first()
    since = seen.seen_at if seen else user.date_joined
    own = {}
    for screening in CuratorScreening.objects.all():
        own.setdefault(screening.citation_id, set()).add(screening.decision)
    resolved = {r.citation_id for r in ConflictResolution.objects.filter(kind="screening")}
    in_scope = [c for c in citations if decisions.get(c.pk) == "in_scope"]
    out = [c for c in citations if decisions.get(c.pk) == "out_of_scope"]
    return {
        "total": len(citations),
        "reference": sum(c.relation == "reference" for c in citations),
        "cited_by": sum(c.relation == "cited_by" for c in citations),
        "similar": sum(c.relation == "similar" for c in citations),
        "in_scope": len(in_scope),
        "out_of_scope": len(out),
        "screened": len(in_scope) + len(out),
        "annotated": sum(c.pk in annotated for c in citations),
        "unassigned_in_scope": sum(c.pk not in assigned for c in in_scope),
        "conflicts": sum(len(own.get(c.pk, ())) > 1 and c.pk not in resolved for c in citations),
        "new_citing": sum(c.relation == "cited_by" and c.created_at > since for c in citations),
        "inbox": sum(a.state == "submitted" and a.citation.review_id == review.pk for a in annotations),
    }


def _expected_states(review) -> dict:
    states = dict.fromkeys(MechanismAnnotation.State.values, 0)
    for annotation in MechanismAnnotation.objects.select_related("citation"):
        if annotation.citation.review_id == review.pk:
            states[annotation.state] += 1
    return states


def test_progress_per_review_matches_the_database(world):
    rows, total = selectors.progress(user=world.eddie)
    assert [row.review for row in rows] == [world.first, world.second]  # the archived review is not shown
    for row in rows:
        assert row.counts == _expected_progress(row.review, world.eddie)
        assert row.annotations == _expected_states(row.review)
        waiting = MechanismAnnotation.objects.filter(citation__review=row.review, state="submitted")
        oldest = min(waiting, key=lambda a: (a.submitted_at, a.pk))
        assert (row.inbox_oldest_id, row.inbox_oldest_at) == (oldest.pk, oldest.submitted_at)
        latest = max(SyncRun.objects.filter(review=row.review), key=lambda run: (run.created_at, run.pk))
        assert row.latest_run == latest

    first = rows[0]
    assert first.counts["reference"] == 5 and first.counts["cited_by"] == 3 and first.counts["similar"] == 2
    assert (first.counts["in_scope"], first.counts["out_of_scope"], first.counts["unassigned_in_scope"]) == (3, 1, 1)
    assert first.annotations == {"draft": 1, "submitted": 1, "accepted": 1, "rejected": 1}
    assert first.counts["new_citing"] == 2  # eddie saw the first citing paper; two came after
    assert first.next_refresh == first.latest_run.created_at + timedelta(hours=24)
    assert rows[1].next_refresh is None  # never synced by the schedule


def test_the_totals_add_up_the_reviews(world):
    rows, total = selectors.progress(user=world.eddie)
    assert [row.counts["conflicts"] for row in rows] == [0, 1]
    for name, value in total.counts.items():
        assert value == sum(row.counts[name] for row in rows), name
    assert total.annotations == {"draft": 1, "submitted": 2, "accepted": 1, "rejected": 1}
    oldest = MechanismAnnotation.objects.filter(state="submitted").exclude(citation__review=world.archived)
    assert total.inbox_oldest_at == min(a.submitted_at for a in oldest)


def test_new_citing_papers_count_from_when_the_editor_joined_until_they_look(world):
    rows, _ = selectors.progress(user=world.erin)  # erin joined long ago and never looked
    assert [row.counts["new_citing"] for row in rows] == [3, 1]
    CitingPapersSeen.objects.create(user=world.erin, review=world.first, seen_at=timezone.now())
    rows, _ = selectors.progress(user=world.erin)
    assert [row.counts["new_citing"] for row in rows] == [0, 1]


def test_one_review_alone(world):
    rows, total = selectors.progress(user=world.eddie, review=world.second)
    assert [row.review for row in rows] == [world.second]
    assert total.counts == _expected_progress(world.second, world.eddie)


def test_curator_numbers_match_the_database(world):
    people, weeks = selectors.curator_stats(user=world.eddie)
    by_name = {row.person.username: row for row in people}
    assert set(by_name) == {"cora", "carl", "eddie", "erin"}
    this_week = weeks[-1]
    revisions = list(AnnotationRevision.objects.select_related("annotation"))
    for row in by_name.values():
        person = row.person
        submitted = [r for r in revisions if r.action == "submitted" and r.actor_id == person.pk]
        assert row.submitted_this_week == sum(r.created_at >= this_week for r in submitted)
        assert sum(row.weekly) == sum(r.created_at >= weeks[0] for r in submitted)
        screened = ScreeningDecision.objects.filter(decided_by=person).exclude(decision="undecided")
        assert row.screened_this_week == sum(d.decided_at >= this_week for d in screened)
        verdicts = [r for r in revisions if r.annotation and r.annotation.author_id == person.pk]
        assert row.accepted == sum(r.action == "accepted" for r in verdicts)
        assert row.rejected == sum(r.action == "rejected" for r in verdicts)
        open_count = 0
        for assignment in Assignment.objects.filter(curator=person).select_related("citation"):
            decision = ScreeningDecision.objects.filter(citation=assignment.citation).first()
            done = MechanismAnnotation.objects.filter(citation=assignment.citation, author=person).exclude(
                state="draft"
            )
            open_count += not done.exists() and not (decision and decision.decision == "out_of_scope")
        assert row.open_assignments == open_count

    cora, carl = by_name["cora"], by_name["carl"]
    assert (cora.submitted_this_week, cora.accepted, cora.rejected, cora.rejection_percent) == (2, 1, 1, 50)
    assert (carl.submitted_this_week, carl.open_assignments, carl.rejection_rate) == (2, 0, None)
    assert cora.open_assignments == 0 and cora.screened_this_week == 3
    assert selectors.weekly_totals(people)[-1] == 4


def test_submissions_fall_in_their_week(world):
    AnnotationRevision.objects.filter(action="submitted", actor=world.carl).update(
        created_at=timezone.now() - timedelta(weeks=2)
    )
    people, weeks = selectors.curator_stats(user=world.eddie)
    carl = next(row for row in people if row.person == world.carl)
    assert carl.submitted_this_week == 0
    assert carl.weekly[-3] == 2  # fourteen days back is always in the week before last
    assert sum(carl.weekly) == 2


def test_curator_numbers_for_one_review(world):
    people, _ = selectors.curator_stats(user=world.eddie, review=world.second)
    carl = next(row for row in people if row.person == world.carl)
    assert (carl.submitted_this_week, carl.screened_this_week) == (1, 1)


def test_alerts_are_those_of_public_reviews_with_who_dismissed(world):
    alerts = selectors.alerts(user=world.eddie)
    assert alerts.open == [world.open_alert] and alerts.open_count == 1
    assert alerts.dismissed == [world.dismissed_alert]
    assert alerts.dismissed[0].acknowledged_by == world.erin
    assert alerts.reviews_of == {world.open_alert.article_id: [world.first.article.pmid]}
    assert selectors.alerts(user=world.eddie, review=world.second).open == []
    open_in_db = [
        a
        for a in EditorAlert.objects.filter(acknowledged_at__isnull=True)
        if Citation.objects.filter(article=a.article, review__archived_at__isnull=True).exists()
    ]
    assert alerts.open_count == len(open_in_db)


def test_activity_says_who_did_what_newest_first(world):
    items = selectors.activity(user=world.eddie)
    verbs = {item.verb for item in items}
    assert {"screened", "created", "submitted", "accepted", "rejected", "commented on", "synced"} <= verbs
    assert [item.at for item in items] == sorted((item.at for item in items), reverse=True)
    assert len({item.key for item in items}) == len(items)
    comment = next(item for item in items if item.verb == "commented on")
    assert comment.actor == world.erin and comment.url == f"/curation/annotations/{world.waiting.pk}/history/"
    scheduled = next(item for item in items if item.verb == "synced" and item.review_pmid == world.first.article.pmid)
    assert scheduled.actor_name == "The schedule"
    assert all(item.review_pmid != world.archived.article.pmid for item in items)


def test_activity_narrowed_to_a_person_and_a_review(world):
    mine = selectors.activity(user=world.eddie, person_id=world.carl.pk)
    assert mine and all(item.actor == world.carl for item in mine)
    second = selectors.activity(user=world.eddie, review=world.second)
    assert second and all(item.review_pmid == world.second.article.pmid for item in second)
    assert selectors.activity(user=world.eddie, person_id=world.visitor.pk) == []


@pytest.mark.parametrize("who", ["cora", "visitor", "anonymous"])
def test_only_editors_may_read_it(world, who):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else getattr(world, who)
    for read in (selectors.progress, selectors.curator_stats, selectors.alerts, selectors.activity):
        with pytest.raises(NotAllowedError):
            read(user=user)
    with pytest.raises(NotAllowedError):
        selectors.review_list_managed(user=user)


def test_the_managed_review_list_counts_curated_work(world):
    reviews = {review.pk: review for review in selectors.review_list_managed(user=world.eddie)}
    assert list(reviews)[-1] == world.archived.pk  # archived last
    first = reviews[world.first.pk]
    assert first.citation_count == Citation.objects.filter(review=world.first).count()
    assert first.record_count == MechanismAnnotation.objects.filter(citation__review=world.first).count() == 4
    assert first.screened_count == ScreeningDecision.objects.filter(citation__review=world.first).count() == 4
    assert first.assignment_count == Assignment.objects.filter(citation__review=world.first).count() == 3


def test_term_proposals_waiting(world):
    assert selectors.term_proposals_waiting(user=world.eddie) == Term.objects.filter(status="proposed").count() == 1


def test_under_double_annotation_the_dashboard_neither_counts_nor_tells_a_hidden_record(db):
    eddie, erin, cora = editor("eddie-dbl"), editor("erin-dbl"), curator("cora-dbl")
    review = ReviewFactory()
    double_services.review_curation_settings_set(review=review, user=eddie, double_annotation=True)
    record = services.annotation_create(citation=CitationFactory(review=review), user=cora, values=complete_values())
    services.annotation_submit(annotation=record, user=cora)

    rows, _ = selectors.progress(user=erin, review=review)
    assert rows[0].counts["inbox"] == 0 and rows[0].inbox_oldest_id is None  # it waits for the conflict page
    assert rows[0].annotations["submitted"] == 1
    told = [item.what for item in selectors.activity(user=erin, review=review)]
    assert f"mechanism record {record.pk}" not in told  # blind until both curators are done
    otto = curator("otto-dbl")
    second = services.annotation_create(citation=record.citation, user=otto, values=complete_values())
    services.annotation_submit(annotation=second, user=otto)
    rows, _ = selectors.progress(user=erin, review=review)
    assert rows[0].counts["conflicts"] == 1  # both done: it waits on the conflict page for an editor
    double_services.annotation_conflict_resolve(citation=record.citation, user=erin, keep=cora.pk)
    rows, _ = selectors.progress(user=erin, review=review)
    assert rows[0].counts["conflicts"] == 0
