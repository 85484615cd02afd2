"""A citation's screening decision; under double screening, the caller's own until both curators have decided."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.models import Citation
from articles.selectors import citation_get
from cafex_portal import roles

from .. import selectors, services
from ..models import CuratorScreening, ScreeningDecision
from ..selectors import double as double_selectors
from ..serializers import (
    ScreeningInputSerializer,
    ScreeningSerializer,
)
from ._common import validated

UNDECIDED = {"decision": ScreeningDecision.Decision.UNDECIDED, "reason": "", "note": "", "decided_by": None}


def _original(row: CuratorScreening) -> dict:
    return {
        "curator": row.curator.get_username(),
        "decision": row.decision,
        "reason": row.reason,
        "note": row.note,
        "decided_at": row.decided_at,
    }


def double_screening_body(citation: Citation, user) -> dict:
    """Double screening as one person may see it: the result if there is one, else their own decision, until both
    curators have decided; then (`status`: agreed, conflict, resolved) both decisions, to curators and editors only
    (they name the curators and carry their notes). How many have decided is not told while one waits: it would
    say whether the other curator has."""
    status, rows = double_selectors.screening_status(citation=citation)
    if status == "waiting":
        shown = double_selectors.screening_seen_by(citation=citation, user=user)
        decisions = []
    else:
        shown = selectors.screening_get(citation=citation)
        decisions = [_original(row) for row in rows] if roles.is_curator(user) else []
    body = ScreeningSerializer(shown).data if shown else {"citation": citation.pk, **UNDECIDED, "decided_at": None}
    decided = None if status == "waiting" else len(rows)
    return {**body, "double": {"status": status, "decided": decided, "decisions": decisions}}


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
        if double_selectors.review_settings(review=citation.review).double_screening:
            return Response(double_screening_body(citation, request.user))
        screening = selectors.screening_get(citation=citation)
        if screening is None:
            return Response({"citation": citation.pk, **UNDECIDED, "decided_at": None})
        return Response(ScreeningSerializer(screening).data)

    @extend_schema(request=ScreeningInputSerializer, responses={200: ScreeningSerializer})
    def put(self, request: Request, pk: int) -> Response:
        citation = self._citation(pk)
        data = validated(ScreeningInputSerializer, request.data)
        screening = services.screening_set(citation=citation, user=request.user, **data)
        if double_selectors.review_settings(review=citation.review).double_screening:
            return Response(double_screening_body(citation, request.user))
        return Response(ScreeningSerializer(screening).data)

    @extend_schema(request=ScreeningInputSerializer, responses={200: ScreeningSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return self.put(request, pk)
