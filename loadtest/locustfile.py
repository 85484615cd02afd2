"""Load on the portal: people browsing pages, clients paging the API, searches of the curation queue, and
curators saving annotations and screening decisions. Run it with `make loadtest` (loadtest/run.py), which builds
the data (loadtest/build_data.py) and passes its fixture in LOADTEST_FIXTURE.

Request names group the statistics: "page …" for HTML pages, "api …" for API reads, "search …" for the queue's
text filter, "save …" for curators' writes. Any answer but the expected status counts as an error.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading

from locust import FastHttpUser, between, constant_pacing, tag, task

FIXTURE = json.loads(open(os.environ["LOADTEST_FIXTURE"], encoding="utf-8").read())
REAL = FIXTURE["real_review"]
SYNTHETIC = FIXTURE["synthetic_review"]
ARTICLES = FIXTURE["articles"]
TABS = ("reference", "cited_by", "similar")
# The API pages that exist: the real review has one page of citations, the synthetic review dozens.
CITATION_PAGES = [(REAL, 1)] + [(SYNTHETIC, n) for n in range(1, FIXTURE["synthetic_citation_pages"] + 1)]


_addresses = itertools.count(1)


class Visitor(FastHttpUser):
    """Every simulated person comes from an address of their own, as the proxy in front of the portal reports it
    (`X-Forwarded-For`, read with API_NUM_PROXIES=1): the API throttle and the login lockout count each apart."""

    abstract = True

    def __init__(self, environment) -> None:
        number = next(_addresses)
        self.default_headers = {"X-Forwarded-For": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"}
        super().__init__(environment)


class PageReader(Visitor):
    """Someone reading the site: home, a review's tabs, articles; a few seconds on each page."""

    weight = 4
    wait_time = between(1, 3)

    @task(1)
    def home(self):
        self.client.get("/", name="page home")

    @task(3)
    def review_tab(self):
        pmid = random.choice((REAL, SYNTHETIC))
        page = random.randint(1, 10) if pmid == SYNTHETIC else 1
        self.client.get(f"/reviews/{pmid}/?tab={random.choice(TABS)}&page={page}", name="page review tab")

    @task(3)
    def article(self):
        pk, _ = random.choice(ARTICLES)
        self.client.get(f"/articles/{pk}/", name="page article")


class ApiReader(Visitor):
    """A script paging through the API: a review's citations page by page, articles, accepted annotations."""

    weight = 10
    wait_time = constant_pacing(0.2)  # at most five requests a second per client

    @tag("paging")
    @task(6)
    def citations_page(self):
        pmid, page = random.choice(CITATION_PAGES)
        self.client.get(f"/api/v1/reviews/{pmid}/citations/?page={page}", name="api citations page")

    @task(2)
    def article(self):
        _, pmid = random.choice(ARTICLES)
        self.client.get(f"/api/v1/articles/{pmid}/", name="api article")

    @task(2)
    def annotations(self):
        review = random.choice((REAL, SYNTHETIC))
        self.client.get(f"/api/v1/annotations/?review={review}", name="api annotations")


class Searcher(Visitor):
    """Someone filtering a review's curation queue by text."""

    weight = 2
    wait_time = between(1, 3)

    @task
    def search(self):
        term = random.choice(FIXTURE["search_terms"])
        self.client.get(f"/reviews/{SYNTHETIC}/curation/", params={"text": term}, name="search queue text")


_curators = itertools.count()
_curators_lock = threading.Lock()


class Curator(Visitor):
    """A curator with an API token, editing their own draft annotations (PATCH with the version they hold) and
    screening their citations (PUT). Each simulated curator is a different account, so nobody conflicts."""

    weight = 2
    wait_time = between(0.5, 1.5)

    def on_start(self):
        with _curators_lock:
            number = next(_curators)
        if number >= len(FIXTURE["curators"]):
            raise RuntimeError("more Curator users than curator accounts: build more with LOADTEST_CURATORS")
        account = FIXTURE["curators"][number]
        self.headers = {"Authorization": f"Token {account['token']}"}
        self.screening = account["screening"]
        self.versions = {}
        for pk in account["annotations"]:
            response = self.client.get(f"/api/v1/annotations/{pk}/", headers=self.headers, name="api annotation")
            self.versions[pk] = response.json()["version"]
        self.saves = 0

    @task(3)
    def save_annotation(self):
        pk = random.choice(list(self.versions))
        self.saves += 1
        body = {"version": self.versions[pk], "notes": f"Load-test note {self.saves}.", "figure": f"Fig. {self.saves}"}
        with self.client.patch(
            f"/api/v1/annotations/{pk}/", json=body, headers=self.headers, name="save annotation (PATCH)",
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code == 200:
                self.versions[pk] = response.json()["version"]
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(2)
    def screen(self):
        decision = random.choice(("in_scope", "undecided"))
        self.client.put(
            f"/api/v1/citations/{random.choice(self.screening)}/screening/",
            json={"decision": decision},
            headers=self.headers,
            name="save screening (PUT)",
        )
