"""Home page: start a dossier, resume a recent one, go to the library and the sheets."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from clauses.store import crud
from clauses.store.models import DossierStatus
from clauses.web.deps import ContextDep, SessionDep
from clauses.web.rendering import render

router = APIRouter(tags=["pages"], include_in_schema=False)

RECENT = 8
# Dossiers are working documents of a buyer: nothing here is for search engines.
ROBOTS = "User-agent: *\nDisallow: /\n"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, ctx: ContextDep) -> HTMLResponse:
    recent = crud.list_dossiers(session=session, status=DossierStatus.draft, limit=RECENT)
    return render(
        request,
        "home/index.html",
        {
            "page_title": "Accueil",
            "recent": recent,
            "mechanism_count": len(ctx.library.mechanisms),
            "practice_count": len(ctx.library.practices),
        },
    )


@router.get("/robots.txt", response_class=PlainTextResponse)
async def robots() -> PlainTextResponse:
    return PlainTextResponse(ROBOTS)
