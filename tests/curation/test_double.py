"""Blind double curation: the modes, each curator's own decision, blindness in every read, conflicts, resolution."""

import pytest
from django.urls import reverse

from cafex_portal.exceptions import ApplicationError, NotAllowedError
from curation import selectors, services
from curation.models import ConflictResolution, CuratorScreening, MechanismAnnotation, ScreeningDecision
from curation.selectors import double as double_selectors
from curation.services import double as double_services
from tests.curation.factories import CitationFactory, ReviewFactory, UserFactory, complete_values, curator, editor, term

pytestmark = pytest.mark.django_db
Decision = ScreeningDecision.Decision
State = MechanismAnnotation.State


@pytest.fixture
def people():
    return {"cora": curator("cora"), "otto": curator("otto"), "eddie": editor("eddie"), "erin": editor("erin")}


@pytest.fixture
def review(people):
    review = ReviewFactory()
    double_services.review_curation_settings_set(
        review=review, user=people["eddie"], double_screening=True, double_annotation=True
    )
    return review


@pytest.fixture
def citation(review):
    return CitationFactory(review=review)


def screen(citation, user, decision, reason=""):
    return services.screening_set(citation=citation, user=user, decision=decision, reason=reason)


def submitted(citation, user, **overrides):
    annotation = services.annotation_create(citation=citation, user=user, values=complete_values(**overrides))
    return services.annotation_submit(annotation=annotation, user=user)


# --- modes ----------------------------------------------------------------------------------------------------------


def test_single_curation_is_the_default_and_works_as_before(people):
    citation = CitationFactory()
    assert double_selectors.review_settings(review=citation.review).double_screening is False
    decision = screen(citation, people["cora"], Decision.IN_SCOPE)
    assert decision.pk is not None and ScreeningDecision.objects.get(citation=citation).decided_by == people["cora"]
    assert not CuratorScreening.objects.exists()


def test_only_editors_switch_the_modes_and_a_left_out_switch_keeps_its_value(people, review):
    with pytest.raises(NotAllowedError):
        double_services.review_curation_settings_set(review=review, user=people["cora"], double_screening=False)
    current = double_services.review_curation_settings_set(review=review, user=people["erin"], double_annotation=False)
    assert current.double_screening is True and current.double_annotation is False


# --- double screening -----------------------------------------------------------------------------------------------


def test_each_curator_records_their_own_decision_and_agreement_becomes_the_result(people, citation):
    own = screen(citation, people["cora"], Decision.IN_SCOPE)
    assert own.pk is None and own.decision == Decision.IN_SCOPE  # the caller's own, not the result
    assert not ScreeningDecision.objects.filter(citation=citation).exists()
    screen(citation, people["otto"], Decision.IN_SCOPE)
    result = ScreeningDecision.objects.get(citation=citation)
    assert result.decision == Decision.IN_SCOPE
    assert CuratorScreening.objects.filter(citation=citation).count() == 2


def test_a_disagreement_leaves_the_citation_undecided_and_is_a_conflict(people, review, citation):
    screen(citation, people["cora"], Decision.IN_SCOPE)
    screen(citation, people["otto"], Decision.OUT_OF_SCOPE, reason="not_ev")
    assert not ScreeningDecision.objects.filter(citation=citation).exists()
    screening_conflicts, _ = double_selectors.conflicts_open(review=review)
    assert [pair.citation.pk for pair in screening_conflicts] == [citation.pk]


def test_a_person_is_shown_the_result_or_else_only_their_own_decision(people, citation):
    screen(citation, people["cora"], Decision.OUT_OF_SCOPE, reason="not_caf")
    own = double_selectors.screening_seen_by(citation=citation, user=people["cora"])
    assert own.decision == Decision.OUT_OF_SCOPE and own.reason == "not_caf" and own.pk is None
    for user in (people["otto"], people["eddie"], None):
        assert double_selectors.screening_seen_by(citation=citation, user=user) is None
    screen(citation, people["otto"], Decision.OUT_OF_SCOPE, reason="not_ev")
    result = double_selectors.screening_seen_by(citation=citation, user=people["eddie"])
    assert result.pk is not None and result.reason == "not_caf"  # agreed; the first curator's reason stands


def test_a_curator_may_change_their_mind_until_the_other_decides_then_decisions_are_fixed(people, citation):
    screen(citation, people["cora"], Decision.IN_SCOPE)
    screen(citation, people["cora"], Decision.UNDECIDED)
    assert not CuratorScreening.objects.filter(citation=citation).exists()
    screen(citation, people["cora"], Decision.OUT_OF_SCOPE, reason="not_caf")
    screen(citation, people["otto"], Decision.IN_SCOPE)
    with pytest.raises(ApplicationError, match="decisions are fixed"):
        screen(citation, people["cora"], Decision.IN_SCOPE)
    with pytest.raises(ApplicationError, match="no third decision"):
        screen(citation, people["eddie"], Decision.IN_SCOPE)


def test_the_own_decision_is_validated_as_in_single_mode(people, citation):
    with pytest.raises(ApplicationError) as excinfo:
        screen(citation, people["cora"], Decision.OUT_OF_SCOPE)
    assert "reason" in excinfo.value.extra["errors"]
    with pytest.raises(NotAllowedError):
        screen(citation, UserFactory(username="rita"), Decision.IN_SCOPE)


def test_an_editor_resolves_a_screening_conflict_keeping_both_originals(people, citation):
    screen(citation, people["cora"], Decision.IN_SCOPE)
    screen(citation, people["otto"], Decision.OUT_OF_SCOPE, reason="not_ev")
    resolution = double_services.screening_conflict_resolve(
        citation=citation, user=people["eddie"], decision=Decision.OUT_OF_SCOPE, reason="not_ev", note="No EVs."
    )
    assert ScreeningDecision.objects.get(citation=citation).decision == Decision.OUT_OF_SCOPE
    assert [original["curator"] for original in resolution.originals] == ["cora", "otto"]
    assert [original["decision"] for original in resolution.originals] == ["in_scope", "out_of_scope"]
    assert resolution.result == {"decision": "out_of_scope", "reason": "not_ev", "note": "No EVs."}
    with pytest.raises(ApplicationError, match="already resolved"):
        double_services.screening_conflict_resolve(citation=citation, user=people["erin"], decision=Decision.IN_SCOPE)


@pytest.mark.parametrize(
    ("setup", "who", "decision", "error", "message"),
    [
        ("one", "eddie", "in_scope", ApplicationError, "not been screened by two"),
        ("agree", "eddie", "in_scope", ApplicationError, "agree"),
        ("conflict", "cora", "in_scope", NotAllowedError, "Only editors"),
        ("conflict_by_editor", "eddie", "in_scope", NotAllowedError, "one of this citation's two curators"),
        ("conflict", "eddie", "undecided", ApplicationError, "Resolve into"),
        ("conflict", "eddie", "out_of_scope", ApplicationError, "Say why"),
    ],
)
def test_screening_resolution_refusals(people, citation, setup, who, decision, error, message):
    screen(citation, people["eddie"] if setup == "conflict_by_editor" else people["cora"], Decision.IN_SCOPE)
    if setup in ("agree",):
        screen(citation, people["otto"], Decision.IN_SCOPE)
    if setup.startswith("conflict"):
        screen(citation, people["otto"], Decision.OUT_OF_SCOPE, reason="not_ev")
    with pytest.raises(error, match=message):
        double_services.screening_conflict_resolve(citation=citation, user=people[who], decision=decision)
    assert not ConflictResolution.objects.exists()


# --- double annotation ----------------------------------------------------------------------------------------------


def test_records_are_hidden_from_everyone_else_until_both_curators_are_done(people, citation):
    mine = submitted(citation, people["cora"])
    for user in (people["otto"], people["eddie"], None):
        assert not selectors.annotation_visible_to(user=user).filter(pk=mine.pk).exists()
    assert selectors.annotation_visible_to(user=people["cora"]).filter(pk=mine.pk).exists()
    draft = services.annotation_create(citation=citation, user=people["otto"], values=complete_values())
    assert not selectors.annotation_visible_to(user=people["eddie"]).filter(pk__in=[mine.pk, draft.pk]).exists()
    services.annotation_submit(annotation=draft, user=people["otto"])
    visible = selectors.annotation_visible_to(user=people["eddie"]).filter(citation=citation)
    assert set(visible.values_list("pk", flat=True)) == {mine.pk, draft.pk}
    # Curators see only their own until an editor accepts, as in single curation.
    assert list(selectors.annotation_visible_to(user=people["otto"]).filter(citation=citation)) == [draft]


def test_double_annotations_wait_in_the_conflict_queue_not_the_inbox(people, review, citation):
    submitted(citation, people["cora"])
    submitted(citation, people["otto"])
    assert not selectors.annotation_list_awaiting_review(user=people["eddie"]).filter(citation=citation).exists()
    _, pairs = double_selectors.conflicts_open(review=review)
    assert [pair.citation.pk for pair in pairs] == [citation.pk] and pairs[0].conflict is False


def test_a_different_facet_is_a_conflict_with_that_facet_marked(people, review, citation):
    submitted(citation, people["cora"])
    submitted(citation, people["otto"], cancer_type=[term("cancer_type", "breast cancer").pk])
    _, pairs = double_selectors.conflicts_open(review=review)
    assert pairs[0].conflict is True
    assert [match.differing for match in pairs[0].matches] == [["cancer_type"]]


def test_a_mechanism_only_one_curator_recorded_is_a_conflict(people, review, citation):
    submitted(citation, people["cora"])
    submitted(citation, people["cora"], cargo=[term("cargo", "miR-21").pk])
    submitted(citation, people["otto"])
    _, pairs = double_selectors.conflicts_open(review=review)
    assert pairs[0].conflict is True
    assert [bool(match.first and match.second) for match in pairs[0].matches] == [True, False]


def test_an_editor_resolves_mechanisms_into_one_accepted_result_with_both_originals(people, review, citation):
    kept = submitted(citation, people["cora"])
    dropped = submitted(citation, people["otto"], cancer_type=[term("cancer_type", "breast cancer").pk])
    resolution = double_services.annotation_conflict_resolve(
        citation=citation, user=people["eddie"], keep=people["cora"].pk, note="Gastric, per Fig. 2."
    )
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.state == State.ACCEPTED and dropped.state == State.REJECTED
    assert "other curator's records were accepted" in dropped.review_comment
    assert resolution.had_conflict is True
    assert [original["curator"] for original in resolution.originals] == ["cora", "otto"]
    labels = resolution.originals[1]["records"][0]["values"]["cancer_type"]
    assert [item["label"] for item in labels] == ["breast cancer"]
    assert resolution.result == {"kept_curator_id": people["cora"].pk, "accepted": [kept.pk], "rejected": [dropped.pk]}
    # The history of each record shows what the resolution did.
    assert list(dropped.revisions.values_list("action", flat=True))[-1] == "rejected"
    # Resolved: out of the queue, and the accepted record is public.
    assert double_selectors.conflicts_open(review=review) == ([], [])
    assert selectors.annotation_visible_to(user=None).filter(pk=kept.pk).exists()


def test_after_resolution_new_work_goes_to_the_inbox_and_hides_nothing_accepted(people, citation):
    kept = submitted(citation, people["cora"])
    dropped = submitted(citation, people["otto"], cancer_type=[term("cancer_type", "breast cancer").pk])
    double_services.annotation_conflict_resolve(citation=citation, user=people["eddie"], keep=people["cora"].pk)
    services.annotation_create(citation=citation, user=people["otto"], values=complete_values())  # a new draft
    assert selectors.annotation_visible_to(user=None).filter(pk=kept.pk).exists()
    dropped.refresh_from_db()
    services.annotation_update(
        annotation=dropped, user=people["otto"], expected_version=dropped.version, notes="Checked again."
    )
    dropped.refresh_from_db()
    services.annotation_submit(annotation=dropped, user=people["otto"])
    assert selectors.annotation_list_awaiting_review(user=people["erin"]).filter(pk=dropped.pk).exists()


@pytest.mark.parametrize(
    ("setup", "who", "keep", "error", "message"),
    [
        ("one", "eddie", "cora", ApplicationError, "not both finished"),
        ("both", "cora", "cora", NotAllowedError, "Only editors"),
        ("both", "eddie", "erin", ApplicationError, "one of the citation's two curators"),
        ("editor_curates", "eddie", "otto", NotAllowedError, "one of this citation's two curators"),
    ],
)
def test_annotation_resolution_refusals(people, citation, setup, who, keep, error, message):
    submitted(citation, people["eddie"] if setup == "editor_curates" else people["cora"])
    if setup != "one":
        submitted(citation, people["otto"])
    with pytest.raises(error, match=message):
        double_services.annotation_conflict_resolve(citation=citation, user=people[who], keep=people[keep].pk)
    assert not MechanismAnnotation.objects.filter(state=State.ACCEPTED).exists()


# --- statistics -------------------------------------------------------------------------------------------------------


def test_agreement_counts_screening_pairs_and_matched_records_per_facet(people, review):
    decisions = [("in_scope", "in_scope")] * 3 + [("out_of_scope", "out_of_scope")] + [("in_scope", "out_of_scope")]
    for first, second in decisions:
        citation = CitationFactory(review=review)
        screen(citation, people["cora"], first, reason="not_ev" if first == "out_of_scope" else "")
        screen(citation, people["otto"], second, reason="not_ev" if second == "out_of_scope" else "")
    same, different = CitationFactory(review=review), CitationFactory(review=review)
    for citation in (same, different):
        submitted(citation, people["cora"])
    submitted(same, people["otto"])
    submitted(different, people["otto"], cancer_type=[term("cancer_type", "breast cancer").pk])

    result = double_selectors.agreement(review=review)
    # 5 citations: p_o = 4/5; cora 4 in / 1 out, otto 3 in / 2 out: p_e = (4·3 + 1·2)/25 = 0.56; kappa = 0.24/0.44.
    assert result["screening"]["n"] == 5
    assert result["screening"]["kappa"] == pytest.approx(round(0.24 / 0.44, 4))
    assert result["records"] == {"citations": 2, "matched": 2, "unmatched": 0}
    assert result["facets"]["cancer_type"]["n"] == 2 and result["facets"]["cancer_type"]["agreement"] == 0.5
    assert result["facets"]["cargo"]["agreement"] == 1.0 and result["facets"]["cargo"]["alpha"] is None
    pair = double_selectors.agreement(review=review, curators=(people["otto"].pk, people["cora"].pk))
    assert pair["screening"]["n"] == 5 and pair["curators"] == sorted([people["otto"].pk, people["cora"].pk])
    nobody = double_selectors.agreement(review=review, curators=(people["eddie"].pk, people["cora"].pk))
    assert nobody["screening"]["n"] == 0 and nobody["screening"]["kappa"] is None


# --- API ----------------------------------------------------------------------------------------------------------


def test_screening_api_shows_a_curator_only_their_own_until_both_decided(api_client, people, citation):
    url = reverse("api:citation-screening", args=[citation.pk])
    api_client.force_authenticate(people["cora"])
    body = api_client.put(url, {"decision": "in_scope"}, format="json").json()
    # While one waits, how many have decided is not told: it would say whether the other curator has.
    assert body["decision"] == "in_scope" and body["double"] == {"status": "waiting", "decided": None, "decisions": []}
    api_client.force_authenticate(people["otto"])
    body = api_client.get(url).json()
    assert body["decision"] == "undecided" and body["decided_by"] is None and body["double"]["decisions"] == []
    api_client.force_authenticate(people["eddie"])
    assert api_client.get(url).json()["double"]["decisions"] == []
    api_client.force_authenticate(people["otto"])
    body = api_client.put(url, {"decision": "out_of_scope", "reason": "not_caf"}, format="json").json()
    assert body["double"]["status"] == "conflict" and body["decision"] == "undecided"
    assert [d["curator"] for d in body["double"]["decisions"]] == ["cora", "otto"]
    api_client.force_authenticate(None)  # visitors see the state, never who decided what nor the curators' notes
    visitor = api_client.get(url).json()["double"]
    assert (visitor["status"], visitor["decided"], visitor["decisions"]) == ("conflict", 2, [])
    api_client.force_authenticate(people["otto"])
    double_services.screening_conflict_resolve(citation=citation, user=people["eddie"], decision=Decision.IN_SCOPE)
    body = api_client.get(url).json()
    assert body["double"]["status"] == "resolved" and body["decision"] == "in_scope" and body["decided_by"] == "eddie"


def test_screening_api_single_mode_is_unchanged(api_client, people):
    citation = CitationFactory()
    api_client.force_authenticate(people["cora"])
    body = api_client.put(
        reverse("api:citation-screening", args=[citation.pk]), {"decision": "in_scope"}, format="json"
    ).json()
    assert body["decision"] == "in_scope" and body["decided_by"] == "cora" and "double" not in body


def test_annotation_api_list_and_detail_are_blind(api_client, people, citation):
    mine = submitted(citation, people["cora"])
    api_client.force_authenticate(people["eddie"])
    listed = api_client.get(reverse("api:annotation-list"), {"citation": citation.pk}).json()
    ids = [row["id"] for row in listed.get("results", listed)]
    assert mine.pk not in ids
    assert api_client.get(reverse("api:annotation-detail", args=[mine.pk])).status_code == 404
    api_client.force_authenticate(people["cora"])
    assert api_client.get(reverse("api:annotation-detail", args=[mine.pk])).status_code == 200


def test_annotation_export_is_blind(api_client, people, review, citation):
    mine = submitted(citation, people["cora"])
    api_client.force_authenticate(people["eddie"])
    response = api_client.get(
        reverse("api:review-annotations-export", args=[review.pmid]), {"state": "submitted", "format": "json"}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert f'"id": {mine.pk}'.encode() not in content and f'"id":{mine.pk}'.encode() not in content


def test_settings_api_editors_switch_and_bad_input_is_a_400(api_client, people, review):
    url = reverse("api:review-curation-settings", args=[review.pmid])
    api_client.force_authenticate(people["cora"])
    assert api_client.get(url).json() == {"review": review.pmid, "double_screening": True, "double_annotation": True}
    assert api_client.patch(url, {"double_screening": False}, format="json").status_code == 403
    api_client.force_authenticate(people["eddie"])
    body = api_client.patch(url, {"double_screening": False}, format="json").json()
    assert body["double_screening"] is False and body["double_annotation"] is True
    bad = api_client.patch(url, {"double_screening": "maybe"}, format="json")
    assert bad.status_code == 400 and "double_screening" in bad.json()["errors"]
    assert api_client.get(reverse("api:review-curation-settings", args=[999999999])).status_code == 404


def test_agreement_api_answers_the_contract_and_parses_the_pair(api_client, people, review, citation):
    screen(citation, people["cora"], Decision.IN_SCOPE)
    screen(citation, people["otto"], Decision.IN_SCOPE)
    url = reverse("api:review-agreement", args=[review.pmid])
    assert api_client.get(url).status_code in (401, 403)  # curators and editors only, as the agreement page
    api_client.force_authenticate(people["otto"])
    body = api_client.get(url).json()
    assert {"kappa", "n", "ci_low", "ci_high"} <= set(body["screening"]) and body["screening"]["n"] == 1
    assert set(body["facets"]) >= {"cargo", "effect", "cancer_type"} and "alpha" in body["facets"]["cargo"]
    pair = {"curator_a": people["cora"].pk, "curator_b": people["otto"].pk}
    assert api_client.get(url, pair).json()["screening"]["n"] == 1
    for bad, field in (
        ({"curator_a": "x", "curator_b": "2"}, "curator_a"),
        ({"curator_a": "1"}, "curators"),
        ({"curator_a": "3", "curator_b": "3"}, "curators"),
        ({"curator_a": "99999999999999999999", "curator_b": "1"}, "curator_a"),
    ):
        response = api_client.get(url, bad)
        assert response.status_code == 400 and field in response.json()["errors"]
    assert api_client.get(reverse("api:review-agreement", args=[999999999])).status_code == 404


def test_patch_on_the_review_switches_the_modes_for_editors_only(api_client, people):
    review = ReviewFactory()
    url = reverse("api:review-detail", args=[review.pmid])
    modes = {"double_screening": True, "double_annotation": True}
    assert api_client.patch(url, modes, format="json").status_code in (401, 403)
    api_client.force_authenticate(people["cora"])
    assert api_client.patch(url, modes, format="json").status_code == 403
    api_client.force_authenticate(people["eddie"])
    body = api_client.patch(url, modes, format="json").json()
    assert body == {"review": review.pmid, **modes}
    assert double_selectors.review_settings(review=review).double_annotation is True
    bad = api_client.patch(url, {"title": "Renamed"}, format="json")
    assert bad.status_code == 400 and "title" in bad.json()["errors"]
    assert api_client.patch(url, {"double_annotation": "x"}, format="json").status_code == 400
    assert api_client.get(url).status_code == 200  # reading the review is unchanged
    missing = reverse("api:review-detail", args=[999999999])
    assert api_client.patch(missing, modes, format="json").status_code == 404


@pytest.mark.parametrize("verdict", ["accept", "reject"])
def test_under_double_annotation_records_are_decided_only_by_resolving_them_together(people, citation, verdict):
    first = submitted(citation, people["cora"])
    submitted(citation, people["otto"])
    with pytest.raises(ApplicationError, match="resolving them together"):
        if verdict == "accept":
            services.annotation_accept(annotation=first, user=people["eddie"])
        else:
            services.annotation_reject(annotation=first, user=people["eddie"], comment="Not shown.")
    with pytest.raises(ApplicationError, match="resolving them together"):
        services.annotation_bulk_accept(annotations=[first], user=people["eddie"])  # the inbox's "accept selected"
    first.refresh_from_db()
    assert first.state == State.SUBMITTED
    double_services.annotation_conflict_resolve(citation=citation, user=people["eddie"], keep=people["cora"].pk)
    first.refresh_from_db()
    assert first.state == State.ACCEPTED


def test_an_accepted_version_is_not_restored_on_a_citation_awaiting_resolution(people):
    review = ReviewFactory()
    citation = CitationFactory(review=review)
    record = submitted(citation, people["cora"])
    services.annotation_accept(annotation=record, user=people["eddie"])  # single curation, four eyes
    accepted_version = record.revisions.order_by("pk").last()
    draft_version = record.revisions.order_by("pk").first()
    record.refresh_from_db()
    record = services.annotation_revert(annotation=record, user=people["erin"], revision=draft_version)
    double_services.review_curation_settings_set(
        review=review, user=people["eddie"], double_screening=False, double_annotation=True
    )
    with pytest.raises(ApplicationError, match="not by restoring an accepted version"):
        services.annotation_revert(annotation=record, user=people["erin"], revision=accepted_version)
    record.refresh_from_db()
    assert record.state == State.DRAFT


def test_a_refusal_to_screen_out_does_not_count_records_the_curator_may_not_see(people, citation):
    submitted(citation, people["cora"])  # hidden from otto: he has not annotated it
    with pytest.raises(ApplicationError) as refused:
        screen(citation, people["otto"], Decision.OUT_OF_SCOPE, reason="not_caf")
    message = str(refused.value.extra["errors"]["decision"][0])
    assert "conflict page" in message and "1 submitted" not in message
