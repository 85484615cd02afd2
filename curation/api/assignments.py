"""Citations given to curators."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from articles.selectors import citations_by_id
from cafex_portal.roles import require_editor

from .. import selectors, services
from ..filters import AssignmentFilter
from ..models import Assignment
from ..serializers import (
    AssignmentInputSerializer,
    AssignmentSerializer,
)
from ._common import not_found, validated


class AssignmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Citations given to curators. Editors see and manage all; curators see their own."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return selectors.assignment_list(user=self.request.user)

    @extend_schema(request=AssignmentInputSerializer, responses={201: AssignmentSerializer(many=True)})
    def create(self, request: Request) -> Response:
        # Before the input is read: whether a username exists is for editors to learn, not for anyone who asks.
        require_editor(request.user, "assign citations")
        data = validated(AssignmentInputSerializer, request.data)
        ids = list(dict.fromkeys(data["citations"]))
        found = citations_by_id(ids=ids)
        if missing := [i for i in ids if i not in found]:
            raise not_found("citations", missing)
        assignments = services.assignment_create(
            citations=[found[i] for i in ids], curator=data["curator"], user=request.user
        )
        listed = selectors.assignment_list(user=request.user).filter(pk__in=[a.pk for a in assignments])
        return Response(AssignmentSerializer(listed, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: int) -> Response:
        services.assignment_delete(assignment=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
