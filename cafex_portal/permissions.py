"""API access defaults: reads open (unless CAFEX_PUBLIC_READ is off), writes authenticated."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOpenWriteAuthenticated(BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS and settings.CAFEX_PUBLIC_READ:
            return True
        return bool(request.user and request.user.is_authenticated)
