"""What every curation service shares: role checks and field-level validation errors."""

from typing import Any

from cafex_portal.exceptions import ApplicationError, NotAllowedError

from .. import roles


def require_curator(user: Any, action: str) -> None:
    """`action` completes "You need … to {action}."."""
    if not roles.is_authenticated(user):
        raise NotAllowedError(f"Sign in as a curator to {action}.")
    if not roles.is_curator(user):
        raise NotAllowedError(f"You need the curator role to {action}; ask an editor to add you to the curators.")


def require_editor(user: Any, action: str) -> None:
    if not roles.is_authenticated(user):
        raise NotAllowedError(f"Sign in as an editor to {action}.")
    if not roles.is_editor(user):
        raise NotAllowedError(f"Only editors can {action}.")


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
