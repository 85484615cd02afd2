"""Real races on PostgreSQL: two threads, two connections, one winner, nothing lost."""

import threading
import time
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, connections

from cafex_portal.exceptions import ApplicationError, ConflictError
from cafex_portal.roles import CURATOR_GROUP, EDITOR_GROUP
from curation import services
from curation.models import AnnotationRevision, MechanismAnnotation, ScreeningDecision, Term
from curation.services import annotations as annotation_services
from curation.services import workflow as workflow_services
from curation.vocabulary_seed import seed_vocabulary

from .factories import CitationFactory, complete_values, curator

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module", autouse=True)
def migrated_data_back_afterwards(django_db_setup, django_db_blocker):
    """These tests commit, so their teardown empties every table; the tests that follow expect what the
    migrations put there (groups, vocabulary, content types). Restore it exactly when the test database was
    serialized, else re-create the curation data."""
    yield
    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(contents)
        else:
            seed_vocabulary(Term)
            for name in (CURATOR_GROUP, EDITOR_GROUP):
                Group.objects.get_or_create(name=name)


def run_together(count: int, work) -> list:
    """Start `count` threads on `work(i)` at the same moment; return each result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # the assertions look at it
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def slowed(function):
    """Hold the transaction open a moment after the version is taken, so the other writer must wait on it."""

    def wrapper(*args, **kwargs):
        time.sleep(0.3)
        return function(*args, **kwargs)

    return wrapper


def test_two_stale_writers_one_wins_the_other_gets_a_conflict(monkeypatch):
    user = curator()
    annotation = services.annotation_create(citation=CitationFactory(), user=user, values={}, notes="start")
    monkeypatch.setattr(annotation_services, "terms_by_facet", slowed(annotation_services.terms_by_facet))

    results = run_together(
        2,
        lambda i: services.annotation_update(annotation=annotation, user=user, expected_version=1, notes=f"writer {i}"),
    )

    winners = [r for r in results if isinstance(r, MechanismAnnotation)]
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(conflicts) == 1, results
    stored = MechanismAnnotation.objects.get(pk=annotation.pk)
    assert stored.version == 2
    assert stored.notes == winners[0].notes
    assert conflicts[0].extra["current"]["notes"] == winners[0].notes
    assert AnnotationRevision.objects.filter(annotation=annotation).count() == 2


def test_a_double_submitted_form_creates_one_annotation(monkeypatch):
    user = curator()
    citation = CitationFactory()
    token = uuid.uuid4()
    monkeypatch.setattr(annotation_services, "resolve_values", slowed(annotation_services.resolve_values))

    results = run_together(
        2,
        lambda i: services.annotation_create(citation=citation, user=user, values={}, client_token=token),
    )

    assert all(isinstance(r, MechanismAnnotation) for r in results), results
    assert results[0].pk == results[1].pk
    assert MechanismAnnotation.objects.filter(client_token=token).count() == 1
    assert AnnotationRevision.objects.filter(annotation__client_token=token).count() == 1


def test_screening_out_and_submitting_at_once_never_leave_a_submitted_annotation_out_of_scope(monkeypatch):
    user = curator()
    citation = CitationFactory()
    annotation = services.annotation_create(citation=citation, user=user, values=complete_values())
    # The submit holds its transaction open after checking the screening; the screening starts inside that window.
    monkeypatch.setattr(workflow_services, "terms_by_facet", slowed(workflow_services.terms_by_facet))

    def work(i: int):
        if i == 0:
            return services.annotation_submit(annotation=annotation, user=user)
        time.sleep(0.1)
        return services.screening_set(citation=citation, user=user, decision="out_of_scope", reason="not_caf")

    submitted, screened = run_together(2, work)

    assert isinstance(submitted, MechanismAnnotation), submitted
    assert isinstance(screened, ApplicationError) and "1 submitted annotation" in screened.message, screened
    assert MechanismAnnotation.objects.get(pk=annotation.pk).state == MechanismAnnotation.State.SUBMITTED
    assert not ScreeningDecision.objects.filter(citation=citation, decision="out_of_scope").exists()
