"""Ids and numbers from requests are parsed in one place (cafex_portal.forms): a value that str.isdigit() accepts
but int() refuses ('²'), or a digit string past int()'s 4,300-digit limit, is a 400 or no match, never a 500."""

import pytest

from cafex_portal.forms import parse_id
from tests import factories
from tests.curation.factories import CitationFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["²", "٣", "9" * 5000, "-1", "0", "1e3", " 12 ", "12\u00a0"]


@pytest.mark.parametrize("value", HOSTILE)
def test_only_ascii_digits_within_range_are_an_id(value):
    expected = 12 if value.strip() == "12" else None
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_hostile_numbers_on_the_api_filters_are_no_500(api_client, value):
    for url in (
        f"/api/v1/annotations/?cargo={value}",
        f"/api/v1/sync-runs/?review={value}",
        f"/api/v1/articles/?pmid={value}",
        f"/api/v1/vocabulary/?facet=cargo&q={value}",
    ):
        api_client.force_authenticate(factories.editor("numbers-editor"))
        response = api_client.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_hostile_numbers_on_the_pages_are_no_500(client, value):
    citation = CitationFactory()
    pmid = citation.review.article.pmid
    client.force_login(factories.editor("numbers-page-editor"))
    queue = f"/reviews/{pmid}/curation/"
    assert client.get(queue, {"text": value}).status_code == 200
    workspace = f"{queue}{citation.pk}/"
    assert client.get(workspace, {"edit": value}).status_code in (200, 400)
    assert client.post(f"{queue}assign/", {"citations": [value], "curator": value}).status_code == 400
    assert client.post("/curation/inbox/accept/", {"annotations": [value]}).status_code == 400
    assert client.post(f"/reviews/{pmid}/alerts/acknowledge/", {"alert": [value]}).status_code == 400
