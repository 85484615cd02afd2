"""Template helpers of the dashboard: a person's weekly submissions as a small bar chart."""

from django import template

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
