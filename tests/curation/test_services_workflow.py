"""The review workflow and who may do what."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cafex_portal.exceptions import ApplicationError, NotAllowedError
from curation import services
from curation.models import AnnotationComment, AnnotationRevision, MechanismAnnotation, ScreeningDecision, Term

from .factories import CitationFactory, TermFactory, UserFactory, complete_values, curator, editor, superuser

pytestmark = pytest.mark.django_db
State = MechanismAnnotation.State


def submitted_by(author) -> MechanismAnnotation:
    annotation = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    return services.annotation_submit(annotation=annotation, user=author)


def test_draft_submitted_rejected_resubmitted_accepted():
    author, reviewer = curator(), editor()
    annotation = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    annotation = services.annotation_submit(annotation=annotation, user=author)
    assert annotation.state == State.SUBMITTED and annotation.submitted_at is not None

    annotation = services.annotation_reject(annotation=annotation, user=reviewer, comment="Which cell line?")
    assert annotation.state == State.REJECTED
    assert (annotation.reviewed_by, annotation.review_comment) == (reviewer, "Which cell line?")
    assert AnnotationComment.objects.get(annotation=annotation).text == "Which cell line?"

    annotation = services.annotation_update(
        annotation=annotation, user=author, expected_version=annotation.version, notes="MKN45 and AGS"
    )
    assert annotation.state == State.REJECTED  # editing keeps it with its author until resubmitted
    annotation = services.annotation_submit(annotation=annotation, user=author)
    assert annotation.state == State.SUBMITTED
    assert annotation.review_comment == "" and annotation.reviewed_by is None

    annotation = services.annotation_accept(annotation=annotation, user=reviewer, comment="Thanks")
    assert annotation.state == State.ACCEPTED and annotation.reviewed_at is not None
    actions = list(annotation.revisions.order_by("pk").values_list("action", flat=True))
    assert actions == ["created", "submitted", "rejected", "updated", "submitted", "accepted"]
    assert list(annotation.revisions.order_by("pk").values_list("version", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert annotation.version == 6


def test_submit_needs_the_minimum_that_makes_a_mechanism():
    author = curator()
    values = complete_values()
    partial = {"cargo_type": [], "cargo": [], "effect": values["effect"], "drug": values["drug"]}
    annotation = services.annotation_create(citation=CitationFactory(), user=author, values=partial)
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_submit(annotation=annotation, user=author)
    assert "cargo or cargo type, effect, direction and evidence" in excinfo.value.message
    assert "missing: cargo or cargo type, direction, evidence" in excinfo.value.message
    assert set(excinfo.value.extra["errors"]) == {"cargo", "direction", "evidence"}
    assert MechanismAnnotation.objects.get(pk=annotation.pk).state == State.DRAFT

    only_type = {"cargo_type": values["cargo_type"], "direction": values["direction"], "evidence": values["evidence"]}
    annotation = services.annotation_update(annotation=annotation, user=author, expected_version=1, values=only_type)
    assert services.annotation_submit(annotation=annotation, user=author).state == State.SUBMITTED


@pytest.mark.parametrize(
    "step, message",
    [
        ("submit_twice", "already submitted"),
        ("accept_draft", "Only submitted annotations can be accepted; this one is draft"),
        ("reject_accepted", "Only submitted annotations can be rejected; this one is accepted"),
        ("accept_twice", "Only submitted annotations can be accepted; this one is accepted"),
    ],
)
def test_illegal_transitions_say_why(step, message):
    author, reviewer = curator(), editor()
    annotation = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    if step != "accept_draft":
        annotation = services.annotation_submit(annotation=annotation, user=author)
    if step in ("reject_accepted", "accept_twice"):
        annotation = services.annotation_accept(annotation=annotation, user=reviewer)
    version = MechanismAnnotation.objects.get(pk=annotation.pk).version
    with pytest.raises(ApplicationError, match=message):
        if step == "submit_twice":
            services.annotation_submit(annotation=annotation, user=author)
        elif step in ("accept_draft", "accept_twice"):
            services.annotation_accept(annotation=annotation, user=reviewer)
        else:
            services.annotation_reject(annotation=annotation, user=reviewer, comment="no")
    assert MechanismAnnotation.objects.get(pk=annotation.pk).version == version


def test_reject_needs_a_comment():
    annotation = submitted_by(curator())
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_reject(annotation=annotation, user=editor(), comment="  ")
    assert list(excinfo.value.extra["errors"]) == ["comment"]
    assert MechanismAnnotation.objects.get(pk=annotation.pk).state == State.SUBMITTED


# --- who may do what


ACTORS = ["anonymous", "no_role", "author", "other_curator", "editor", "superuser"]


def make_actor(kind: str, author):
    return {
        "anonymous": AnonymousUser,
        "no_role": UserFactory,
        "author": lambda: author,
        "other_curator": curator,
        "editor": editor,
        "superuser": lambda: superuser("root2"),
    }[kind]()


def do(action: str, actor, author):
    if action == "create":
        return services.annotation_create(citation=CitationFactory(), user=actor, values={})
    if action == "update":
        draft = services.annotation_create(citation=CitationFactory(), user=author, values={})
        return services.annotation_update(annotation=draft, user=actor, expected_version=1, notes="edit")
    if action == "submit":
        draft = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
        return services.annotation_submit(annotation=draft, user=actor)
    if action == "accept":
        return services.annotation_accept(annotation=submitted_by(author), user=actor)
    if action == "reject_with_comment":
        return services.annotation_reject(annotation=submitted_by(author), user=actor, comment="Fig. 2 says otherwise")
    if action == "delete":
        draft = services.annotation_create(citation=CitationFactory(), user=author, values={})
        return services.annotation_delete(annotation=draft, user=actor)
    if action == "assign":
        return services.assignment_create(citations=[CitationFactory()], curator=author, user=actor)
    if action == "term_create":
        return services.term_create(facet="cargo", label="miR-test", user=actor)
    if action == "term_retire":
        return services.term_retire(term=TermFactory(), user=actor)
    if action == "revert":
        draft = services.annotation_create(citation=CitationFactory(), user=author, values={})
        return services.annotation_revert(annotation=draft, user=actor, revision=draft.revisions.get())
    raise AssertionError(action)


ALLOWED = {
    "create": {"author", "other_curator", "editor", "superuser"},
    "update": {"author", "editor", "superuser"},
    "submit": {"author"},
    "accept": {"editor", "superuser"},
    "reject_with_comment": {"editor", "superuser"},
    "delete": {"author", "editor", "superuser"},
    "assign": {"editor", "superuser"},
    "term_create": {"editor", "superuser"},
    "term_retire": {"editor", "superuser"},
    "revert": {"editor", "superuser"},
}


@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_permission_matrix(action, actor_kind):
    author = curator()
    actor = make_actor(actor_kind, author)
    if actor_kind in ALLOWED[action]:
        do(action, actor, author)
    else:
        with pytest.raises(NotAllowedError) as excinfo:
            do(action, actor, author)
        assert excinfo.value.status_code == 403
        assert excinfo.value.message


@pytest.mark.parametrize("make_reviewer", [editor, lambda: superuser("root3")])
def test_nobody_accepts_their_own_work(make_reviewer):
    reviewer = make_reviewer()
    annotation = submitted_by(reviewer)
    with pytest.raises(NotAllowedError, match="another editor"):
        services.annotation_accept(annotation=annotation, user=reviewer)
    with pytest.raises(NotAllowedError, match="another editor"):
        services.annotation_reject(annotation=annotation, user=reviewer, comment="no")
    assert services.annotation_accept(annotation=annotation, user=editor()).state == State.ACCEPTED


def test_a_curator_cannot_review_even_with_a_comment():
    with pytest.raises(NotAllowedError, match="Only editors"):
        services.annotation_reject(annotation=submitted_by(curator()), user=curator(), comment="")


# --- an editor who rewrites someone's annotation is one of its authors


def edited_by(rewriter, annotation: MechanismAnnotation, **changes) -> MechanismAnnotation:
    version = MechanismAnnotation.objects.get(pk=annotation.pk).version
    return services.annotation_update(annotation=annotation, user=rewriter, expected_version=version, **changes)


def test_an_editor_who_rewrites_a_submitted_annotation_cannot_review_it():
    author, rewriter, second = curator(), editor(), editor()
    annotation = edited_by(rewriter, submitted_by(author), quote="What the editor would rather it said.")
    with pytest.raises(NotAllowedError, match="You edited this annotation, so another editor must accept it") as accept:
        services.annotation_accept(annotation=annotation, user=rewriter)
    assert accept.value.status_code == 403
    with pytest.raises(NotAllowedError, match="another editor must reject it"):
        services.annotation_reject(annotation=annotation, user=rewriter, comment="no")
    with pytest.raises(NotAllowedError, match=f"Annotation {annotation.pk} cannot be accepted"):
        services.annotation_bulk_accept(annotations=[annotation], user=rewriter)
    stored = MechanismAnnotation.objects.get(pk=annotation.pk)
    assert (stored.state, stored.version, stored.reviewed_by) == (State.SUBMITTED, annotation.version, None)
    assert list(stored.contributors.all()) == [rewriter]
    assert stored.author == author  # still the curator's annotation, now with a co-author

    accepted = services.annotation_accept(annotation=annotation, user=second)
    assert (accepted.state, accepted.reviewed_by) == (State.ACCEPTED, second)


def test_an_editor_who_edits_a_draft_cannot_review_it_once_submitted():
    author, rewriter = curator(), editor()
    draft = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    draft = edited_by(rewriter, draft, figure="Fig. 4C")
    annotation = services.annotation_submit(annotation=draft, user=author)
    with pytest.raises(NotAllowedError, match="another editor"):
        services.annotation_accept(annotation=annotation, user=rewriter)
    assert services.annotation_reject(annotation=annotation, user=editor(), comment="Fig. 4C?").state == State.REJECTED


def test_saving_unchanged_or_restoring_recorded_work_makes_no_co_author():
    author, looker, restorer = curator(), editor(), editor()
    annotation = submitted_by(author)
    annotation = edited_by(looker, annotation, quote=annotation.quote)  # saved unchanged: nothing written
    annotation = services.annotation_revert(  # what comes back was written, and credited, before
        annotation=annotation, user=restorer, revision=annotation.revisions.get(action="submitted")
    )
    assert not annotation.contributors.exists()
    assert services.annotation_accept(annotation=annotation, user=restorer).state == State.ACCEPTED


def test_authors_editing_their_own_annotation_are_not_listed_as_co_authors():
    author = curator()
    draft = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    draft = edited_by(author, draft, notes="checked")
    assert not draft.contributors.exists()


def test_the_history_credits_the_editors_rewrite_to_the_editor():
    author, rewriter = curator(), editor()
    annotation = edited_by(rewriter, submitted_by(author), quote="What the editor would rather it said.")
    revisions = list(annotation.revisions.order_by("pk"))
    assert [(r.action, r.actor) for r in revisions] == [
        ("created", author),
        ("submitted", author),
        ("updated", rewriter),
    ]
    assert revisions[-1].changes == {"quote": {"from": "", "to": "What the editor would rather it said."}}


def test_a_co_author_cannot_review_through_the_api(api_client):
    author, rewriter, second = curator(), editor(), editor()
    annotation = submitted_by(author)
    base = f"/api/v1/annotations/{annotation.pk}"
    api_client.force_authenticate(rewriter)
    edited = api_client.patch(f"{base}/", {"version": annotation.version, "notes": "tightened"}, format="json")
    assert edited.status_code == 200, edited.json()

    accept = api_client.post(f"{base}/accept/", {}, format="json")
    assert accept.status_code == 403 and "another editor" in accept.json()["detail"]
    reject = api_client.post(f"{base}/reject/", {"comment": "no"}, format="json")
    assert reject.status_code == 403
    bulk = api_client.post("/api/v1/annotations/bulk-accept/", {"ids": [annotation.pk]}, format="json")
    assert bulk.status_code == 403
    assert MechanismAnnotation.objects.get(pk=annotation.pk).state == State.SUBMITTED

    history = api_client.get(f"{base}/history/").json()
    assert [(h["action"], h["actor"]) for h in history] == [
        ("created", author.username),
        ("submitted", author.username),
        ("updated", rewriter.username),
    ]

    api_client.force_authenticate(second)
    accepted = api_client.post(f"{base}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["reviewed_by"] == second.username


# --- bulk accept


def test_bulk_accept_is_all_or_nothing_and_names_the_failure():
    author, reviewer = curator(), editor()
    ready = [submitted_by(author) for _ in range(2)]
    draft = services.annotation_create(citation=CitationFactory(), user=author, values=complete_values())
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_bulk_accept(annotations=[*ready, draft], user=reviewer)
    assert excinfo.value.message.startswith(f"Annotation {draft.pk} cannot be accepted:")
    assert "Nothing was accepted" in excinfo.value.message
    assert excinfo.value.extra["failed"] == draft.pk
    assert not MechanismAnnotation.objects.filter(state=State.ACCEPTED).exists()
    assert not AnnotationRevision.objects.filter(action="accepted").exists()

    accepted = services.annotation_bulk_accept(annotations=ready, user=reviewer)
    assert [a.state for a in accepted] == [State.ACCEPTED, State.ACCEPTED]


def test_bulk_accept_keeps_the_forbidden_status_of_a_failure():
    reviewer = editor()
    with pytest.raises(NotAllowedError):
        services.annotation_bulk_accept(annotations=[submitted_by(curator()), submitted_by(reviewer)], user=reviewer)
    assert not MechanismAnnotation.objects.filter(state=State.ACCEPTED).exists()


# --- revert


def test_revert_restores_a_snapshot_and_is_recorded():
    author, reviewer = curator(), editor()
    values = complete_values()
    annotation = services.annotation_create(
        citation=CitationFactory(), user=author, values=values, quote="original", confidence="high"
    )
    first = annotation.revisions.get()
    miR21 = Term.objects.get(facet="cargo", label="miR-21")
    annotation = services.annotation_update(
        annotation=annotation, user=author, expected_version=1, values={"cargo": [miR21.pk]}, quote="changed"
    )
    annotation = services.annotation_revert(annotation=annotation, user=reviewer, revision=first)
    assert annotation.quote == "original"
    assert [t.label for t in annotation.values_by_facet()["cargo"]] == ["miR-522"]
    assert annotation.version == 3
    last = annotation.revisions.order_by("-pk").first()
    assert (last.action, last.actor, last.reverted_to) == ("reverted", reviewer, first)
    assert last.changes["cargo"] == {"from": ["miR-21"], "to": ["miR-522"]}
    assert last.changes["quote"] == {"from": "changed", "to": "original"}


def test_revert_can_reopen_an_accepted_annotation():
    author = curator()
    annotation = submitted_by(author)
    submitted_revision = annotation.revisions.get(action="submitted")
    annotation = services.annotation_accept(annotation=annotation, user=editor())
    annotation = services.annotation_revert(annotation=annotation, user=editor(), revision=submitted_revision)
    assert annotation.state == State.SUBMITTED
    assert annotation.reviewed_by is None


def test_revert_refuses_another_annotations_revision():
    a = services.annotation_create(citation=CitationFactory(), user=curator(), values={})
    b = services.annotation_create(citation=CitationFactory(), user=curator(), values={})
    with pytest.raises(ApplicationError) as excinfo:
        services.annotation_revert(annotation=a, user=editor(), revision=b.revisions.get())
    assert "revision" in excinfo.value.extra["errors"]


# --- what is out of scope carries no mechanism


def _screen_out(citation) -> None:
    """Out of scope whatever its annotations (a decision recorded before the rule, or in the database)."""
    ScreeningDecision.objects.update_or_create(
        citation=citation, defaults={"decision": "out_of_scope", "reason": "not_caf"}
    )


def test_nothing_is_submitted_or_accepted_on_a_citation_screened_out():
    author, reviewer = curator(), editor()
    citation = CitationFactory()
    draft = services.annotation_create(citation=citation, user=author, values=complete_values())
    waiting = services.annotation_create(citation=citation, user=author, values=complete_values())
    waiting = services.annotation_submit(annotation=waiting, user=author)
    _screen_out(citation)

    with pytest.raises(ApplicationError, match="screened out of scope; mark it in scope before submitting"):
        services.annotation_submit(annotation=draft, user=author)
    with pytest.raises(ApplicationError, match="screened out of scope; mark it in scope before accepting"):
        services.annotation_accept(annotation=waiting, user=reviewer)
    with pytest.raises(ApplicationError, match=f"Annotation {waiting.pk} cannot be accepted: This citation is"):
        services.annotation_bulk_accept(annotations=[waiting], user=reviewer)
    states = dict(MechanismAnnotation.objects.values_list("pk", "state"))
    assert (states[draft.pk], states[waiting.pk]) == (State.DRAFT, State.SUBMITTED)
    assert MechanismAnnotation.objects.get(pk=waiting.pk).version == waiting.version

    rejected = services.annotation_reject(annotation=waiting, user=reviewer, comment="Not about CAFs")
    assert rejected.state == State.REJECTED  # the way out for work that no longer belongs here


def test_revert_does_not_bring_back_a_submitted_or_accepted_version_on_a_citation_screened_out():
    author, reviewer = curator(), editor()
    annotation = submitted_by(author)
    annotation = services.annotation_accept(annotation=annotation, user=reviewer)
    created, submitted, accepted = annotation.revisions.order_by("pk")
    annotation = services.annotation_revert(annotation=annotation, user=reviewer, revision=created)
    assert annotation.state == State.DRAFT
    services.screening_set(citation=annotation.citation, user=author, decision="out_of_scope", reason="not_caf")

    for revision in (submitted, accepted):
        with pytest.raises(ApplicationError, match="mark it in scope before restoring this annotation as"):
            services.annotation_revert(annotation=annotation, user=reviewer, revision=revision)
    assert MechanismAnnotation.objects.get(pk=annotation.pk).state == State.DRAFT
