"""Browser tests' fixtures: headless Chromium driven by Playwright against pytest-django's live server.

Loaded once for the whole suite (`pytest_plugins` in tests/conftest.py), wherever a browser test lives: Playwright's
sync API allows one instance per thread, so there is exactly one session-wide browser. The browser is the system's
Chromium (Debian package), never a downloaded build: CAFEX_CHROMIUM points at it.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between browser steps are
# ordinary synchronous calls, which Django would otherwise refuse inside a running loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CAFEX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (set CAFEX_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """A factory of pages, each in its own browser context (its own cookies), so several people can take turns."""
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(tmp_path) -> Iterator:
    """Saves a screenshot of the viewport as <name>.png.

    Into docs/screenshots/ only with CAFEX_SCREENSHOTS=1 (`make screenshots`); otherwise into the test's
    temporary directory, so that an ordinary run takes the same steps but never rewrites the tracked images.
    """
    folder = SCREENSHOTS if os.environ.get("CAFEX_SCREENSHOTS") == "1" else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    yield save


@pytest.fixture
def log_in():
    """Logs a page in through the portal's login form and waits for the page it asked for."""

    def go(page, username: str, password: str, next_url: str) -> None:
        page.goto(f"/accounts/login/?next={next_url}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(f"**{next_url}")

    return go
