"""What a person may do with one mechanism annotation.

The `can_*` predicates answer the same questions the services enforce, so pages show only the buttons that work.
"""

from typing import Any

from cafex_portal.roles import is_authenticated, is_curator, is_editor

from .models import MechanismAnnotation


def is_author(user: Any, annotation: MechanismAnnotation) -> bool:
    return is_authenticated(user) and annotation.author_id == user.pk


def can_view(user: Any, annotation: MechanismAnnotation) -> bool:
    if annotation.state == MechanismAnnotation.State.ACCEPTED or is_editor(user):
        return True
    return is_curator(user) and is_author(user, annotation)


def can_edit(user: Any, annotation: MechanismAnnotation) -> bool:
    """Authors edit their drafts and rejected annotations; editors edit anything not yet accepted."""
    state = MechanismAnnotation.State
    if annotation.state == state.ACCEPTED:
        return False
    if is_editor(user):
        return True
    return is_curator(user) and is_author(user, annotation) and annotation.state in (state.DRAFT, state.REJECTED)


def can_submit(user: Any, annotation: MechanismAnnotation) -> bool:
    state = MechanismAnnotation.State
    return is_curator(user) and is_author(user, annotation) and annotation.state in (state.DRAFT, state.REJECTED)


def can_review(user: Any, annotation: MechanismAnnotation) -> bool:
    """Accept or reject: an editor, on a submitted annotation someone else wrote."""
    return (
        is_editor(user) and not is_author(user, annotation) and annotation.state == MechanismAnnotation.State.SUBMITTED
    )


def can_delete(user: Any, annotation: MechanismAnnotation) -> bool:
    """Authors delete their own drafts; editors delete anything not accepted."""
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
