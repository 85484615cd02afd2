"""Text from PubMed XML: mixed content as safe HTML or plain text, and identifiers in one canonical form.

PubMed allows ``<b> <i> <sup> <sub> <u>`` and MathML inside these elements. The inline tags are kept,
MathML is flattened to text with sub/superscripts, any other tag is dropped but its text kept, and the
result goes through nh3 with the same allow-list so that it is safe to render with ``|safe``.
"""

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

import nh3

ALLOWED_TAGS = frozenset({"b", "i", "sub", "sup", "u"})
# Elements whose text must not reach the page even as escaped text.
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template"})
_MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_MATHML_TOKENS = frozenset({"mi", "mn", "mo", "mtext", "ms"})
# mover accents written as combining characters, so that MathML's V with a dot above reads "V̇".
_ACCENTS = {".": "\u0307", "˙": "\u0307", "¨": "\u0308", "^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303"}
_ACCENTS |= {"¯": "\u0304", "‾": "\u0305", "→": "\u20d7"}
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_DIGITS = re.compile(r"\s*([0-9]+)\s*")
_ORCID = re.compile(r"([0-9]{4})[-\s]?([0-9]{4})[-\s]?([0-9]{4})[-\s]?([0-9]{3}[0-9Xx])")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_space(text: str) -> str:
    """Collapse runs of ASCII whitespace to one space and trim; other Unicode spaces are left alone."""
    return _ASCII_SPACE.sub(" ", text).strip()


def inline_html(element: ET.Element | None) -> str:
    """The content of ``element`` as a sanitised HTML fragment ("" for a missing element)."""
    if element is None:
        return ""
    fragment = normalise_space(_content(element, keep_tags=True))
    return nh3.clean(fragment, tags=set(ALLOWED_TAGS), attributes={}, strip_comments=True, link_rel=None)


def plain_text(element: ET.Element | None) -> str:
    """The text content of ``element``, markup removed and MathML flattened ("" for a missing element)."""
    if element is None:
        return ""
    return html.unescape(normalise_space(_content(element, keep_tags=False)))


def plain_texts(elements: Iterable[ET.Element]) -> tuple[str, ...]:
    """Non-empty plain texts of ``elements`` in order, without repeats."""
    return tuple(dict.fromkeys(text for text in map(plain_text, elements) if text))


def as_int(text: str | None) -> int | None:
    """A non-negative integer written in decimal digits, else None."""
    match = _DIGITS.fullmatch(text or "")
    return int(match.group(1)) if match else None


def normalise_doi(value: str) -> str:
    """A bare DOI ("10.1000/x"), without a resolver URL or "doi:" prefix."""
    return _DOI_PREFIX.sub("", value.strip())


def normalise_pmcid(value: str) -> str:
    """The canonical "PMC1234567" form of "PMC1234567", "pmc1234567" or "1234567"; "" for anything else."""
    value = value.strip()
    if value[:3].upper() == "PMC":
        value = value[3:]
    return f"PMC{value}" if value.isdigit() else ""


def normalise_orcid(value: str) -> str:
    """The bare "0000-0002-1825-0097" form of an ORCID iD, also when given as a URL; "" if there is none."""
    match = _ORCID.search(value)
    return "-".join(match.groups()).upper() if match else ""


def _local_name(tag: object) -> tuple[str, str]:
    if not isinstance(tag, str):  # comments and processing instructions
        return "", ""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name.lower()
    return "", tag.lower()


def _content(element: ET.Element, *, keep_tags: bool) -> str:
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        parts.append(_node(child, keep_tags=keep_tags))
        parts.append(html.escape(child.tail or "", quote=False))
    return "".join(parts)


def _node(element: ET.Element, *, keep_tags: bool) -> str:
    namespace, name = _local_name(element.tag)
    if not name or name in _DROPPED_WITH_CONTENT:
        return ""
    if namespace == _MATHML_NS:
        return _mathml(element, keep_tags=keep_tags)
    inner = _content(element, keep_tags=keep_tags)
    if keep_tags and not namespace and name in ALLOWED_TAGS:
        return f"<{name}>{inner}</{name}>"
    return inner


def _wrap(tag: str, inner: str, keep_tags: bool) -> str:
    if not inner:
        return ""
    return f"<{tag}>{inner}</{tag}>" if keep_tags else inner


def _mathml(element: ET.Element, *, keep_tags: bool) -> str:
    """MathML as text: tokens concatenated, scripts as sub/sup; whitespace between elements is layout only."""
    _, name = _local_name(element.tag)
    if name in _MATHML_TOKENS:
        return html.escape(_ASCII_SPACE.sub(" ", "".join(element.itertext())), quote=False)
    children = [child for child in element if _local_name(child.tag)[1]]
    parts = [_mathml(child, keep_tags=keep_tags) for child in children]
    names = [_local_name(child.tag)[1] for child in children]

    def sub(text: str) -> str:
        return _wrap("sub", text, keep_tags)

    def sup(text: str) -> str:
        return _wrap("sup", text, keep_tags)

    if name in {"none", "mprescripts", "annotation", "annotation-xml"}:
        return ""
    if name == "semantics" and parts:  # the first child is the rendering, the rest are annotations
        return parts[0]
    if name in {"msub", "munder"} and len(parts) == 2:
        return parts[0] + sub(parts[1])
    if name == "msup" and len(parts) == 2:
        return parts[0] + sup(parts[1])
    if name in {"msubsup", "munderover"} and len(parts) == 3:
        return parts[0] + sub(parts[1]) + sup(parts[2])
    if name == "mover" and len(parts) == 2:
        accent = _ACCENTS.get(html.unescape(parts[1]).strip())
        return parts[0] + accent if accent else parts[0] + sup(parts[1])
    if name == "mmultiscripts" and parts:
        split = names.index("mprescripts") if "mprescripts" in names else len(parts)
        post, pre = parts[1:split], parts[split + 1 :]
        prefix = "".join(sub(low) + sup(high) for low, high in zip(pre[::2], pre[1::2], strict=False))
        suffix = "".join(sub(low) + sup(high) for low, high in zip(post[::2], post[1::2], strict=False))
        return prefix + parts[0] + suffix
    if name == "mfrac" and len(parts) == 2:
        return f"{parts[0]}/{parts[1]}"
    if name == "msqrt":
        return "√(" + "".join(parts) + ")"
    return "".join(parts)
