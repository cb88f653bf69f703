"""The web's one door to the Word drafter, so that pages and API call it the same way."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from clauses.advisor.model import Advice
from clauses.drafting import (
    SECTION_IDS,
    SECTION_TITLES,
    SectionError,
    check_sections,
    draft,
    draft_pieces,
)
from clauses.library import Library
from clauses.profile import TenderProfile
from clauses.strategy import ResolvedStrategy

SECTIONS = {s: SECTION_TITLES[s] for s in SECTION_IDS}
# What ``sections`` accepts, for the API's schema: ids separated by commas (spaces allowed).
SECTION_ID = "(" + "|".join(SECTION_IDS) + ")"
SECTIONS_PATTERN = rf"^[\s,]*{SECTION_ID}(\s*,[\s,]*{SECTION_ID})*[\s,]*$"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_TYPE = "application/zip"

__all__ = [
    "DOCX_TYPE",
    "SECTIONS",
    "SECTIONS_PATTERN",
    "ZIP_TYPE",
    "Issued",
    "SectionError",
    "issue_draft",
    "parse_sections",
]


@dataclass(frozen=True)
class Issued:
    content: bytes  # a .docx, or a .zip of one .docx per DCE piece
    advice: Advice
    strategy: ResolvedStrategy
    filename: str
    sections: list[str]
    messages: list[str]


def parse_sections(values: Sequence[str]) -> tuple[str, ...]:
    """Section ids from ``?sections=rc,ccap`` or repeated parameters; all when none is given.

    Raises :class:`SectionError` (French message listing the valid ids) for an unknown id, or
    for a parameter given without any id (``?sections=``), as the command line does.
    """
    wanted = [s.strip() for value in values for s in value.split(",") if s.strip()]
    return check_sections(wanted) if values else SECTION_IDS


def filename_for(
    title: str, as_of: dt.date, number: int | None = None, extension: str = ".docx"
) -> str:
    """« clauses-sociales-<objet>-<date>.docx »; with ``number``, the dossier's n-th document
    (« …-v3.docx »), so that each generated version has a name of its own."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-")
    version = f"-v{number}" if number is not None else ""
    return f"clauses-sociales-{slug or 'marche'}-{as_of.isoformat()}{version}{extension}"


def issue_draft(
    profile: TenderProfile,
    advice: Advice,
    strategy: ResolvedStrategy,
    library: Library,
    as_of: dt.date,
    sections: Sequence[str],
    number: int | None = None,
    *,
    template: bytes | None = None,
    pieces: bool = False,
) -> Issued:
    """The draft of what ``strategy`` retains, as one .docx or, with ``pieces``, a zip of one
    .docx per DCE piece (``number``: see :func:`filename_for`)."""
    if pieces:
        bundle = draft_pieces(profile, advice, strategy, library, as_of, template=template)
        return Issued(
            content=bundle.content,
            advice=advice,
            strategy=strategy,
            filename=filename_for(profile.title, as_of, number, ".zip"),
            sections=list(SECTION_IDS),
            messages=list(bundle.messages),
        )
    result = draft(profile, advice, strategy, library, as_of, sections=sections, template=template)
    return Issued(
        content=result.content,
        advice=advice,
        strategy=strategy,
        filename=filename_for(profile.title, as_of, number),
        sections=list(result.sections),
        messages=list(result.messages),
    )
