"""The controlled vocabulary: reads for everyone, changes for editors."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from ..filters import TermFilter
from ..serializers import (
    TermCreateInputSerializer,
    TermMergeInputSerializer,
    TermProposeInputSerializer,
    TermRefuseInputSerializer,
    TermSerializer,
    TermUpdateInputSerializer,
)
from ..services.vocabulary import term_approve, term_propose, term_refuse
from ._common import not_found, validated


class VocabularyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Controlled vocabulary terms by facet. Reading is open; editors add, edit, merge and retire."""

    serializer_class = TermSerializer
    filterset_class = TermFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.term_list(user=self.request.user)

    @extend_schema(request=TermCreateInputSerializer, responses={201: TermSerializer})
    def create(self, request: Request) -> Response:
        data = validated(TermCreateInputSerializer, request.data)
        term = services.term_create(user=request.user, **data)
        return Response(TermSerializer(term).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TermUpdateInputSerializer, responses={200: TermSerializer})
    def partial_update(self, request: Request, pk: int) -> Response:
        term = self.get_object()
        data = validated(TermUpdateInputSerializer, request.data)
        return Response(TermSerializer(services.term_update(term=term, user=request.user, **data)).data)

    @extend_schema(
        request=TermMergeInputSerializer,
        responses={200: OpenApiResponse(TermSerializer, description="The term that stays.")},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: int) -> Response:
        """Merge this term into another of its facet; annotations move over and record it in their history."""
        source = self.get_object()
        target_id = validated(TermMergeInputSerializer, request.data)["into"]
        target = selectors.term_get(pk=target_id)
        if target is None:
            raise not_found("into", [target_id])
        return Response(TermSerializer(services.term_merge(source=source, target=target, user=request.user)).data)

    @extend_schema(request=None, responses={200: TermSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: int) -> Response:
        """Stop offering the term; annotations that use it keep it."""
        return Response(TermSerializer(services.term_retire(term=self.get_object(), user=request.user)).data)

    @extend_schema(request=None, responses={200: TermSerializer})
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: int) -> Response:
        """Offer a retired term again."""
        return Response(TermSerializer(services.term_reactivate(term=self.get_object(), user=request.user)).data)

    @extend_schema(request=TermProposeInputSerializer, responses={201: TermSerializer})
    @action(detail=False, methods=["post"])
    def propose(self, request: Request) -> Response:
        """Propose a missing term (curators): usable at once in your own drafts, by nobody else until approved."""
        data = validated(TermProposeInputSerializer, request.data)
        term = term_propose(user=request.user, **data)
        return Response(TermSerializer(term).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TermSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: int) -> Response:
        """Approve a proposed term (editors): it joins the vocabulary for everyone."""
        return Response(TermSerializer(term_approve(term=self.get_object(), user=request.user)).data)

    @extend_schema(request=TermRefuseInputSerializer, responses={200: TermSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: int) -> Response:
        """Refuse a proposed term, saying why (editors)."""
        reason = validated(TermRefuseInputSerializer, request.data)["reason"]
        return Response(TermSerializer(term_refuse(term=self.get_object(), user=request.user, reason=reason)).data)
