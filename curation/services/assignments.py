"""Editors hand citations to curators; each curator works through their own queue."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from articles.models import Citation
from cafex_portal import roles
from cafex_portal.roles import require_editor

from ..models import Assignment
from ._common import field_error


@transaction.atomic
def assignment_create(*, citations: Iterable[Citation], curator: Any, user: Any) -> list[Assignment]:
    """Assign each citation to the curator; ones already assigned to them stay as they are.

    Returns the curator's assignment for every citation given, in the order given.
    """
    require_editor(user, "assign citations")
    if not roles.is_curator(curator):
        raise field_error("curator", f"{curator.get_username()} is not a curator; add them to the curator group first.")
    citation_list = list(dict.fromkeys(citations))
    if not citation_list:
        raise field_error("citations", "Choose at least one citation to assign.")
    Assignment.objects.bulk_create(
        [Assignment(citation=citation, curator=curator, assigned_by=user) for citation in citation_list],
        ignore_conflicts=True,
    )
    by_citation = {
        assignment.citation_id: assignment
        for assignment in Assignment.objects.filter(curator=curator, citation__in=citation_list).select_related(
            "citation", "curator"
        )
    }
    return [by_citation[citation.pk] for citation in citation_list]


@transaction.atomic
def assignment_delete(*, assignment: Assignment, user: Any) -> None:
    require_editor(user, "remove assignments")
    assignment.delete()
