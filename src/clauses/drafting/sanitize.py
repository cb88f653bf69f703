"""Make any text a user can type storable in a Word document.

Word files are XML 1.0: most control characters and lone surrogates cannot be stored at all, and
python-docx (lxml) refuses them. Titles pasted from Word or a PDF bring such characters along,
so every string that reaches the document goes through :func:`xml_text`.
"""

from __future__ import annotations

import re

# Everything XML 1.0 can store, as a negated class: tab, line feed, carriage return, then the
# Unicode ranges minus the surrogates and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Bidirectional embeddings, overrides and isolates reorder the text that follows them: in a
# title they can make a contract read differently on screen than it is stored.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Line breaks and ordinary spaces only: no-break spaces are French typography and stay.
_SPACES = re.compile("[\t\n\r \u0085\u2028\u2029]+")


def xml_text(text: str) -> str:
    """``text`` without the characters an XML 1.0 document cannot hold."""
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)
    return text


def one_line(text: str, limit: int | None = None) -> str:
    """User text (a title) as a single clean line, cut at ``limit`` characters with « … »."""
    text = _SPACES.sub(" ", _BIDI_CONTROLS.sub("", xml_text(text))).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
