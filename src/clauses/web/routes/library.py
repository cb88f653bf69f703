"""Library pages: every mechanism with its legal basis, conditions, pitfalls, model clauses
(rendered with their sample values, placeholders visible) and the sheets that use it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from clauses.library import Library
from clauses.library.models import ClauseText, MechanismId, Section
from clauses.library.render import PLACEHOLDER_RE, ClauseRenderError, placeholder, render_clause
from clauses.web.deps import LibraryDep
from clauses.web.rendering import render

router = APIRouter(prefix="/bibliotheque", tags=["pages"], include_in_schema=False)

SECTION_LABELS = {
    Section.notice: "Avis de publicité",
    Section.rc: "Règlement de la consultation",
    Section.ccap: "CCAP",
    Section.annex: "Annexe",
}


def clause_preview(clause: ClauseText) -> Markup:
    """The clause with its sample values; values only the buyer knows stay visible marks."""
    values = {
        p.name: placeholder(p.label) if p.placeholder else p.sample for p in clause.parameters
    }
    try:
        text = render_clause(clause, values)
    except ClauseRenderError as exc:
        return Markup('<span class="error-text">{}</span>').format(f"Rendu impossible : {exc}")
    parts: list[str] = []
    position = 0
    for match in PLACEHOLDER_RE.finditer(text):
        parts.append(str(escape(text[position : match.start()])))
        parts.append(f'<mark class="placeholder">{escape(match.group(0))}</mark>')
        position = match.end()
    parts.append(str(escape(text[position:])))
    paragraphs = "".join(parts).split("\n\n")
    return Markup("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


def practices_for(library: Library, mechanism: MechanismId) -> list[object]:
    return [p for p in library.practices.values() if mechanism in p.mechanisms]


@router.get("", response_class=HTMLResponse)
def mechanisms(request: Request, library: LibraryDep) -> HTMLResponse:
    return render(
        request,
        "library/index.html",
        {
            "page_title": "Bibliothèque des mécanismes",
            "mechanisms": list(library.mechanisms.values()),
        },
    )


@router.get("/{mechanism_id}", response_class=HTMLResponse)
def mechanism(request: Request, mechanism_id: str, library: LibraryDep) -> HTMLResponse:
    try:
        found = library.mechanisms[MechanismId(mechanism_id)]
    except ValueError:
        raise HTTPException(status_code=404) from None
    return render(
        request,
        "library/mechanism.html",
        {
            "page_title": found.title,
            "mechanism": found,
            "previews": {c.id: clause_preview(c) for c in found.clauses},
            "section_labels": SECTION_LABELS,
            "practices": practices_for(library, found.id),
        },
    )
