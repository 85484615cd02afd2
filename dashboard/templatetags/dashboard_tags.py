"""Template helpers of the dashboard: a person's weekly submissions as a small bar chart, the role check the
navigation asks."""

from django import template

from cafex_portal import roles

from ..svg import bar_chart

register = template.Library()


@register.inclusion_tag("dashboard/_sparkline.html")
def sparkline(values: list[int], weeks: list) -> dict:
    labels = [week.strftime("%d %b") for week in weeks]
    return {"chart": bar_chart(values, labels, width=96, height=28, gap=2, label_room=0, top=0)}


@register.filter
def get_item(mapping: dict, key):
    """`mapping[key]`, or an empty list: the reviews an alert's paper belongs to."""
    return mapping.get(key, [])


@register.filter
def is_editor(user) -> bool:
    """Whether the navigation offers the dashboard (the roles module answers, once per request's user)."""
    return roles.is_editor(user)
