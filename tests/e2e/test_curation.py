"""A curator screens and annotates a citation by keyboard; an editor accepts it; a visitor then sees it.

Each step is its own test: the state before it is written through the services, as the earlier steps would
leave it, so that a failure names the step that broke.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from articles.models import Citation, Review
from curation import services
from curation.models import Facet, MechanismAnnotation, ScreeningDecision, Term
from curation.vocabulary_seed import seed_vocabulary
from tests.articles.factories import ArticleFactory, CitationFactory, ReviewFactory
from tests.curation.factories import curator, editor

pytestmark = [
    pytest.mark.e2e,
    # Fixed ids and sequences keep the screenshots the same from run to run.
    pytest.mark.django_db(transaction=True, serialized_rollback=True, reset_sequences=True),
]

PASSWORD = "pw-for-tests-only"  # every factory-made user's

ABSTRACT = [
    {
        "label": "Background",
        "category": "BACKGROUND",
        "text": "Cancer-associated fibroblasts (CAFs) release exosomes that reach gastric cancer cells. "
        "How their cargo lets tumours escape <i>cisplatin</i> and paclitaxel is not known.",
    },
    {
        "label": "Results",
        "category": "RESULTS",
        "text": "Exosomal miR-522 from CAFs was taken up by cancer cells, where it targeted ALOX15, lowered lipid-ROS "
        "and blocked ferroptosis, which promoted chemoresistance in vitro and in a mouse model.",
    },
    {
        "label": "Conclusions",
        "category": "CONCLUSIONS",
        "text": "CAF-derived miR-522 suppresses ferroptosis and is a candidate therapeutic target in gastric cancer.",
    },
]

# The mechanism the curator picks by keyboard, facet by facet in the order picked.
MECHANISM = {
    "cargo_type": ["miRNA"],
    "cargo": ["miR-522"],
    "donor": ["CAF (unspecified)"],
    "recipient_cell": ["cancer cell"],
    "cancer_type": ["gastric cancer"],
    "target": ["ALOX15"],
    "effect": ["chemoresistance", "ferroptosis/apoptosis resistance"],
    "direction": ["promotes"],
    "drug": ["cisplatin"],
    "evidence": ["in vivo (mouse)", "in vitro"],
}
QUOTE = "CAF-derived exosomal miR-522 inhibits ferroptosis by targeting ALOX15."


@dataclass
class Scene:
    """The review, its five references and the people who curate them."""

    review: Review
    first: Citation
    second: Citation
    others: list[Citation]
    cora: object  # the curator at the keyboard
    eddie: object  # the editor
    hana: object  # another curator

    @property
    def queue(self) -> str:
        return f"/reviews/{self.review.article.pmid}/curation/"

    def workspace(self, citation: Citation) -> str:
        return f"{self.queue}{citation.pk}/"


def seed_review() -> Scene:
    # A transactional test may start on a database an earlier one flushed: bring the vocabulary back first.
    seed_vocabulary(Term)
    review = ReviewFactory(
        article__title="Cancer associated-fibroblast-derived exosomes in cancer progression", article__pmid=34852849
    )
    first = CitationFactory(
        review=review,
        relation=Citation.Relation.REFERENCE,
        position=1,
        article=ArticleFactory(
            pmid=39000001,
            doi="10.1000/cafex.demo.1",
            title="CAF secreted miR-522 suppresses ferroptosis and promotes acquired chemo-resistance in gastric cancer",
            journal_iso="Mol Cancer",
            pub_year=2020,
            volume="19",
            pages="43",
            pmcid="PMC7045485",
            abstract=ABSTRACT,
        ),
    )
    second = CitationFactory(
        review=review,
        relation=Citation.Relation.REFERENCE,
        position=2,
        article__pmid=39000002,
        article__doi="10.1000/cafex.demo.2",
        article__title="Hallmarks of cancer: the next generation",
    )
    others = [
        CitationFactory(
            review=review,
            relation=Citation.Relation.REFERENCE,
            position=position,
            article__pmid=39000000 + position,
            article__doi=f"10.1000/cafex.demo.{position}",
            article__title=f"Exosomal {name} from fibroblasts drives {effect} in {cancer} cancer",
        )
        for position, (name, effect, cancer) in enumerate(
            [("miR-21", "invasion", "ovarian"), ("lncRNA H19", "stemness", "colorectal"), ("Wnt10b", "EMT", "breast")],
            start=3,
        )
    ]
    return Scene(review, first, second, others, cora=curator("cora"), eddie=editor("eddie"), hana=curator("hana"))


def term_ids(**labels: str) -> dict[str, list[int]]:
    return {facet: [Term.objects.get(facet=facet, label=label).pk] for facet, label in labels.items()}


def labels_by_facet(annotation: MechanismAnnotation) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for facet, label in sorted(annotation.terms.values_list("facet", "label")):
        found.setdefault(facet, []).append(label)
    return found


def submit_for_review(citation, author, cargo: str, effect: str) -> MechanismAnnotation:
    services.screening_set(citation=citation, user=author, decision="in_scope")
    annotation = services.annotation_create(
        citation=citation,
        user=author,
        values=term_ids(cargo=cargo, effect=effect, direction="promotes", evidence="in vitro"),
        quote="Knock-down of the cargo in CAFs abolished the effect.",
        confidence="medium",
    )
    return services.annotation_submit(annotation=annotation, user=author)


# The steps of the story as services, each leaving the state the browser steps would leave.


def first_in_scope(scene: Scene) -> None:
    services.screening_set(citation=scene.first, user=scene.cora, decision="in_scope")


def first_annotated(scene: Scene) -> MechanismAnnotation:
    values = {
        facet: [Term.objects.get(facet=facet, label=label).pk for label in labels]
        for facet, labels in MECHANISM.items()
    }
    return services.annotation_create(citation=scene.first, user=scene.cora, values=values, quote=QUOTE)


def first_annotated_and_submitted(scene: Scene) -> MechanismAnnotation:
    return services.annotation_submit(annotation=first_annotated(scene), user=scene.cora)


def second_out_of_scope(scene: Scene) -> None:
    services.screening_set(citation=scene.second, user=scene.cora, decision="out_of_scope", reason="not_ev")


def others_submitted(scene: Scene) -> list[MechanismAnnotation]:
    """Meanwhile another curator submitted two more."""
    return [
        submit_for_review(scene.others[0], scene.hana, "miR-21", "EMT/invasion/migration"),
        submit_for_review(scene.others[1], scene.hana, "lncRNA H19", "stemness"),
    ]


def ready_for_the_editor(scene: Scene) -> MechanismAnnotation:
    first_in_scope(scene)
    annotation = first_annotated_and_submitted(scene)
    second_out_of_scope(scene)
    others_submitted(scene)
    return annotation


def all_accepted(scene: Scene) -> MechanismAnnotation:
    annotation = ready_for_the_editor(scene)
    services.annotation_accept(annotation=annotation, user=scene.eddie)
    others = MechanismAnnotation.objects.filter(state=MechanismAnnotation.State.SUBMITTED).order_by("pk")
    services.annotation_bulk_accept(annotations=list(others), user=scene.eddie)
    return annotation


def pick(page, facet: str, typed: str, label: str) -> None:
    """Type into a focused pick list, move to the term with the arrow keys, pick it with Enter."""
    field = page.locator(f"#pick-{facet}")
    expect(field).to_be_focused()

    def answers_typed(response) -> bool:
        url = urlsplit(response.url)
        return url.path.endswith(f"/curation/terms/{facet}/") and parse_qs(url.query).get(f"{facet}__text") == [typed]

    # Wait for the answer to the whole word, so that an earlier, slower answer cannot replace the list later.
    with page.expect_response(answers_typed):
        field.press_sequentially(typed, delay=15)
    # The list is ready once its first option, answering what was typed, is active.
    expect(page.locator(f"#suggest-{facet} [role=option].active[data-q='{typed}']")).to_have_count(1)
    option = page.locator(f"#suggest-{facet} [role=option][data-label='{label}']")
    expect(option).to_be_visible()
    for _ in range(15):
        if "active" in (option.get_attribute("class") or ""):
            break
        page.keyboard.press("ArrowDown")
    expect(option).to_have_class(re.compile("active"))
    page.keyboard.press("Enter")
    expect(page.locator(f"[data-picker][data-facet={facet}] .chip", has_text=label)).to_be_visible()
    expect(field).to_have_value("")


def pick_without_waiting(page, facet: str, typed: str, label: str) -> None:
    """Type and press Enter at once, before the list has answered: the pick must still be the typed term."""
    field = page.locator(f"#pick-{facet}")
    expect(field).to_be_focused()
    field.press_sequentially(typed, delay=0)
    page.keyboard.press("Enter")
    expect(page.locator(f"[data-picker][data-facet={facet}] .chip", has_text=label)).to_be_visible()
    expect(page.locator(f"[data-picker][data-facet={facet}] .chip")).to_have_count(1)


def test_curator_opens_a_citation_from_the_queue_and_screens_it_in_scope_by_keyboard(new_page, log_in):
    scene = seed_review()

    # A curator logs in, opens the queue and the first citation from the keyboard.
    page = new_page()
    log_in(page, "cora", PASSWORD, scene.queue)
    expect(page.locator(".queue-row")).to_have_count(5)
    expect(page.locator(".progress-summary")).to_contain_text("0 of 5 screened")
    page.keyboard.press("j")
    expect(page.locator(".queue-row.current")).to_have_id(f"citation-{scene.first.pk}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/curation/{scene.first.pk}/")
    expect(page.locator("mark.term", has_text="miR-522").first).to_be_visible()

    # In scope with "i", through htmx: the panel changes in place.
    page.keyboard.press("i")
    expect(page.locator("#screening .badge")).to_have_text("In scope")
    expect(page.locator("#flash")).to_contain_text("Screening: In scope.")
    assert ScreeningDecision.objects.get(citation=scene.first).decision == "in_scope"


def test_curator_annotates_and_submits_by_keyboard(new_page, log_in, screenshot):
    scene = seed_review()
    first_in_scope(scene)
    page = new_page()
    log_in(page, "cora", PASSWORD, scene.workspace(scene.first))

    # "n" jumps into the first pick list; each facet is filled by typing, arrows and Enter, Tab moves on.
    page.keyboard.press("n")
    pick(page, "cargo_type", "mirna", "miRNA")
    page.keyboard.press("Tab")
    pick(page, "cargo", "522", "miR-522")
    page.keyboard.press("Tab")
    pick(page, "donor", "caf", "CAF (unspecified)")
    page.keyboard.press("Tab")
    pick(page, "recipient_cell", "cancer", "cancer cell")
    page.keyboard.press("Tab")
    pick(page, "cancer_type", "gastric", "gastric cancer")
    page.keyboard.press("Tab")
    pick_without_waiting(page, "target", "alox", "ALOX15")
    page.keyboard.press("Tab")
    pick(page, "effect", "resist", "chemoresistance")
    pick(page, "effect", "ferropt", "ferroptosis/apoptosis resistance")
    page.keyboard.press("Tab")
    pick(page, "direction", "prom", "promotes")
    page.keyboard.press("Tab")
    pick(page, "drug", "cispl", "cisplatin")
    page.keyboard.press("Tab")
    pick(page, "evidence", "in v", "in vivo (mouse)")
    pick(page, "evidence", "in v", "in vitro")
    page.fill("textarea[name=quote]", QUOTE)
    page.focus("textarea[name=quote]")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"#annotation-\d+$"))
    annotation = MechanismAnnotation.objects.get(citation=scene.first)
    card = page.locator(f"#annotation-{annotation.pk}")
    expect(card.locator(".badge")).to_have_text("Draft")
    assert annotation.state == "draft"
    assert sorted(annotation.terms.filter(facet=Facet.EVIDENCE).values_list("label", flat=True)) == [
        "in vitro",
        "in vivo (mouse)",
    ]
    assert annotation.terms.count() == 12
    # What the keyboard made is what the later steps of the story start from.
    assert labels_by_facet(annotation) == {facet: sorted(labels) for facet, labels in MECHANISM.items()}
    assert annotation.quote == QUOTE

    # "s" submits the draft; the card changes in place.
    page.keyboard.press("s")
    expect(card.locator(".badge")).to_have_text("Submitted")
    annotation.refresh_from_db()
    assert annotation.state == "submitted"
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "workspace")


def test_help_overlay_lists_the_keys(new_page, log_in, screenshot):
    scene = seed_review()
    first_in_scope(scene)
    draft = first_annotated(scene)
    page = new_page()
    log_in(page, "cora", PASSWORD, scene.workspace(scene.first))
    # Submitted as in the step before, so that the screenshot shows the page as the curator has it then.
    page.keyboard.press("s")
    expect(page.locator(f"#annotation-{draft.pk} .badge")).to_have_text("Submitted")
    page.evaluate("window.scrollTo(0, 0)")

    # "?" opens the help overlay listing the keys; Escape closes it.
    page.keyboard.press("?")
    help_overlay = page.locator("#key-help")
    expect(help_overlay).to_be_visible()
    for key in ("j", "k", "i", "o", "n", "s", "?"):
        expect(help_overlay.locator("kbd", has_text=re.compile(rf"^{re.escape(key)}$")).first).to_be_attached()
    screenshot(page, "help-overlay")
    page.keyboard.press("Escape")
    expect(help_overlay).to_be_hidden()


def test_curator_moves_on_and_screens_out_of_scope_by_keyboard(new_page, log_in):
    scene = seed_review()
    first_in_scope(scene)
    first_annotated_and_submitted(scene)
    page = new_page()
    log_in(page, "cora", PASSWORD, scene.workspace(scene.first))

    # "j" goes on to the next citation; "o" asks why it is out of scope.
    page.keyboard.press("j")
    page.wait_for_url(f"**/curation/{scene.second.pk}/")
    page.keyboard.press("o")
    reason = page.locator("select[name=reason]")
    expect(reason).to_be_focused()
    page.keyboard.press("Control+Enter")  # no reason chosen yet: the browser asks for one
    assert not ScreeningDecision.objects.filter(citation=scene.second).exists()
    reason.select_option("not_ev")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#screening .badge")).to_have_text("Out of scope")
    decision = ScreeningDecision.objects.get(citation=scene.second)
    assert (decision.decision, decision.reason) == ("out_of_scope", "not_ev")


def test_editor_accepts_in_the_inbox_by_keyboard(new_page, log_in, screenshot):
    scene = seed_review()
    annotation = ready_for_the_editor(scene)

    # The editor reviews the inbox: the curator's annotation and the two of another curator.
    editor_page = new_page()
    log_in(editor_page, "eddie", PASSWORD, "/curation/inbox/")
    expect(editor_page.locator(".inbox-item")).to_have_count(3)
    editor_page.keyboard.press("j")
    expect(editor_page.locator(".inbox-item.current")).to_have_id(f"inbox-{annotation.pk}")
    screenshot(editor_page, "inbox")
    editor_page.keyboard.press("a")
    expect(editor_page.locator(f"#inbox-{annotation.pk} .badge").first).to_have_text("Accepted")
    annotation.refresh_from_db()
    assert annotation.state == "accepted"

    # The other two by ticking with "x" and accepting all ticked with Shift+A.
    editor_page.keyboard.press("j")
    editor_page.keyboard.press("x")
    editor_page.keyboard.press("j")
    editor_page.keyboard.press("x")
    editor_page.keyboard.press("Shift+A")
    expect(editor_page.locator(".messages")).to_contain_text("Accepted 2 annotations.")
    assert set(MechanismAnnotation.objects.values_list("state", flat=True)) == {"accepted"}


def test_visitor_sees_the_accepted_annotation_read_only(new_page):
    scene = seed_review()
    annotation = all_accepted(scene)

    visitor = new_page()
    visitor.goto(scene.workspace(scene.first))
    visitor_card = visitor.locator(f"#annotation-{annotation.pk}")
    expect(visitor_card.locator(".badge")).to_have_text("Accepted")
    expect(visitor_card).to_contain_text("miR-522")
    expect(visitor.locator("#annotation-form")).to_have_count(0)
    expect(visitor.locator("#screening button")).to_have_count(0)


def test_curator_sees_the_progress_in_the_queue(new_page, log_in, screenshot):
    scene = seed_review()
    all_accepted(scene)

    page = new_page()
    log_in(page, "cora", PASSWORD, scene.queue)
    expect(page.locator(".progress-summary")).to_contain_text("4 of 5 screened")
    expect(page.locator(f"#citation-{scene.first.pk} .badge.accepted")).to_have_text("1 accepted")
    page.keyboard.press("j")
    page.keyboard.press("j")
    screenshot(page, "queue")
