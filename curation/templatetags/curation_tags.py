"""Template helpers of the curation pages."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..highlight import Highlighter

register = template.Library()


@register.filter
def highlight(html: str, highlighter: Highlighter | None) -> SafeString:
    """Stored (already sanitised) HTML with vocabulary terms marked; the input is trusted as the page trusts it."""
    if not html:
        return mark_safe("")
    if not highlighter:
        return mark_safe(html)
    return mark_safe(highlighter.mark_html(html))
