"""A curator screens and annotates a citation by keyboard; an editor accepts it; a visitor then sees it."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Citation
from curation import services
from curation.models import Facet, MechanismAnnotation, ScreeningDecision, Term
from curation.vocabulary_seed import seed_vocabulary
from tests.articles.factories import ArticleFactory, CitationFactory, ReviewFactory

PASSWORD = "pw-for-tests-only"

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


def make_user(username: str, group: str):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def seed_review():
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
    return review, first, second, others


def term_ids(**labels: str) -> dict[str, list[int]]:
    return {facet: [Term.objects.get(facet=facet, label=label).pk] for facet, label in labels.items()}


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


@pytest.mark.e2e
# Fixed ids and sequences keep the screenshots the same from run to run.
@pytest.mark.django_db(transaction=True, serialized_rollback=True, reset_sequences=True)
def test_curator_annotates_by_keyboard_editor_accepts_visitor_sees(new_page, log_in, screenshot):
    review, first, second, others = seed_review()
    make_user("cora", "curator")
    make_user("eddie", "editor")
    helper = make_user("hana", "curator")
    queue = f"/reviews/{review.article.pmid}/curation/"

    # A curator logs in, opens the queue and the first citation from the keyboard.
    page = new_page()
    log_in(page, "cora", PASSWORD, queue)
    expect(page.locator(".queue-row")).to_have_count(5)
    expect(page.locator(".progress-summary")).to_contain_text("0 of 5 screened")
    page.keyboard.press("j")
    expect(page.locator(".queue-row.current")).to_have_id(f"citation-{first.pk}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/curation/{first.pk}/")
    expect(page.locator("mark.term", has_text="miR-522").first).to_be_visible()

    # In scope with "i", through htmx: the panel changes in place.
    page.keyboard.press("i")
    expect(page.locator("#screening .badge")).to_have_text("In scope")
    expect(page.locator("#flash")).to_contain_text("Screening: In scope.")
    assert ScreeningDecision.objects.get(citation=first).decision == "in_scope"

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
    page.fill("textarea[name=quote]", "CAF-derived exosomal miR-522 inhibits ferroptosis by targeting ALOX15.")
    page.focus("textarea[name=quote]")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"#annotation-\d+$"))
    annotation = MechanismAnnotation.objects.get(citation=first)
    card = page.locator(f"#annotation-{annotation.pk}")
    expect(card.locator(".badge")).to_have_text("Draft")
    assert annotation.state == "draft"
    assert sorted(annotation.terms.filter(facet=Facet.EVIDENCE).values_list("label", flat=True)) == [
        "in vitro",
        "in vivo (mouse)",
    ]
    assert annotation.terms.count() == 12

    # "s" submits the draft; the card changes in place.
    page.keyboard.press("s")
    expect(card.locator(".badge")).to_have_text("Submitted")
    annotation.refresh_from_db()
    assert annotation.state == "submitted"
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "workspace")

    # "?" opens the help overlay listing the keys; Escape closes it.
    page.keyboard.press("?")
    help_overlay = page.locator("#key-help")
    expect(help_overlay).to_be_visible()
    for key in ("j", "k", "i", "o", "n", "s", "?"):
        expect(help_overlay.locator("kbd", has_text=re.compile(rf"^{re.escape(key)}$")).first).to_be_attached()
    screenshot(page, "help-overlay")
    page.keyboard.press("Escape")
    expect(help_overlay).to_be_hidden()

    # "j" goes on to the next citation; "o" asks why it is out of scope.
    page.keyboard.press("j")
    page.wait_for_url(f"**/curation/{second.pk}/")
    page.keyboard.press("o")
    reason = page.locator("select[name=reason]")
    expect(reason).to_be_focused()
    page.keyboard.press("Control+Enter")  # no reason chosen yet: the browser asks for one
    assert not ScreeningDecision.objects.filter(citation=second).exists()
    reason.select_option("not_ev")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#screening .badge")).to_have_text("Out of scope")
    decision = ScreeningDecision.objects.get(citation=second)
    assert (decision.decision, decision.reason) == ("out_of_scope", "not_ev")

    # Meanwhile another curator submitted two more; the editor reviews the inbox.
    submit_for_review(others[0], helper, "miR-21", "EMT/invasion/migration")
    submit_for_review(others[1], helper, "lncRNA H19", "stemness")
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

    # A visitor sees the accepted mechanism, read-only.
    visitor = new_page()
    visitor.goto(f"{queue}{first.pk}/")
    visitor_card = visitor.locator(f"#annotation-{annotation.pk}")
    expect(visitor_card.locator(".badge")).to_have_text("Accepted")
    expect(visitor_card).to_contain_text("miR-522")
    expect(visitor.locator("#annotation-form")).to_have_count(0)
    expect(visitor.locator("#screening button")).to_have_count(0)

    # Back in the queue, the curator sees the progress.
    page.goto(queue)
    expect(page.locator(".progress-summary")).to_contain_text("4 of 5 screened")
    expect(page.locator(f"#citation-{first.pk} .badge.accepted")).to_have_text("1 accepted")
    page.keyboard.press("j")
    page.keyboard.press("j")
    screenshot(page, "queue")
