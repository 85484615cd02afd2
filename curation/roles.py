"""Who may do what in curation.

Two Django groups carry the roles: `curator` writes and submits annotations, `editor` also reviews them, curates
the vocabulary and assigns work. Superusers count as editors. The `can_*` predicates answer the same questions the
services enforce, so pages can show only the buttons that will work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cafex_portal.exceptions import NotAllowedError

if TYPE_CHECKING:
    from .models import MechanismAnnotation

CURATOR_GROUP = "curator"
EDITOR_GROUP = "editor"

_GROUPS_CACHE = "_curation_group_names"


def _group_names(user: Any) -> frozenset[str]:
    """The user's curation groups, read once per user object (a request's user is reused by every check)."""
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


def is_author(user: Any, annotation: MechanismAnnotation) -> bool:
    return is_authenticated(user) and annotation.author_id == user.pk


def can_view(user: Any, annotation: MechanismAnnotation) -> bool:
    from .models import MechanismAnnotation

    if annotation.state == MechanismAnnotation.State.ACCEPTED or is_editor(user):
        return True
    return is_curator(user) and is_author(user, annotation)


def can_edit(user: Any, annotation: MechanismAnnotation) -> bool:
    """Authors edit their drafts and rejected annotations; editors edit anything not yet accepted."""
    from .models import MechanismAnnotation

    state = MechanismAnnotation.State
    if annotation.state == state.ACCEPTED:
        return False
    if is_editor(user):
        return True
    return is_curator(user) and is_author(user, annotation) and annotation.state in (state.DRAFT, state.REJECTED)


def can_submit(user: Any, annotation: MechanismAnnotation) -> bool:
    from .models import MechanismAnnotation

    state = MechanismAnnotation.State
    return is_curator(user) and is_author(user, annotation) and annotation.state in (state.DRAFT, state.REJECTED)


def can_review(user: Any, annotation: MechanismAnnotation) -> bool:
    """Accept or reject: an editor, on a submitted annotation someone else wrote."""
    from .models import MechanismAnnotation

    return (
        is_editor(user) and not is_author(user, annotation) and annotation.state == MechanismAnnotation.State.SUBMITTED
    )


def can_delete(user: Any, annotation: MechanismAnnotation) -> bool:
    """Authors delete their own drafts; editors delete anything not accepted."""
    from .models import MechanismAnnotation

    state = MechanismAnnotation.State
    if annotation.state == state.ACCEPTED:
        return False
    if is_editor(user):
        return True
    return is_curator(user) and is_author(user, annotation) and annotation.state == state.DRAFT


def can_read_comments(user: Any, annotation: MechanismAnnotation) -> bool:
    """The discussion of an annotation — editors' reasons for rejecting it included — is internal: curators and
    editors who can see the annotation read it; visitors see an accepted annotation without it."""
    return is_curator(user) and can_view(user, annotation)


def can_comment(user: Any, annotation: MechanismAnnotation) -> bool:
    return can_read_comments(user, annotation)


def can_read_history(user: Any, annotation: MechanismAnnotation) -> bool:
    return is_editor(user) or (is_curator(user) and is_author(user, annotation))


def can_revert(user: Any, annotation: MechanismAnnotation) -> bool:
    return is_editor(user)


def annotation_permissions(user: Any, annotation: MechanismAnnotation) -> dict[str, bool]:
    """Every action at once, for templates: `{% if perms.submit %}`."""
    return {
        "view": can_view(user, annotation),
        "edit": can_edit(user, annotation),
        "submit": can_submit(user, annotation),
        "review": can_review(user, annotation),
        "delete": can_delete(user, annotation),
        "comment": can_comment(user, annotation),
        "read_comments": can_read_comments(user, annotation),
        "history": can_read_history(user, annotation),
        "revert": can_revert(user, annotation),
    }


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
