"""Template helpers of the curation pages: vocabulary highlighting in stored HTML, query strings, state badges."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@dataclass(frozen=True)
class HighlightTerm:
    """A vocabulary term to mark in a text, with every spelling (label and synonyms) that names it."""

    facet: str
    facet_label: str
    label: str
    spellings: tuple[str, ...]


class Highlighter:
    """Marks the spellings of vocabulary terms in sanitised HTML, touching text only, never tags or attributes.

    One regular expression over every spelling, longest first, so "miR-21-5p" wins over "miR-21"; word
    boundaries keep "PTEN" from lighting up inside "PTENP1" and "miR-21" inside "miR-21-3p" (as the selector's
    `term_highlights` does).
    """

    def __init__(self, terms: Iterable[HighlightTerm]) -> None:
        self.by_spelling: dict[str, HighlightTerm] = {}
        for term in terms:
            for spelling in term.spellings:
                spelling = spelling.strip()
                if len(spelling) >= 3:
                    self.by_spelling.setdefault(spelling.casefold(), term)
        spellings = sorted(self.by_spelling, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(s) for s in spellings) + r")(?!\w|-\w)", re.IGNORECASE)
            if spellings
            else None
        )

    def __bool__(self) -> bool:
        return self.pattern is not None

    def mark_text(self, text: str) -> str:
        """Escaped `text` with every match wrapped in <mark>."""
        if self.pattern is None:
            return escape(text, quote=False)
        out: list[str] = []
        last = 0
        for match in self.pattern.finditer(text):
            term = self.by_spelling[match.group(1).casefold()]
            out.append(escape(text[last : match.start()], quote=False))
            title = f"{term.facet_label}: {term.label}"
            out.append(
                f'<mark class="term facet-{escape(term.facet)}" title="{escape(title)}">'
                f"{escape(match.group(1), quote=False)}</mark>"
            )
            last = match.end()
        out.append(escape(text[last:], quote=False))
        return "".join(out)

    def mark_html(self, html: str) -> str:
        if self.pattern is None:
            return html
        parser = _TextMarker(self)
        parser.feed(html)
        parser.close()
        return "".join(parser.out)


class _TextMarker(HTMLParser):
    """Re-emits HTML as it came, marking terms in the text between tags only (never inside links or MathML)."""

    SKIP = frozenset({"a", "math", "mark", "script", "style"})

    def __init__(self, highlighter: Highlighter) -> None:
        super().__init__(convert_charrefs=True)
        self.highlighter = highlighter
        self.out: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip_depth += 1
        self.out.append(self.get_starttag_text() or f"<{tag}>")

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip_depth:
            self.skip_depth -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False) if self.skip_depth else self.highlighter.mark_text(data))


@register.filter
def highlight(html: str, highlighter: Highlighter | None) -> SafeString:
    """Stored (already sanitised) HTML with vocabulary terms marked; the input is trusted as the page trusts it."""
    if not html:
        return mark_safe("")
    if not highlighter:
        return mark_safe(html)
    return mark_safe(highlighter.mark_html(html))


STATE_BADGES = {"draft": "muted", "submitted": "", "accepted": "ok", "rejected": "danger"}


@register.filter
def state_badge(state: str) -> str:
    """The badge class of an annotation state."""
    return STATE_BADGES.get(state, "muted")


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)
