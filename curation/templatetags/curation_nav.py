"""The site navigation's curation links: only the ones the user can use, and the count of news on their work."""

from typing import Any

from django import template

from cafex_portal import roles

from ..selectors.annotations import work_unseen_count

register = template.Library()


@register.simple_tag
def curation_nav(user: Any) -> dict[str, Any]:
    curator = roles.is_curator(user)
    return {
        "curator": curator,
        "editor": roles.is_editor(user),
        "unseen": work_unseen_count(user=user) if curator else 0,
    }
