"""The FilterSets' base class: a request that names none of a list's filters builds no form and filters nothing;
one that names any, a range filter's suffixed keys included, is checked and filtered as django-filter does."""

import pytest
from django.http import QueryDict

from articles.filters import CitationFilter
from articles.models import Citation
from evidence.filters import EvidenceFilter
from tests.articles.factories import CitationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_a_request_naming_no_filter_builds_no_form_and_filters_nothing():
    review = ReviewFactory()
    CitationFactory(review=review, relation="cited_by")
    filterset = CitationFilter(QueryDict("page=2&page_size=10&format=json"), queryset=Citation.objects.all())
    assert not filterset.asked() and filterset.is_valid() and filterset.errors == {}
    assert list(filterset.qs) == list(Citation.objects.all())
    assert "_form" not in filterset.__dict__  # django-filter keeps its form there once made


@pytest.mark.parametrize("asked", ["relation=bogus", "year_min=x", "year=abc"])
def test_a_request_naming_a_filter_is_checked(asked):
    filterset = CitationFilter(QueryDict(asked), queryset=Citation.objects.all())
    assert filterset.asked() and not filterset.is_valid() and filterset.errors


def test_a_filterset_that_always_orders_still_does():
    ordered = EvidenceFilter(QueryDict(""), queryset=EvidenceFilter._meta.model.objects.all()).qs
    assert ordered.query.order_by
