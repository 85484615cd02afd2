"""What the curation API views share: input validation and the not-found error for listed ids."""

from typing import Any

from cafex_portal.exceptions import ApplicationError


def validated(serializer_class: type, data: Any) -> dict:
    """Input checked by a serializer; a failure is a 400 in the API's one error shape (cafex_portal.exceptions)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def not_found(kind: str, ids: list[int]) -> ApplicationError:
    listed = ", ".join(str(i) for i in ids)
    return ApplicationError(f"No {kind} with id {listed}.", extra={"errors": {kind: [f"Not found: {listed}."]}})
