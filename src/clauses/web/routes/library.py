"""Library pages: every mechanism with its legal basis, conditions, pitfalls, model clauses
(rendered with their sample values, placeholders visible) and the sheets that use it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from clauses.library import Library
from clauses.library.models import ClauseText, Mechanism, MechanismId, Section
from clauses.library.render import PLACEHOLDER_RE, ClauseRenderError, placeholder, render_clause
from clauses.library.search import rank_mechanisms, regions_named
from clauses.web.deps import LibraryDep
from clauses.web.rendering import render
from clauses.web.routes.practices import filters_of, region_names

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


# How the Code groups the mechanisms: where in the contract each one acts.
FAMILIES = {
    "execution": "Conditions d’exécution",
    "award": "Critères d’attribution",
    "reserved": "Marchés et lots réservés",
    "object": "Objet et structure du marché",
}
FAMILY_OF = {
    MechanismId.insertion_clause: "execution",
    MechanismId.other_social_condition: "execution",
    MechanismId.insertion_criterion: "award",
    MechanismId.reserved_disability: "reserved",
    MechanismId.reserved_insertion: "reserved",
    MechanismId.reserved_both: "reserved",
    MechanismId.reserved_prison: "reserved",
    MechanismId.reserved_ess: "reserved",
    MechanismId.insertion_services_contract: "object",
    MechanismId.lots_division: "object",
}


def practices_for(library: Library, mechanism: MechanismId) -> list[object]:
    return [p for p in library.practices.values() if mechanism in p.mechanisms]


def fits(mechanism: Mechanism, library: Library, *, family: str, basis: str, sector: str) -> bool:
    """The mechanism passes the filters: its family, one of its articles, a sector whose usual
    structures can carry it out (the words typed rank them: ``rank_mechanisms``)."""
    if family and FAMILY_OF.get(mechanism.id) != family:
        return False
    if basis and basis not in {b.article for b in mechanism.legal_basis}:
        return False
    if sector:
        found = next((s for s in library.sizing.sectors if s.id == sector), None)
        if found is None or not set(found.typical_structures) & set(mechanism.structures):
            return False
    return True


@router.get("", response_class=HTMLResponse)
def mechanisms(
    request: Request,
    library: LibraryDep,
    famille: str = "",
    base: str = "",
    secteur: str = "",
    q: str = "",
) -> HTMLResponse:
    q, filters, filtered = filters_of(q, famille=famille, base=base, secteur=secteur)
    every = list(library.mechanisms.values())
    # A region typed (« Bretagne ») is not in any mechanism: its sheets are pointed to, and the
    # rest of the words rank the mechanisms.
    regions = region_names(library)
    named, words = regions_named(q, regions)
    found = rank_mechanisms(
        [m for m in every if fits(m, library, family=famille, basis=base, sector=secteur)],
        words,
        library.search.terms,
    )
    region_sheets = [
        (code, regions[code], sum(code in p.region_codes for p in library.practices.values()))
        for code in named
    ]
    return render(
        request,
        "library/index.html",
        {
            "page_title": "Bibliothèque des mécanismes",
            "mechanisms": found,
            "families": FAMILIES,
            "family_of": FAMILY_OF,
            "articles": sorted({b.article for m in every for b in m.legal_basis}),
            "filters": filters,
            "filtered": filtered,
            "sheet_counts": {m.id: len(practices_for(library, m.id)) for m in every},
            "region_sheets": region_sheets,
        },
        fragment="library/_results.html",
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
            "family": FAMILY_OF[found.id],
            "family_label": FAMILIES[FAMILY_OF[found.id]],
        },
    )
