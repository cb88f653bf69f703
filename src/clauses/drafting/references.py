"""Find the legal references a draft cites, from the text it actually contains.

Code articles are found by their number (« L2112-2 », also written « L. 2112-2 », « R2123-1 3° »),
court decisions by their number (« n° 364950 »), laws and decrees by their number
(« 2021-1104 »), the CCAG by its name. Scanning the written text rather than listing what was
meant to be cited keeps the table of references true to the document, whatever sections were
selected.
"""

from __future__ import annotations

import re

from clauses.library import Library
from clauses.library.models import LegalReference

# One pass over the text finds every candidate; a dictionary then maps candidates to references.
# Each alternative starts with a literal character so that the regex engine can skip ahead fast.
_ARTICLE = r"\.?\s?\d{4}-\d+(?:-\d+)*(?:\s\d+°)?"
_CANDIDATES = re.compile(
    "|".join(
        (
            f"L{_ARTICLE}",
            f"R{_ARTICLE}",
            f"D{_ARTICLE}",
            r"n°\s?\d{5,}",
            r"1\d{3}-\d+",
            r"2\d{3}-\d+",
            "CCAG",
        )
    )
)
_SPACES = re.compile(r"[.\s]")
_NUMBER = re.compile(r"\d+(?:-\d+)+|\d{5,}")


def _keys(reference: LegalReference) -> list[str]:
    """The candidate keys that cite ``reference``."""
    if reference.text == "CCP":
        return [reference.id]
    if reference.text == "CCAG":
        return ["CCAG"]
    number = _NUMBER.search(reference.id)
    if number is None:
        return []
    prefix = "n° " if reference.text == "jurisprudence" else ""
    return [prefix + number.group(0)]


def _bounded(text: str, start: int, end: int) -> bool:
    """The candidate is a whole token, not the middle of a longer word or number."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "-" or after.isalnum() or after == "-")


def cited_references(library: Library, text: str) -> list[LegalReference]:
    """The library's references cited in ``text``, in the library's order."""
    by_key = {key: ref.id for ref in library.legal.references for key in _keys(ref)}
    found: set[str] = set()
    for match in _CANDIDATES.finditer(text):
        token = match.group(0)
        if token[0] in "LRD":
            if not _bounded(text, match.start(), match.end()):
                continue
            head, _, item = token.rpartition(" ") if token.endswith("°") else (token, "", "")
            article = _SPACES.sub("", head)
            precise = f"{article} {item}"
            key = precise if item and precise in by_key else article  # the most precise known
        elif token.startswith("n°"):
            key = "n° " + token[2:].strip()
        elif token[0].isdigit():
            if not _bounded(text, match.start(), match.end()):
                continue
            key = token
        else:
            key = token
        if key in by_key:
            found.add(by_key[key])
    return [ref for ref in library.legal.references if ref.id in found]
