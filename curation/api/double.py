"""Double curation in the API: a review's curation modes (editors switch them) and its agreement statistics."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import selectors as article_selectors
from articles.api import ReviewViewSet
from articles.models import Review
from cafex_portal import roles

from ..double_forms import CuratorPairForm
from ..selectors import double as double_selectors
from ..services.double import review_curation_settings_set
from ._common import validated


def _review(pmid: int) -> Review:
    review = article_selectors.review_by_pmid(pmid=pmid)
    if review is None:
        raise NotFound("No review with this PMID.")
    return review


class CurationSettingsSerializer(serializers.Serializer):
    double_screening = serializers.BooleanField(required=False)
    double_annotation = serializers.BooleanField(required=False)


def _settings_body(review: Review) -> dict:
    current = double_selectors.review_settings(review=review)
    return {
        "review": review.pmid,
        "double_screening": current.double_screening,
        "double_annotation": current.double_annotation,
    }


class ReviewCurationSettingsView(APIView):
    """How a review is curated: single (the default), or with double screening and/or double annotation, where
    two curators do each citation blind and editors resolve their disagreements."""

    @extend_schema(responses={200: CurationSettingsSerializer})
    def get(self, request: Request, pmid: int) -> Response:
        return Response(_settings_body(_review(pmid)))

    @extend_schema(request=CurationSettingsSerializer, responses={200: CurationSettingsSerializer})
    def patch(self, request: Request, pmid: int) -> Response:
        """Switch `double_screening` and `double_annotation` (editors); a switch left out keeps its value."""
        review = _review(pmid)
        data = validated(CurationSettingsSerializer, request.data)
        review_curation_settings_set(review=review, user=request.user, **data)
        return Response(_settings_body(review))


class ReviewCurationViewSet(ReviewViewSet):
    """Reviews, looked up by PMID, and how each is curated: `PATCH` switches `double_screening` and
    `double_annotation` (editors), as `PATCH /api/v1/reviews/{pmid}/curation-settings/` does."""

    @extend_schema(request=CurationSettingsSerializer, responses={200: CurationSettingsSerializer})
    def partial_update(self, request: Request, pmid: int | None = None) -> Response:
        review = self.get_object()
        unknown = sorted(set(request.data) - set(CurationSettingsSerializer().fields))
        if unknown:
            raise ValidationError(
                {name: ["Only double_screening and double_annotation can be changed."] for name in unknown}
            )
        data = validated(CurationSettingsSerializer, request.data)
        review_curation_settings_set(review=review, user=request.user, **data)
        return Response(_settings_body(review))


_MEASURE = {
    "n": serializers.IntegerField(),
    "ci_low": serializers.FloatField(allow_null=True),
    "ci_high": serializers.FloatField(allow_null=True),
}


class ReviewAgreementView(APIView):
    """How far the two curators of each citation agree: Cohen's kappa on screening decisions, Krippendorff's
    alpha (nominal) per facet over matched mechanism records, each with its count and 95 % interval."""

    @extend_schema(
        parameters=[
            OpenApiParameter("curator_a", int, description="With curator_b: one pair of curators (user ids)."),
            OpenApiParameter("curator_b", int),
        ],
        responses={
            200: inline_serializer(
                "Agreement",
                {
                    "review": serializers.IntegerField(),
                    "curators": serializers.ListField(child=serializers.IntegerField(), allow_null=True),
                    "screening": inline_serializer(
                        "ScreeningAgreement",
                        {
                            "kappa": serializers.FloatField(allow_null=True),
                            "observed": serializers.FloatField(allow_null=True),
                            **_MEASURE,
                        },
                    ),
                    "records": serializers.DictField(child=serializers.IntegerField()),
                    "facets": serializers.DictField(
                        child=inline_serializer(
                            "FacetAgreement",
                            {
                                "alpha": serializers.FloatField(allow_null=True),
                                "agreement": serializers.FloatField(allow_null=True),
                                **_MEASURE,
                            },
                        )
                    ),
                },
            )
        },
    )
    def get(self, request: Request, pmid: int) -> Response:
        roles.require_curator(request.user, "see how the curators agree")  # as the agreement page
        review = _review(pmid)
        form = CuratorPairForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {("curators" if name == "__all__" else name): list(messages) for name, messages in form.errors.items()}
            )
        return Response(double_selectors.agreement(review=review, curators=form.cleaned_data["curators"]))
