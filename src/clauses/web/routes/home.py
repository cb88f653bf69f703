"""Home page: start a dossier, resume a recent one, go to the library and the sheets."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from clauses.store import accounts, crud
from clauses.store.models import Dossier, DossierStatus
from clauses.web.deps import ContextDep, SessionDep
from clauses.web.rendering import render
from clauses.web.sessions import current

router = APIRouter(tags=["pages"], include_in_schema=False)

RECENT = 8
# Dossiers are working documents of a buyer: nothing here is for search engines.
ROBOTS = "User-agent: *\nDisallow: /\n"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, ctx: ContextDep) -> HTMLResponse:
    principal = current(request)
    recent: Sequence[Dossier] = []
    if principal is not None and principal.role is not None:
        recent = crud.list_dossiers(
            session=session,
            organisation_id=principal.organisation_id,
            status=DossierStatus.draft,
            limit=RECENT,
        )
    elif principal is not None:  # an invited facilitator
        recent = accounts.granted_dossiers(session, principal.user_id)[:RECENT]
    return render(
        request,
        "home/index.html",
        {
            "page_title": "Accueil",
            "recent": recent,
            "principal": principal,
            "mechanism_count": len(ctx.library.mechanisms),
            "practice_count": len(ctx.library.practices),
        },
    )


@router.get("/robots.txt", response_class=PlainTextResponse)
async def robots() -> PlainTextResponse:
    return PlainTextResponse(ROBOTS)
