"""Good-practice sheets: a list filtered by region, mechanism, sector and text (a GET form),
and printable detail pages with the Markdown body rendered safely."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from clauses.library import Library
from clauses.library.models import Practice
from clauses.library.search import rank_practices, regions_named
from clauses.web.deps import LibraryDep
from clauses.web.markdown import render_markdown
from clauses.web.rendering import render

router = APIRouter(prefix="/fiches", tags=["pages"], include_in_schema=False)


QUERY_MAX = 200  # the characters of the words typed that a search page reads


def filters_of(q: str, **chosen: str) -> tuple[str, dict[str, str], bool]:
    """A search page's words typed (trimmed, :data:`QUERY_MAX` at most), its filters as the page
    shows them back (the values ``chosen`` and ``q``), and whether any is set."""
    q = q.strip()[:QUERY_MAX]
    filters = {**chosen, "q": q}
    return q, filters, any(filters.values())


def region_names(library: Library) -> dict[str, str]:
    question = library.questionnaire.question("region_code")
    return {c.value: c.label for c in question.choices} if question else {}


def matches(practice: Practice, *, region: str, mechanism: str, sector: str) -> bool:
    """The sheet passes the filters (the words typed rank them: ``rank_practices``)."""
    if region and region not in practice.region_codes:
        return False
    if mechanism and mechanism not in {m.value for m in practice.mechanisms}:
        return False
    return not (sector and sector not in practice.sectors)


def by_title(library: Library) -> list[Practice]:
    return sorted(library.practices.values(), key=lambda p: p.title)


def find(
    library: Library, *, region: str, mechanism: str, sector: str, q: str
) -> tuple[list[Practice], str, str]:
    """The sheets that pass the filters, best first for the words typed; the region filtered
    on (one typed in the words, « Bretagne », « clauses Occitanie », counts as the filter) and
    the words left once the region's name is taken out."""
    named, words = regions_named(q, region_names(library))
    if named and not region:
        region = named[0]
    found = rank_practices(
        [
            p
            for p in by_title(library)
            if matches(p, region=region, mechanism=mechanism, sector=sector)
        ],
        words,
        library.search.terms,
    )
    return found, region, words


@router.get("", response_class=HTMLResponse)
def practice_list(
    request: Request,
    library: LibraryDep,
    region: str = "",
    mecanisme: str = "",
    secteur: str = "",
    q: str = "",
) -> HTMLResponse:
    q, filters, filtered = filters_of(q, region=region, mecanisme=mecanisme, secteur=secteur)
    regions = region_names(library)
    found, region, words = find(library, region=region, mechanism=mecanisme, sector=secteur, q=q)
    # A region without a sheet of its own: the thematic sheets (valid everywhere) that pass the
    # other filters, or all of them, rather than an empty list.
    nearest: list[Practice] = []
    if region and not found:
        thematic = [p for p in by_title(library) if not p.region_codes]
        nearest = (
            rank_practices(
                [p for p in thematic if matches(p, region="", mechanism=mecanisme, sector=secteur)],
                words,
                library.search.terms,
            )
            or thematic
        )
    return render(
        request,
        "practices/index.html",
        {
            "page_title": "Fiches de bonnes pratiques",
            "practices": found,
            "nearest": nearest,
            "filters": filters,
            "filtered": filtered,
            "regions": regions,
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
