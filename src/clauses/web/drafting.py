"""The web's one door to the Word drafter, so that pages and API call it the same way."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from clauses.advisor import advise
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
from clauses.strategy.default import default_strategy
from clauses.strategy.model import ResolvedStrategy

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


def filename_for(title: str, as_of: dt.date, suffix: str = ".docx") -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-")
    return f"clauses-sociales-{slug or 'marche'}-{as_of.isoformat()}{suffix}"


def issue_draft(
    profile: TenderProfile,
    library: Library,
    as_of: dt.date,
    sections: Sequence[str],
    *,
    strategy: ResolvedStrategy | None = None,
    template: bytes | None = None,
    pieces: bool = False,
) -> Issued:
    """The draft of ``strategy`` (the advice's default one until the buyer has chosen), as one
    .docx or, with ``pieces``, a zip of one .docx per DCE piece."""
    advice = advise(profile, library, as_of)
    resolved = strategy or default_strategy(profile, advice, library)
    if pieces:
        bundle = draft_pieces(profile, advice, resolved, library, as_of, template=template)
        return Issued(
            content=bundle.content,
            advice=advice,
            strategy=resolved,
            filename=filename_for(profile.title, as_of, ".zip"),
            sections=list(SECTION_IDS),
            messages=list(bundle.messages),
        )
    result = draft(profile, advice, resolved, library, as_of, sections=sections, template=template)
    return Issued(
        content=result.content,
        advice=advice,
        strategy=resolved,
        filename=filename_for(profile.title, as_of),
        sections=list(result.sections),
        messages=list(result.messages),
    )
