"""Make any text a user can type storable in a Word document.

Word files are XML 1.0: most control characters and lone surrogates cannot be stored at all, and
python-docx (lxml) refuses them. Titles pasted from Word or a PDF bring such characters along,
so every string that reaches the document goes through :func:`xml_text`.
"""

from __future__ import annotations

import re

# Everything XML 1.0 can store, as a negated class: tab, line feed, carriage return, then the
# Unicode ranges minus the surrogates and U+FFFE/U+FFFF.
_XML = "\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
# Bidirectional controls (Unicode's Bidi_Control: embeddings, overrides, isolates and marks)
# reorder the text around them: a lot title could make a contract read differently on screen
# than it is stored. A French document needs none; they reached it through the advice's
# messages, which quote lot titles.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NOT_KEPT = re.compile(f"[^{_XML}]|[{_BIDI}]")
# Line breaks and ordinary spaces only: no-break spaces are French typography and stay.
_SPACES = re.compile("[\t\n\r \u0085\u2028\u2029]+")


def xml_text(text: str) -> str:
    """``text`` without the characters an XML 1.0 document cannot hold, nor bidi controls."""
    if _NOT_KEPT.search(text):
        text = _NOT_KEPT.sub("", text)
    return text


def one_line(text: str, limit: int | None = None) -> str:
    """User text (a title) as a single clean line, cut at ``limit`` characters with « … »."""
    text = _SPACES.sub(" ", xml_text(text)).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
