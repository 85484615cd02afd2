"""Login attempts are limited, the API is throttled, CORS is closed unless configured, assignments tell strangers
nothing about usernames, and a plain-text title is plain text everywhere."""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from cafex_portal.throttling import SignedInRateThrottle
from curation.models import Assignment
from tests import factories
from tests.articles.factories import ArticleFactory, CitationFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
WRONG = "not-the-password"


# --- login attempts


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_the_account_out_from_that_address(url):
    factories.superuser("mallory-target")  # staff, so the admin's login would let them in too
    factories.superuser("bystander")
    client = Client()
    for _ in range(5):
        client.post(url, {"username": "mallory-target", "password": WRONG})
    refused = client.post(url, {"username": "mallory-target", "password": factories.PASSWORD})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many failed logins" in page and "15 minutes" in page
    assert "_auth_user_id" not in client.session
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and "<style" not in page and " style=" not in page

    assert Client().post(url, {"username": "bystander", "password": factories.PASSWORD}).status_code == 302
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert elsewhere.post(url, {"username": "mallory-target", "password": factories.PASSWORD}).status_code == 302


def test_fewer_wrong_passwords_than_the_limit_still_let_the_right_one_in():
    factories.curator("cora")
    client = Client()
    for _ in range(4):
        assert client.post("/accounts/login/", {"username": "cora", "password": WRONG}).status_code == 200
    assert client.post("/accounts/login/", {"username": "cora", "password": factories.PASSWORD}).status_code == 302


def test_a_session_from_the_login_page_and_a_token_both_reach_the_api(api_client):
    user = factories.editor("edwin")
    client = Client()
    assert client.post("/accounts/login/", {"username": "edwin", "password": factories.PASSWORD}).status_code == 302
    assert client.get("/api/v1/assignments/").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert api_client.get("/api/v1/assignments/").status_code == 200


# --- API throttling


@pytest.fixture
def low_rates(monkeypatch, settings):
    """Throttle rates low enough to reach in a test; DRF's throttles read their rates when imported."""
    rates = {"anon": "3/min", "user": "5/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    keys = []
    yield keys
    cache.delete_many(keys)


def test_anonymous_clients_are_throttled_each_on_their_own(low_rates):
    low_rates += ["throttle_anon_203.0.113.7", "throttle_anon_203.0.113.8"]
    cache.delete_many(low_rates)
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [client.get("/api/v1/reviews/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/reviews/")
    assert refused.status_code == 429
    assert set(refused.json()) == {"detail"} and "throttled" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    spoofed = client.get("/api/v1/reviews/", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert spoofed.status_code == 429, "a made-up X-Forwarded-For is no new client"
    assert Client(REMOTE_ADDR="203.0.113.8").get("/api/v1/reviews/").status_code == 200


def test_signed_in_users_are_throttled_per_user(low_rates, api_client):
    user, other = factories.curator("busy"), factories.curator("calm")
    low_rates += [f"throttle_user_{user.pk}", f"throttle_user_{other.pk}"]
    cache.delete_many(low_rates)
    api_client.force_authenticate(user)
    assert [api_client.get("/api/v1/assignments/").status_code for _ in range(5)] == [200] * 5
    refused = api_client.get("/api/v1/assignments/")
    assert refused.status_code == 429 and set(refused.json()) == {"detail"} and refused["Retry-After"]
    api_client.force_authenticate(other)
    assert api_client.get("/api/v1/assignments/").status_code == 200


def test_throttle_counts_live_in_the_shared_cache(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "rest_framework.throttling.AnonRateThrottle",
        "cafex_portal.throttling.SignedInRateThrottle",
    ]
    expected = RedisCache if os.environ.get("REDIS_URL") else LocMemCache
    assert AnonRateThrottle.cache is SignedInRateThrottle.cache is cache
    assert isinstance(caches["default"], expected)


def test_an_anonymous_client_is_counted_once_and_a_user_per_user(low_rates, api_client):
    low_rates += ["throttle_anon_203.0.113.9", "throttle_user_203.0.113.9"]
    cache.delete_many(low_rates)
    assert Client(REMOTE_ADDR="203.0.113.9").get("/api/v1/reviews/").status_code == 200
    assert cache.get("throttle_anon_203.0.113.9") and cache.get("throttle_user_203.0.113.9") is None
    user = factories.curator("counted")
    low_rates.append(f"throttle_user_{user.pk}")
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/assignments/").status_code == 200 and cache.get(f"throttle_user_{user.pk}")


# --- settings from the environment


def base_settings(**environ: str) -> dict:
    """The base settings as a fresh process reads them with `environ`."""
    names = [
        "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS", "AUTHENTICATION_BACKENDS",
        "CORS_ALLOWED_ORIGINS", "CORS_URLS_REGEX", "REST_FRAMEWORK",
    ]  # fmt: skip
    code = (
        "import json, cafex_portal.settings.base as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}, default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AXES_", "CORS_", "API_THROTTLE_"))}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **environ}, cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_limits_and_origins_come_from_the_environment():
    default = base_settings()
    assert (default["AXES_FAILURE_LIMIT"], default["AXES_COOLOFF_TIME"]) == (5, 0.25)
    assert default["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert default["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert default["CORS_ALLOWED_ORIGINS"] == []
    assert default["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"] == {"anon": "120/min", "user": "600/min"}
    configured = base_settings(
        AXES_FAILURE_LIMIT="3",
        AXES_COOLOFF_TIME="2",
        CORS_ALLOWED_ORIGINS="https://tools.example.org,https://lab.example.org",
        API_THROTTLE_ANON="10/min",
        API_THROTTLE_USER="1000/hour",
    )
    assert (configured["AXES_FAILURE_LIMIT"], configured["AXES_COOLOFF_TIME"]) == (3, 2.0)
    assert configured["CORS_ALLOWED_ORIGINS"] == ["https://tools.example.org", "https://lab.example.org"]
    assert configured["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"] == {"anon": "10/min", "user": "1000/hour"}


# --- CORS

ORIGIN = "https://tools.example.org"


def test_no_origin_is_allowed_by_default(api_client):
    response = api_client.get("/api/v1/reviews/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    preflight = api_client.options("/api/v1/reviews/", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert "Access-Control-Allow-Origin" not in preflight


def test_a_configured_origin_may_read_the_api_and_nothing_else(api_client, client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    response = api_client.get("/api/v1/reviews/", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Credentials" not in response
    preflight = api_client.options("/api/v1/reviews/", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight["Access-Control-Allow-Origin"] == ORIGIN
    other = api_client.get("/api/v1/reviews/", HTTP_ORIGIN="https://evil.example.net")
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in client.get("/accounts/login/", HTTP_ORIGIN=ORIGIN)


# --- assignments: whether a username exists is for editors only


def assign(api_client, username: str):
    body = {"citations": [CitationFactory().pk], "curator": username}
    return api_client.post("/api/v1/assignments/", body, format="json")


def test_a_curator_cannot_probe_usernames_through_assignments(api_client):
    factories.curator("known-curator")
    api_client.force_authenticate(factories.curator("prober"))
    unknown, known = assign(api_client, "no-such-person"), assign(api_client, "known-curator")
    assert unknown.status_code == known.status_code == 403
    assert unknown.json() == known.json() == {"detail": "Only editors can assign citations."}
    assert not Assignment.objects.exists()


def test_an_anonymous_caller_cannot_probe_usernames_through_assignments(api_client):
    factories.curator("known-curator")
    unknown, known = assign(api_client, "no-such-person"), assign(api_client, "known-curator")
    assert unknown.status_code == known.status_code
    assert unknown.status_code in (401, 403)
    assert unknown.json() == known.json() and "no-such-person" not in unknown.content.decode()


def test_an_editor_is_still_told_the_username_is_unknown(api_client):
    api_client.force_authenticate(factories.editor("edie"))
    response = assign(api_client, "no-such-person")
    assert response.status_code == 400 and "curator" in response.json()["errors"]
    assert "no-such-person" in response.content.decode()


# --- plain-text titles

MARKUP_TITLE = "Effect of &lt;script&gt; on <i>p53</i>"
PLAIN = "Effect of <script> on p53"


def test_a_plain_title_has_no_tags_and_no_entities():
    assert ArticleFactory(title=MARKUP_TITLE).plain_title == PLAIN
    assert ArticleFactory(title="A &amp; B: <sup>18</sup>F-FDG &#8805; 2").plain_title == "A & B: 18F-FDG ≥ 2"


def test_the_api_and_the_tab_title_show_the_plain_title_as_text(api_client, client):
    article = ArticleFactory(title=MARKUP_TITLE)
    data = api_client.get(f"/api/v1/articles/{article.pmid}/").json()
    assert (data["title"], data["title_html"]) == (PLAIN, MARKUP_TITLE)
    page = client.get(f"/articles/{article.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
    assert title.startswith("Effect of &lt;script&gt; on p53"), "escaped once, as HTML text"
    assert html.unescape(title).startswith(PLAIN), "what the browser shows in the tab"


def test_behind_a_proxy_the_lockout_and_the_throttle_see_the_client_not_the_proxy(settings, rf):
    from cafex_portal.client_ip import client_ip

    settings.NUM_PROXIES = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7", "only the entry the trusted proxy appended is believed"
    settings.NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"
    assert settings.AXES_CLIENT_IP_CALLABLE == "cafex_portal.client_ip.client_ip"
