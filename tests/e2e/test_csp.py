"""Every page keeps to the Content-Security-Policy in Chromium: not one violation, for a visitor, a curator, an editor
and an admin, on the pages as loaded and after htmx has swapped new content into them.

Each page records the `securitypolicyviolation` events it sees on `window` (an init script, which the policy does not
govern), and the console is watched for Chromium's "Content Security Policy" messages as well.
"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from articles.models import Citation, Review, SyncRun
from articles.services import sync_run_start
from curation import services
from curation.models import MechanismAnnotation
from tests.articles.factories import ArticleFactory, CitationFactory, ReviewFactory
from tests.curation.factories import complete_values, ensure_seed
from tests.factories import PASSWORD, curator, editor, superuser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REVIEW_PMID = 34852849

RECORDER = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
      `${event.effectiveDirective} refused ${event.blockedURI || "?"} at ${event.sourceFile}:${event.lineNumber}` +
        (event.sample ? ` (${event.sample})` : "")
    );
  });
})();
"""

ABSTRACT = [
    {
        "label": "Results",
        "category": "RESULTS",
        "text": "Exosomal miR-522 from CAFs targeted ALOX15 and blocked ferroptosis, promoting <i>cisplatin</i> "
        "resistance in gastric cancer cells in vitro.",
    }
]


@dataclass
class Scene:
    review: Review
    first: Citation  # screened in scope, with a submitted annotation, assigned to the curator
    second: Citation  # not yet screened
    annotation: MechanismAnnotation
    run: SyncRun

    @property
    def review_url(self) -> str:
        return f"/reviews/{self.review.article.pmid}/"

    @property
    def queue(self) -> str:
        return f"{self.review_url}curation/"

    def workspace(self, citation: Citation) -> str:
        return f"{self.queue}{citation.pk}/"

    @property
    def history(self) -> str:
        return f"/curation/annotations/{self.annotation.pk}/history/"


def seed() -> Scene:
    """A review with citations on every tab, a submitted annotation, an assignment and a sync under way."""
    ensure_seed()
    review = ReviewFactory(
        article__pmid=REVIEW_PMID,
        article__title="Cancer associated-fibroblast-derived exosomes in cancer progression",
        article__abstract=ABSTRACT,
    )
    first = CitationFactory(
        review=review,
        relation=Citation.Relation.REFERENCE,
        position=1,
        article=ArticleFactory(
            title="CAF secreted miR-522 suppresses ferroptosis and promotes chemo-resistance in gastric cancer",
            abstract=ABSTRACT,
        ),
        citation_text="Zhang H, et al. Mol Cancer. 2020;19:43.",
    )
    second = CitationFactory(review=review, relation=Citation.Relation.REFERENCE, position=2)
    CitationFactory(
        review=review, relation=Citation.Relation.REFERENCE, position=3, article=None, citation_text="Lab notes"
    )
    CitationFactory(review=review, relation=Citation.Relation.CITED_BY)
    CitationFactory(review=review, relation=Citation.Relation.SIMILAR)

    cora, eddie = curator("cora"), editor("eddie")
    superuser("root")
    services.screening_set(citation=first, user=cora, decision="in_scope")
    annotation = services.annotation_create(
        citation=first, user=cora, values=complete_values(), quote="CAF-derived miR-522 inhibits ferroptosis."
    )
    annotation = services.annotation_submit(annotation=annotation, user=cora)
    services.assignment_create(citations=[first, second], curator=cora, user=eddie)

    run = sync_run_start(review=review, trigger=SyncRun.Trigger.PAGE, user=eddie, enqueue=False)
    SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.RUNNING, stage="Fetching records", total=10, done=4)
    return Scene(review=review, first=first, second=second, annotation=annotation, run=run)


class Watched:
    """A page whose CSP violations, and Chromium's console reports of them, are recorded."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORDER)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str, *, ready: str | None = None) -> None:
        """Loads `url` and asserts that it was answered under the policy and broke none of it."""
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, f"{url}: no policy in {policy!r}"
        if ready:
            expect(self.page.locator(ready).first).to_be_visible()
        self.assert_clean(url)

    def violations(self) -> list[str]:
        # Violation events are queued as tasks: let those of the latest step arrive before reading them.
        self.page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")
        return self.page.evaluate("() => window.__cspViolations || []") + self.console

    def assert_clean(self, where: str) -> None:
        found = self.violations()
        assert found == [], f"{where}: {found}"


def watched(new_page) -> Watched:
    return Watched(new_page())


def logged_in(new_page, log_in, username: str, next_url: str) -> Watched:
    browser = watched(new_page)
    log_in(browser.page, username, PASSWORD, next_url)
    browser.assert_clean(f"logging in as {username}")
    return browser


def wait_for_a_poll(page, run: SyncRun) -> None:
    """Waits until htmx has fetched and swapped in a fresh copy of the sync panel."""
    page.wait_for_event("response", lambda response: f"/sync-runs/{run.pk}/status/" in response.url)
    expect(page.locator("#sync-status:not(.htmx-request)")).to_have_count(1)


def test_the_recorder_reports_inline_code_the_policy_refuses(new_page):
    browser = watched(new_page)
    browser.visit("/")
    assert browser.page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    assert browser.page.evaluate("() => document.querySelectorAll('style, [style]').length") == 0
    browser.page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
            document.body.setAttribute("style", "color: red");
        }"""
    )
    found = browser.violations()
    assert any(v.startswith("script-src-elem") for v in found), found
    assert any(v.startswith("style-src-attr") for v in found), found
    assert browser.page.evaluate("() => window.inlineRan") is None


def test_a_visitors_pages_keep_to_the_policy(new_page):
    scene = seed()
    browser = watched(new_page)
    browser.visit("/", ready="main")
    browser.visit(scene.review_url, ready=".sync-status .progress svg")
    for tab in Citation.Relation.values:
        browser.visit(f"{scene.review_url}?tab={tab}", ready=".tabs a.active")
    browser.visit(f"/articles/{scene.first.article.pk}/", ready="main h1")
    browser.visit(scene.queue, ready=".queue-row")
    browser.visit(scene.workspace(scene.first), ready="#screening")
    browser.visit("/search/", ready=".search-results")
    # The facets keep to their column: the annotation lists' `dl.facets` grid must not lay out this `aside.facets`.
    results = browser.page.locator(".search-results").bounding_box()
    for facet in browser.page.locator("aside.facets .facet").all():
        box = facet.bounding_box()
        assert box and results and box["x"] + box["width"] <= results["x"], (box, results)
    browser.visit("/accounts/login/", ready="input[name=username]")
    browser.visit("/admin/login/", ready="input[name=username]")
    browser.visit("/api/v1/", ready=".response-info")
    browser.visit("/api/v1/reviews/", ready=".response-info")
    browser.visit(f"/api/v1/reviews/{REVIEW_PMID}/", ready=".response-info")

    # The sync panel polls every second: a fresh copy swapped in by htmx keeps to the policy too.
    browser.visit(scene.review_url, ready=".sync-status .progress svg")
    wait_for_a_poll(browser.page, scene.run)
    expect(browser.page.locator(".sync-status .progress rect")).to_have_attribute("width", "40")
    bar = browser.page.locator(".sync-status .progress").bounding_box()
    done = browser.page.locator(".sync-status .progress rect").bounding_box()
    assert bar and done and abs(done["width"] - 0.4 * bar["width"]) < 2, (
        "the bar is drawn 4 of 10 done, no style needed"
    )
    browser.assert_clean("the sync panel after a poll")


def test_the_api_documentation_runs_under_the_policy(new_page):
    browser = watched(new_page)
    browser.visit("/api/v1/docs/", ready=".swagger-ui .opblock")
    assert browser.page.locator("script:not([src])").count() == 0
    browser.page.locator(".swagger-ui .opblock-summary").first.click()
    expect(browser.page.locator(".swagger-ui .opblock-body").first).to_be_visible()
    browser.assert_clean("the API documentation, an operation opened")


def test_a_curators_pages_and_htmx_swaps_keep_to_the_policy(new_page, log_in):
    scene = seed()
    browser = logged_in(new_page, log_in, "cora", scene.queue)
    page = browser.page
    browser.visit(scene.queue, ready=".queue-row")

    # Filters swap the results in place.
    with page.expect_response(lambda response: "decision=undecided" in response.url):
        page.select_option("select[name=decision]", "undecided")
    expect(page.locator(".queue-row")).to_have_count(4)
    browser.assert_clean("the queue, filtered by a select")
    page.keyboard.press("/")
    with page.expect_response(lambda response: "text=Lab" in response.url):
        page.keyboard.type("Lab")
    expect(page.locator(".queue-row")).to_have_count(1)
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#key-help")).to_be_visible()
    page.keyboard.press("Escape")
    browser.assert_clean("the queue, searched, with the key help open")

    # Screening by key and picking a term swap panels and pick lists in.
    browser.visit(scene.workspace(scene.second), ready="#screening")
    page.keyboard.press("i")
    expect(page.locator("#screening .badge")).to_have_text("In scope")
    expect(page.locator("#flash")).to_contain_text("In scope")
    page.keyboard.press("u")
    expect(page.locator("#screening .badge")).to_have_text("Undecided")
    page.keyboard.press("n")
    field = page.locator("[data-picker-input]").first
    expect(field).to_be_focused()
    field.press_sequentially("miRNA", delay=15)
    expect(page.locator("[data-picker-list] [role=option].active[data-q='miRNA']")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("[data-picker] .chip", has_text="miRNA")).to_be_visible()
    browser.assert_clean("the workspace after screening and a pick")

    browser.visit(scene.workspace(scene.first), ready="#annotations .annotation")
    browser.visit("/curation/my-queue/", ready="main h1")
    browser.visit(scene.history, ready="main h1")
    browser.visit(scene.review_url, ready=".sync-status")
    browser.visit("/api/v1/annotations/", ready=".response-info")

    response = page.goto("/curation/inbox/")  # editors only: the refusal is a page of its own
    assert response is not None and response.status == 403 and response.headers.get("content-security-policy")
    browser.assert_clean("the inbox refused to a curator")


def test_an_editors_pages_and_htmx_swaps_keep_to_the_policy(new_page, log_in):
    scene = seed()
    browser = logged_in(new_page, log_in, "eddie", "/curation/inbox/")
    page = browser.page
    browser.visit("/curation/inbox/", ready=f"#inbox-{scene.annotation.pk}")
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.locator(f"#inbox-{scene.annotation.pk}")).to_contain_text("Accepted")
    browser.assert_clean("the inbox after an accept by key")

    browser.visit(scene.queue, ready=".queue-row input[type=checkbox]")
    with page.expect_response(lambda response: "decision=in_scope" in response.url):
        page.select_option("select[name=decision]", "in_scope")
    expect(page.locator(".queue-row")).to_have_count(1)
    browser.assert_clean("the editor's queue, filtered")

    browser.visit(scene.workspace(scene.first), ready="#annotations .annotation")
    browser.visit(scene.history, ready="main h1")
    browser.visit("/reviews/add/", ready="main form")
    browser.visit(scene.review_url, ready=".sync-status .progress svg")
    wait_for_a_poll(page, scene.run)
    browser.assert_clean("the editor's sync panel after a poll")


def test_the_admin_keeps_to_the_policy(new_page, log_in):
    scene = seed()
    browser = logged_in(new_page, log_in, "root", "/admin/")
    browser.visit("/admin/", ready="#content-main")
    browser.visit("/admin/articles/review/", ready="#changelist")
    browser.visit("/admin/curation/term/?facet__exact=cargo", ready="#changelist")
    browser.visit(f"/admin/articles/review/{scene.review.pk}/change/", ready="#content-main form")
    browser.visit("/admin/auth/user/add/", ready="#content-main form")
