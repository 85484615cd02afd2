"""Bytes to text, refusing what is not a text file: a size limit, binary signatures, undecodable or control bytes."""

import re

from .entries import ImportFormatError

MAX_BYTES = 5 * 1024 * 1024

_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word or Excel document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Microsoft Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
)
# C0 controls other than tab, newline, form feed and carriage return; a text export holds none of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def text_decode(data: bytes | str, *, what: str) -> str:
    """`data` as text with "\\n" line ends; ImportFormatError naming `what` ("a RIS file") when it is not text."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ImportFormatError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
        for signature, kind in _SIGNATURES:
            if data.startswith(signature):
                raise ImportFormatError(f"This file is {kind}, not {what}.")
        text = _decode(data, what)
    else:
        text = data
        if len(text) > MAX_BYTES:
            raise ImportFormatError(f"The text is longer than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    if "\x00" in text or len(_CONTROL.findall(text[:100_000])) > 8:
        raise ImportFormatError(f"This is binary data, not {what}.")
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise ImportFormatError("The file is empty." if isinstance(data, bytes) else "The text is empty.")
    return text


def _decode(data: bytes, what: str) -> str:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFormatError(
            f"This file is not UTF-8 text, so it cannot be {what}; export it again as UTF-8 (Unicode) text."
        ) from None


def looks_like(text: str) -> str:
    """What a text seems to be, for messages: " (it looks like …)" or ""."""
    head = text.lstrip()[:2000]
    if re.search(r"^PMID- ", text[:200_000], re.MULTILINE):
        return " (it looks like a PubMed MEDLINE file: choose the nbib format)"
    if re.search(r"^TY  - ", text[:200_000], re.MULTILINE):
        return " (it looks like a RIS file: choose the RIS format)"
    if head[:5].lower() in ("<!doc", "<html"):
        return " (it looks like a web page)"
    if head.startswith("<?xml") or head.startswith("<"):
        return " (it looks like XML)"
    if head.startswith("@"):
        return " (it looks like BibTeX: export RIS instead)"
    return ""
