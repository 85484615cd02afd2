"""The Content-Security-Policy: on pages, API answers and refusals; and no template carries inline code it would block."""

import re
from pathlib import Path

import pytest

from tests import factories

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
DATA_BLOCK = re.compile(r"""\stype\s*=\s*["']?application/(?:ld\+)?json\b""", re.IGNORECASE)  # never run
FORBIDDEN = {
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"<[a-z][^<>]*?\sstyle\s*=", re.IGNORECASE),
    "an inline event handler": re.compile(r"<[a-z][^<>]*?\son[a-z]+\s*=", re.IGNORECASE),
    "an hx-on attribute": re.compile(r"<[a-z][^<>]*?\s(?:data-)?hx-on", re.IGNORECASE),
    "a javascript: URL": re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE),
}


def inline_code(html: str) -> list[str]:
    """What in `html` a policy without 'unsafe-inline' refuses: inline scripts, styles and handlers."""
    html = TEMPLATE_COMMENT.sub("", html)
    found = []
    for attributes, body in SCRIPT.findall(html):
        if DATA_BLOCK.search(attributes):
            continue
        if not re.search(r"\ssrc\s*=", " " + attributes, re.IGNORECASE) or body.strip():
            found.append(f"an inline <script>: <script{attributes}>{body.strip()[:60]}")
    for what, pattern in FORBIDDEN.items():
        found.extend(f"{what}: {match.group(0)[:80]}" for match in pattern.finditer(html))
    return found


def policy_of(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} answered without a Content-Security-Policy"
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


# the scanner itself


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script type="module">import "x"</script>',
        '<script src="/static/x.js">alert(1)</script>',
        "<style>p { color: red }</style>",
        '<span class="x" style="width: 5%"></span>',
        "<div\n  STYLE='color: red'>",
        '<button type="button" onclick="go()">',
        "<body onload=go()>",
        '<input hx-on:keyup="go()">',
        '<a href="javascript:go()">',
    ],
)
def test_the_scanner_finds_inline_code(html):
    assert inline_code(html)


@pytest.mark.parametrize(
    "html",
    [
        '<script src="/static/js/curation.js" defer></script>',
        "{# an inline <script> or <style> here is only a comment #}<p>x</p>",
        "{% render_field nested_field style=style %}",
        '<rect class="done-in" width="40" height="1"/>',
        '<p class="once">Only one of them</p>',
        '<input data-key-focus="o" data-online="1">',
        '<script type="application/json" id="drf_csrf">{"csrfToken": "x"}</script>',
    ],
)
def test_the_scanner_passes_what_the_policy_allows(html):
    assert inline_code(html) == []


def test_no_template_carries_inline_code():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20
    found = {
        str(path.relative_to(TEMPLATES)): problems
        for path in templates
        if (problems := inline_code(path.read_text(encoding="utf-8")))
    }
    assert found == {}


# the header


@pytest.mark.django_db
def test_a_page_carries_the_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert policy_of(response) == POLICY
    assert inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_an_api_answer_carries_the_policy(api_client):
    response = api_client.get("/api/v1/reviews/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert policy_of(response) == POLICY


@pytest.mark.django_db
def test_refusals_carry_the_policy(client):
    assert policy_of(client.get("/reviews/1/")) == POLICY  # a 404
    refused = client.get("/", {"text": "a\x00b"})  # refused by middleware before any view runs
    assert refused.status_code == 400 and policy_of(refused) == POLICY


# pages rendered by the libraries' templates


@pytest.mark.django_db
def test_the_csrf_failure_page_has_no_inline_code():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and policy_of(response) == POLICY
    html = response.content.decode()
    assert "CSRF verification failed" in html and "css/portal.css" in html, "the portal's own page"
    assert inline_code(html) == []


@pytest.mark.django_db
def test_the_api_documentation_loads_its_start_up_script_as_a_file(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200 and policy_of(page) == POLICY
    html = page.content.decode()
    assert inline_code(html) == []
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any(src.startswith("/api/v1/docs/?") and "script" in src for src in scripts), scripts
    assert all(src.startswith("/") for src in scripts), "every script is served by the portal itself"

    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


@pytest.mark.django_db
def test_the_browsable_api_has_no_inline_code(client, demo_review):
    pages = ["/api/v1/", f"/api/v1/reviews/{demo_review.article.pmid}/", *client.get("/api/v1/").json().values()]
    forms = 0
    for user in (None, factories.editor("edwina")):
        if user:
            client.force_login(user)  # an editor gets the forms that send data, too
        for url in pages:
            response = client.get(url, HTTP_ACCEPT="text/html")
            assert response.status_code in (200, 403) and response["Content-Type"].startswith("text/html"), url
            html = response.content.decode()
            assert inline_code(html) == [], url
            forms += html.count('method="POST"')
    assert forms, "the editor's pages had forms that send data"
