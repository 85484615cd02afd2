"""What every curation service shares: field-level validation errors."""

from cafex_portal.exceptions import ApplicationError


class FieldErrors:
    """Collects messages per field, then raises one ApplicationError that names every field at fault."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(str(field), []).append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, summary: str | None = None) -> None:
        if not self.errors:
            return
        if summary is None:
            summary = " ".join(f"{field}: {' '.join(messages)}" for field, messages in self.errors.items())
        raise ApplicationError(summary, extra={"errors": self.errors})


def field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {field: [message]}})
