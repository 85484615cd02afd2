"""The portal's roles, shared by every app.

Two Django groups carry them: `curator` writes and submits annotations, `editor` also reviews them, curates the
vocabulary, assigns work, adds reviews and starts syncs. Superusers count as editors. Services call `require_*`;
pages and templates ask `is_*` to show only what will work.
"""

from __future__ import annotations

from typing import Any

from .exceptions import NotAllowedError

CURATOR_GROUP = "curator"
EDITOR_GROUP = "editor"

_GROUPS_CACHE = "_cafex_group_names"


def _group_names(user: Any) -> frozenset[str]:
    """The user's role groups, read once per user object (a request's user is reused by every check)."""
    cached = getattr(user, _GROUPS_CACHE, None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=[CURATOR_GROUP, EDITOR_GROUP]).values_list("name", flat=True))
        setattr(user, _GROUPS_CACHE, cached)
    return cached


def is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", True))


def is_editor(user: Any) -> bool:
    """Editors and superusers review annotations, curate the vocabulary and assign work."""
    if not is_authenticated(user):
        return False
    return bool(user.is_superuser) or EDITOR_GROUP in _group_names(user)


def is_curator(user: Any) -> bool:
    """Anyone who may write annotations: curators, editors and superusers."""
    if not is_authenticated(user):
        return False
    return is_editor(user) or CURATOR_GROUP in _group_names(user)


# Checks the services make: a person who may not gets a message that says what to do.


def require_curator(user: Any, action: str) -> None:
    """`action` completes "You need … to {action}."."""
    if not is_authenticated(user):
        raise NotAllowedError(f"Sign in as a curator to {action}.")
    if not is_curator(user):
        raise NotAllowedError(f"You need the curator role to {action}; ask an editor to add you to the curators.")


def require_editor(user: Any, action: str) -> None:
    """`action` completes "Only editors can {action}."."""
    if not is_authenticated(user):
        raise NotAllowedError(f"Sign in as an editor to {action}.")
    if not is_editor(user):
        raise NotAllowedError(f"Only editors can {action}.")
