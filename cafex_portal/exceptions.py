"""The one domain error type and its translation into API responses."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A failure the user can act on; `message` is shown to them as is."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, *, extra: dict | None = None, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


class ConflictError(ApplicationError):
    """Someone else changed the record first; `extra` carries both versions."""

    status_code = status.HTTP_409_CONFLICT


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=exc.status_code)
    return exception_handler(exc, context)


class NotAllowedError(ApplicationError):
    """The user's role does not allow this action."""

    status_code = status.HTTP_403_FORBIDDEN
