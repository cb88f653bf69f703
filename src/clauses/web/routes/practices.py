"""Good-practice sheets: a list filtered by region, mechanism, sector and text (a GET form),
and printable detail pages with the Markdown body rendered safely."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from clauses.library import Library
from clauses.library.models import Practice
from clauses.web.cpv import fold
from clauses.web.deps import LibraryDep
from clauses.web.markdown import render_markdown
from clauses.web.rendering import render

router = APIRouter(prefix="/fiches", tags=["pages"], include_in_schema=False)


def region_names(library: Library) -> dict[str, str]:
    question = library.questionnaire.question("region_code")
    return {c.value: c.label for c in question.choices} if question else {}


def matches(practice: Practice, *, region: str, mechanism: str, sector: str, text: str) -> bool:
    if region and region not in practice.region_codes:
        return False
    if mechanism and mechanism not in {m.value for m in practice.mechanisms}:
        return False
    if sector and sector not in practice.sectors:
        return False
    if text:
        haystack = fold(
            " ".join([practice.title, practice.summary, *practice.themes, practice.body])
        )
        return all(word in haystack for word in fold(text).split())
    return True


@router.get("", response_class=HTMLResponse)
def practice_list(
    request: Request,
    library: LibraryDep,
    region: str = "",
    mecanisme: str = "",
    secteur: str = "",
    q: str = "",
) -> HTMLResponse:
    q = q.strip()[:200]
    found = [
        p
        for p in sorted(library.practices.values(), key=lambda p: p.title)
        if matches(p, region=region, mechanism=mecanisme, sector=secteur, text=q)
    ]
    # A region without a sheet of its own: the thematic sheets (valid everywhere) that pass the
    # other filters, or all of them, rather than an empty list.
    nearest: list[Practice] = []
    if region and not found:
        thematic = [
            p
            for p in sorted(library.practices.values(), key=lambda p: p.title)
            if not p.region_codes
        ]
        nearest = [
            p
            for p in thematic
            if matches(p, region="", mechanism=mecanisme, sector=secteur, text=q)
        ] or thematic
    return render(
        request,
        "practices/index.html",
        {
            "page_title": "Fiches de bonnes pratiques",
            "practices": found,
            "nearest": nearest,
            "filters": {"region": region, "mecanisme": mecanisme, "secteur": secteur, "q": q},
            "filtered": any((region, mecanisme, secteur, q)),
            "regions": region_names(library),
        },
        fragment="practices/_results.html",
    )


@router.get("/{practice_id}", response_class=HTMLResponse)
def practice_detail(request: Request, practice_id: str, library: LibraryDep) -> HTMLResponse:
    practice = library.practices.get(practice_id)
    if practice is None:
        raise HTTPException(status_code=404)
    return render(
        request,
        "practices/detail.html",
        {
            "page_title": practice.title,
            "practice": practice,
            "body": render_markdown(practice.body, heading_offset=0),
            "regions": region_names(library),
        },
    )
