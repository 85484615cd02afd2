"""Vocabulary highlighting in stored, sanitised HTML: names of terms marked, tags and attributes untouched."""

import re
from collections.abc import Mapping, Sequence
from html import escape
from html.parser import HTMLParser
from typing import Any


class Highlighter:
    """Marks vocabulary names in sanitised HTML, touching text only, never tags or attributes.

    `pattern` and `terms` come from `selectors.term_highlight_index`, compiled once per vocabulary state: longest
    name first, so "miR-21-5p" wins over "miR-21", and word edges keep "PTEN" from lighting up inside "PTENP1".
    `marked` counts the names marked so far, so a legend placed after the text shows only when it found some.
    """

    def __init__(self, pattern: re.Pattern | None, terms: Mapping[str, Sequence[Any]]) -> None:
        self.pattern = pattern
        self.terms = terms
        self.marked = 0

    def __bool__(self) -> bool:
        return self.pattern is not None

    def mark_text(self, text: str) -> str:
        """Escaped `text` with every match wrapped in <mark>."""
        if self.pattern is None:
            return escape(text, quote=False)
        out: list[str] = []
        last = 0
        for match in self.pattern.finditer(text):
            named = self.terms.get(match.group(0).casefold())
            if not named:
                continue
            term = named[0]
            out.append(escape(text[last : match.start()], quote=False))
            title = f"{term.get_facet_display()}: {term.label}"
            out.append(
                f'<mark class="term facet-{escape(term.facet)}" title="{escape(title)}">'
                f"{escape(match.group(0), quote=False)}</mark>"
            )
            self.marked += 1
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
