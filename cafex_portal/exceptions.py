"""The one domain error type, and the one shape every API error takes.

Every 4xx/5xx answer of the API is `{"detail": "<a sentence a person can act on>"}`, plus
`"errors": {"<field>": ["<message>", …]}` when particular fields are at fault. Serializer and filter
validation errors, the services' ApplicationError and DRF's own errors are all converted here, once.
"""

from rest_framework import status
from rest_framework.exceptions import ValidationError
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


class NotAllowedError(ApplicationError):
    """The user's role does not allow this action."""

    status_code = status.HTTP_403_FORBIDDEN


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=exc.status_code)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        errors = _field_errors(exc.detail)
        response.data = {"detail": f"Check these fields: {', '.join(errors)}.", "errors": errors}
    elif not (isinstance(response.data, dict) and set(response.data) == {"detail"}):
        response.data = {"detail": str(response.data)}
    return response


def _field_errors(detail) -> dict[str, list[str]]:
    """DRF's nested error detail, flattened to {field: [message, …]} (nested fields as `field.sub`)."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for field, value in detail.items():
            for inner, messages in _field_errors(value).items():
                key = field if inner == "non_field_errors" else f"{field}.{inner}"
                flat.setdefault(key, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {"non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            for inner, messages in _field_errors(item).items():
                key = str(index) if inner == "non_field_errors" else f"{index}.{inner}"
                flat.setdefault(key, []).extend(messages)
        return flat
    return {"non_field_errors": [str(detail)]}
