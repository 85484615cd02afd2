"""Sync runs, for signed-in users."""

from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from .. import selectors
from ..filters import SyncRunFilter
from ..serializers import (
    SyncRunSerializer,
)


class SyncRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Sync runs, newest first: state, progress, counts, requests made, errors.

    For signed-in users only: errors name failed requests and who started what.
    """

    serializer_class = SyncRunSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = SyncRunFilter

    def get_queryset(self):
        return selectors.sync_run_list()
