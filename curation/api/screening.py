"""A citation's screening decision."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.models import Citation
from articles.selectors import citation_get

from .. import selectors, services
from ..models import ScreeningDecision
from ..serializers import (
    ScreeningInputSerializer,
    ScreeningSerializer,
)
from ._common import validated

UNDECIDED = {"decision": ScreeningDecision.Decision.UNDECIDED, "reason": "", "note": "", "decided_by": None}


class CitationScreeningView(APIView):
    """A citation's screening decision: in scope, out of scope (with a reason) or undecided."""

    def _citation(self, pk: int) -> Citation:
        citation = citation_get(pk=pk)
        if citation is None:
            raise NotFound(f"No citation with id {pk}.")
        return citation

    @extend_schema(responses={200: ScreeningSerializer})
    def get(self, request: Request, pk: int) -> Response:
        citation = self._citation(pk)
        screening = selectors.screening_get(citation=citation)
        if screening is None:
            return Response({"citation": citation.pk, **UNDECIDED, "decided_at": None})
        return Response(ScreeningSerializer(screening).data)

    @extend_schema(request=ScreeningInputSerializer, responses={200: ScreeningSerializer})
    def put(self, request: Request, pk: int) -> Response:
        citation = self._citation(pk)
        data = validated(ScreeningInputSerializer, request.data)
        screening = services.screening_set(citation=citation, user=request.user, **data)
        return Response(ScreeningSerializer(screening).data)

    @extend_schema(request=ScreeningInputSerializer, responses={200: ScreeningSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return self.put(request, pk)
