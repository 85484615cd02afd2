"""Every operation of the live OpenAPI schema, fuzzed: no 5xx, and every answer matches the schema.

Runs schemathesis (Hypothesis-generated requests from the schema) against the WSGI application in-process,
anonymously for reads and with an editor's token for everything, on the suite's database.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests import factories
from tests.curation.factories import CitationFactory, MechanismAnnotationFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, response_schema_conformance]
FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def connections_kept_open():
    """The WSGI app closes the database connection after each request, as in production; inside the test's
    transaction that would end it. Django's own test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(db) -> str:
    """An editor, and something for every endpoint to find: a citation with an annotation."""
    MechanismAnnotationFactory(citation=CitationFactory())
    return Token.objects.create(user=factories.editor("fuzz-editor")).key


@schema.parametrize()
@FUZZ
def test_with_an_editors_token(case, editor_token):
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"}, checks=CHECKS)


@schema.include(method="GET").parametrize()
@FUZZ
def test_anonymous_reads(case, db):
    case.call_and_validate(checks=CHECKS)
