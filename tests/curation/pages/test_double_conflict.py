"""In the browser: two curators disagree on a citation under double curation, and an editor resolves it on the
conflict page — the screening decision and the mechanisms — with not one Content-Security-Policy violation."""

import pytest
from playwright.sync_api import expect

from curation import services
from curation.models import ConflictResolution, MechanismAnnotation, ScreeningDecision
from curation.services import double as double_services
from tests.curation.factories import ArticleFactory, CitationFactory, ReviewFactory, complete_values, term
from tests.e2e.test_csp import RECORDER
from tests.factories import PASSWORD, curator, editor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def watched(page) -> list[str]:
    """Record the page's CSP violations, and Chromium's console reports of them."""
    seen: list[str] = []
    page.add_init_script(RECORDER)
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


def violations(page, seen: list[str]) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []") + seen


def test_an_editor_resolves_a_double_curation_conflict(new_page, log_in, screenshot):  # noqa: F811
    cora, otto, eddie = curator("cora"), curator("otto"), editor("eddie")
    review = ReviewFactory(article__title="Synthetic review for double curation")
    double_services.review_curation_settings_set(
        review=review, user=eddie, double_screening=True, double_annotation=True
    )
    citation = CitationFactory(
        review=review, article=ArticleFactory(title="Synthetic paper: CAF exosomal miR-522 in gastric cancer")
    )
    services.screening_set(citation=citation, user=cora, decision="in_scope")
    services.screening_set(citation=citation, user=otto, decision="out_of_scope", reason="not_ev")
    for author, cancer in ((cora, "gastric cancer"), (otto, "breast cancer")):
        draft = services.annotation_create(
            citation=citation,
            user=author,
            values=complete_values(cancer_type=[term("cancer_type", cancer).pk]),
            quote=f"Synthetic quote by {author.username}",
        )
        services.annotation_submit(annotation=draft, user=author)

    # Blind until both were done; both are done now, so each curator still sees only their own record.
    curator_page = new_page()
    log_in(curator_page, "otto", PASSWORD, f"/reviews/{review.pmid}/curation/{citation.pk}/")
    expect(curator_page.get_by_text("Synthetic quote by otto")).to_be_visible()
    expect(curator_page.get_by_text("Synthetic quote by cora")).to_have_count(0)

    page = new_page()
    seen = watched(page)
    log_in(page, "eddie", PASSWORD, "/curation/conflicts/")
    page.get_by_role("link", name="Synthetic review for double curation").click()
    screening = page.locator(f"#screening-{citation.pk}")
    expect(screening.locator('[data-curator="cora"]')).to_contain_text("In scope")
    expect(screening.locator('[data-curator="otto"]')).to_contain_text("Not about exosomes / EVs")
    mechanisms = page.locator(f"#annotation-{citation.pk}")
    expect(mechanisms.locator("tr.differs")).to_contain_text("breast cancer")
    screenshot(page, "double-conflict")

    screening.get_by_role("button", name="Resolve: in scope").click()
    expect(page.locator(".messages")).to_contain_text(f"Screening of citation {citation.pk} resolved.")
    page.locator(f"#annotation-{citation.pk}").get_by_role("button", name="Accept cora's records").click()
    expect(page.locator(".messages")).to_contain_text(f"Mechanisms of citation {citation.pk} resolved.")
    expect(page.get_by_text("No finished double annotations wait.")).to_be_visible()

    page.get_by_role("link", name="Agreement statistics").click()
    expect(page.locator('[data-figure="n"]')).to_have_text("1")
    screenshot(page, "agreement")
    assert violations(page, seen) == []

    assert ScreeningDecision.objects.get(citation=citation).decision == "in_scope"
    states = dict(MechanismAnnotation.objects.filter(citation=citation).values_list("author__username", "state"))
    assert states == {"cora": "accepted", "otto": "rejected"}
    assert ConflictResolution.objects.filter(citation=citation).count() == 2
