"""The editors' dashboard on a large review: 5,000 citations and 10,000 mechanism records (goal: under 200 ms).

The data is synthetic (titles say "Synthetic article", people are "synth-curator-N"), written with bulk_create:
one review citing 4,000 papers and cited by 1,000, 60% of them screened (two thirds in scope), in-scope citations
assigned to 12 curators, 10,000 records in every state with the history the services would have left (a created
and a submitted revision each, a verdict for the reviewed ones), 2,000 comments, 60 sync runs and 150 alerts.

Figures are medians (and the best) of repeated runs after warm-up: the whole page through Django's test client (an editor logged
in: middleware, selectors, template), the selectors alone, and the floor: the very SQL the page sends, replayed on a
cursor (what the database needs, with no ORM, no Python and no template).
"""

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Citation, EditorAlert, Review, SyncRun
from benchmarks.timing import timings_ms
from cafex_portal.roles import CURATOR_GROUP, EDITOR_GROUP
from curation.models import AnnotationComment, AnnotationRevision, Assignment, MechanismAnnotation, ScreeningDecision
from dashboard import selectors

REFERENCES = 4_000
CITED_BY = 1_000
RECORDS = 10_000
CURATORS = 12
RUNS = 30
SEED = 20261129
GOAL_MS = 200

State = MechanismAnnotation.State
Action = AnnotationRevision.Action


def _person(username: str, role: str):
    user = get_user_model().objects.create_user(username=username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def build(*, references: int = REFERENCES, cited_by: int = CITED_BY, records: int = RECORDS):
    rng = random.Random(SEED)
    started = time.perf_counter()
    now = timezone.now()
    people = [_person(f"synth-curator-{n}", CURATOR_GROUP) for n in range(CURATORS)]
    boss = _person("synth-editor", EDITOR_GROUP)
    total = references + cited_by + 1
    Article.objects.bulk_create(
        [
            Article(pmid=80_000_000 + n, title=f"Synthetic article {n}", journal_iso="J Synth", pub_year=2000 + n % 25)
            for n in range(total)
        ],
        batch_size=2_000,
    )
    articles = list(Article.objects.filter(pmid__gte=80_000_000).order_by("pmid").values_list("pk", flat=True))
    review = Review.objects.create(article_id=articles[0])
    rows = [
        Citation(review=review, article_id=pk, relation=Citation.Relation.REFERENCE, position=n)
        for n, pk in enumerate(articles[1 : references + 1], start=1)
    ]
    rows += [
        Citation(review=review, article_id=pk, relation=Citation.Relation.CITED_BY) for pk in articles[references + 1 :]
    ]
    citations = Citation.objects.bulk_create(rows, batch_size=2_000)

    screened = citations[: int(len(citations) * 0.6)]
    in_scope = [c for n, c in enumerate(screened) if n % 3]
    decisions = [
        ScreeningDecision(
            citation=c, decision="in_scope" if n % 3 else "out_of_scope", reason="" if n % 3 else "not_caf",
            decided_by=people[n % CURATORS], decided_at=now - timedelta(days=rng.randrange(60)),
        )
        for n, c in enumerate(screened)
    ]  # fmt: skip
    ScreeningDecision.objects.bulk_create(decisions, batch_size=2_000)
    Assignment.objects.bulk_create(
        [Assignment(citation=c, curator=people[n % CURATORS], assigned_by=boss) for n, c in enumerate(in_scope[:-200])],
        batch_size=2_000,
    )

    states = [State.DRAFT] * 2 + [State.SUBMITTED] * 2 + [State.ACCEPTED] * 5 + [State.REJECTED]
    annotations = []
    for n in range(records):
        citation = in_scope[n % len(in_scope)]
        state = states[n % len(states)]
        submitted = now - timedelta(days=rng.randrange(56), minutes=n)
        reviewed = state in (State.ACCEPTED, State.REJECTED)
        annotations.append(
            MechanismAnnotation(
                citation=citation, author=people[n % CURATORS], state=state,
                submitted_at=None if state == State.DRAFT else submitted,
                reviewed_by=boss if reviewed else None, reviewed_at=submitted + timedelta(days=1) if reviewed else None,
                review_comment="Synthetic reason." if state == State.REJECTED else "",
            )
        )  # fmt: skip
    annotations = MechanismAnnotation.objects.bulk_create(annotations, batch_size=2_000)
    revisions = []
    for annotation in annotations:
        revisions.append(
            AnnotationRevision(annotation=annotation, actor=annotation.author, action=Action.CREATED, version=1)
        )
        if annotation.submitted_at:
            revisions.append(
                AnnotationRevision(annotation=annotation, actor=annotation.author, action=Action.SUBMITTED, version=2)
            )
        if annotation.reviewed_at:
            revisions.append(AnnotationRevision(annotation=annotation, actor=boss, action=annotation.state, version=3))
    revisions = AnnotationRevision.objects.bulk_create(revisions, batch_size=2_000)
    # created_at is auto_now_add: spread the history back over the chart's weeks, newest row newest, as time made it.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE curation_annotationrevision SET created_at = now() - (%s - id) * interval '3 minutes' "
            "WHERE id >= %s",
            [revisions[-1].pk, revisions[0].pk],
        )
    AnnotationComment.objects.bulk_create(
        [
            AnnotationComment(annotation=annotation, author=boss, text="Synthetic remark.")
            for annotation in annotations[::5]
        ],
        batch_size=2_000,
    )
    SyncRun.objects.bulk_create(
        [SyncRun(review=review, trigger=SyncRun.Trigger.SCHEDULE, state=SyncRun.State.SUCCEEDED, finished_at=now)] * 1
        + [SyncRun(review=review, trigger=SyncRun.Trigger.PAGE, state=SyncRun.State.PARTIAL, finished_at=now)
           for _ in range(59)]
    )  # fmt: skip
    EditorAlert.objects.bulk_create(
        [
            EditorAlert(article_id=c.article_id, kind=EditorAlert.Kind.RETRACTION, message=f"Synthetic alert {n}.")
            for n, c in enumerate(citations[:150])
        ]
    )
    with connection.cursor() as cursor:  # as autovacuum would leave them
        cursor.execute("VACUUM ANALYZE")
    print(f"  built {len(citations):,} citations, {len(annotations):,} mechanism records, {len(revisions):,} "
          f"revisions in {time.perf_counter() - started:.0f} s")  # fmt: skip
    return boss


def timed_ms(work: Callable[[], object], runs: int = RUNS, warmup: int = 3) -> tuple[float, float]:
    """(median, best) of `runs` timings after `warmup`: on a shared machine the best run shows the cost when
    nothing else competed for the cores."""
    timings = timings_ms(work, runs=runs, warmup=warmup)
    return statistics.median(timings), min(timings)


def run(*, quick: bool = False) -> None:
    if connection.vendor != "postgresql":
        print("Dashboard benchmark: needs PostgreSQL (DATABASE_URL=postgres://…); skipped.\n")
        return
    scale = 5 if quick else 1
    print(f"Dashboard benchmark: PostgreSQL, {RUNS} runs")
    boss = build(references=REFERENCES // scale, cited_by=CITED_BY // scale, records=RECORDS // scale)
    client = Client()
    client.force_login(boss)

    def page() -> None:
        response = client.get("/dashboard/")
        assert response.status_code == 200, response.status_code

    def reads() -> None:
        selectors.progress(user=boss)
        selectors.curator_stats(user=boss)
        selectors.alerts(user=boss)
        selectors.activity(user=boss)

    with CaptureQueriesContext(connection) as captured:
        page()
    statements = [query["sql"] for query in captured.captured_queries]

    def floor() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    (page_ms, page_best), (reads_ms, reads_best), (floor_ms, floor_best) = (
        timed_ms(page),
        timed_ms(reads),
        timed_ms(floor),
    )
    verdict = f"goal < {GOAL_MS} ms: {'met' if page_ms < GOAL_MS else 'NOT met'}"
    rows = [
        ("/dashboard/, the whole page (test client)", page_ms, page_best, verdict),
        ("  the selectors alone", reads_ms, reads_best, ""),
        (f"  floor: the page's {len(statements)} SQL statements replayed", floor_ms, floor_best,
         f"page / floor = {page_ms / floor_ms:.2f}"),
    ]  # fmt: skip
    load = os.getloadavg()[0]
    print(
        f"  {'':<{max(len(row[0]) for row in rows)}}   median      best   (load average {load:.1f} on {os.cpu_count()} cores)"
    )
    width = max(len(row[0]) for row in rows)
    for label, median, best, note in rows:
        print(f"  {label:<{width}} {median:>8.2f} ms {best:>8.2f} ms  {note}")
    print()
