"""What a person may do with one mechanism annotation.

The `can_*` predicates answer the same questions the services enforce, so pages show only the buttons that work.
"""

from typing import Any

from cafex_portal.roles import is_authenticated, is_curator, is_editor

from .models import MechanismAnnotation
from .selectors.double import blind_citation_ids

# Where the ids of the annotations a user co-authored are kept on the user object, as the roles are.
_CO_AUTHORED_CACHE = "_cafex_co_authored_annotations"
# And the citations whose double annotation is not finished, where others' records are hidden from the user.
_BLIND_CACHE = "_cafex_blind_citations"


def is_author(user: Any, annotation: MechanismAnnotation) -> bool:
    return is_authenticated(user) and annotation.author_id == user.pk


def _co_authored(user: Any) -> frozenset[int]:
    """Annotations the user changed without being their author, read once per user object: a page of
    annotations costs one query for all of them, not one each."""
    cached = getattr(user, _CO_AUTHORED_CACHE, None)
    if cached is None:
        cached = frozenset(user.contributed_annotations.order_by().values_list("pk", flat=True))
        setattr(user, _CO_AUTHORED_CACHE, cached)
    return cached


def co_author_noted(user: Any, annotation: MechanismAnnotation) -> None:
    """Keep the user object's answer current after the services made them a contributor of `annotation`."""
    cached = getattr(user, _CO_AUTHORED_CACHE, None)
    if cached is not None:
        setattr(user, _CO_AUTHORED_CACHE, cached | {annotation.pk})


def is_co_author(user: Any, annotation: MechanismAnnotation, *, fresh: bool = False) -> bool:
    """Whether the user wrote any of the annotation: as its author, or by changing it since (an editor may edit
    what they review). Whoever wrote any of it cannot be the second pair of eyes that accepts or rejects it.

    `fresh=True` asks the database rather than what this user object read before: the services decide with it,
    under the lock their version claim holds.
    """
    if not is_authenticated(user):
        return False
    if is_author(user, annotation):
        return True
    if fresh:
        return annotation.contributors.filter(pk=user.pk).exists()
    return annotation.pk in _co_authored(user)


def _blind_citations(user: Any) -> frozenset[int]:
    """Citations under double annotation that their two curators have not both finished, read once per user
    object (one query for a whole page of cards)."""
    cached = getattr(user, _BLIND_CACHE, None) if user is not None else None
    if cached is None:
        cached = blind_citation_ids()
        if user is not None:
            setattr(user, _BLIND_CACHE, cached)
    return cached


def is_hidden(user: Any, annotation: MechanismAnnotation) -> bool:
    """Blind double curation: another person's record on a citation whose two curators are not both done is
    hidden from everyone, editors included (selectors.double.annotation_hidden says the same for lists)."""
    return not is_author(user, annotation) and annotation.citation_id in _blind_citations(user)


def can_view(user: Any, annotation: MechanismAnnotation) -> bool:
    if is_curator(user) and is_author(user, annotation):
        return True
    if is_hidden(user, annotation):
        return False
    return annotation.state == MechanismAnnotation.State.ACCEPTED or is_editor(user)


def can_edit(user: Any, annotation: MechanismAnnotation) -> bool:
    """Authors edit their drafts and rejected annotations; editors edit anything not yet accepted."""
    state = MechanismAnnotation.State
    if annotation.state == state.ACCEPTED:
        return False
    if is_editor(user):
        return not is_hidden(user, annotation)
    return is_curator(user) and is_author(user, annotation) and annotation.state in (state.DRAFT, state.REJECTED)


def can_submit(user: Any, annotation: MechanismAnnotation) -> bool:
    state = MechanismAnnotation.State
    return is_curator(user) and is_author(user, annotation) and annotation.state in (state.DRAFT, state.REJECTED)


def can_review(user: Any, annotation: MechanismAnnotation) -> bool:
    """Accept or reject: an editor, on a submitted annotation they wrote none of."""
    return (
        is_editor(user)
        and annotation.state == MechanismAnnotation.State.SUBMITTED
        and not is_co_author(user, annotation)
        and not is_hidden(user, annotation)
    )


def can_delete(user: Any, annotation: MechanismAnnotation) -> bool:
    """Authors delete their own drafts; editors delete anything not accepted."""
    state = MechanismAnnotation.State
    if annotation.state == state.ACCEPTED:
        return False
    if is_editor(user):
        return not is_hidden(user, annotation)
    return is_curator(user) and is_author(user, annotation) and annotation.state == state.DRAFT


def can_read_internal_notes(user: Any) -> bool:
    """Comments and editors' review notes are for the curation team: curators and editors."""
    return is_curator(user)


def can_read_comments(user: Any, annotation: MechanismAnnotation) -> bool:
    """The discussion of an annotation — editors' reasons for rejecting it included — is internal: curators and
    editors who can see the annotation read it; visitors see an accepted annotation without it."""
    return can_read_internal_notes(user) and can_view(user, annotation)


def can_comment(user: Any, annotation: MechanismAnnotation) -> bool:
    return can_read_comments(user, annotation)


def can_read_history(user: Any, annotation: MechanismAnnotation) -> bool:
    if is_curator(user) and is_author(user, annotation):
        return True
    return is_editor(user) and not is_hidden(user, annotation)


def can_revert(user: Any, annotation: MechanismAnnotation) -> bool:
    return is_editor(user) and not is_hidden(user, annotation)


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
