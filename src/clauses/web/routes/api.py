"""The JSON API (``/api/v1``), documented at ``/openapi.json``, and the health check.

It uses no cookie, hence no CSRF token. Validation errors answer 422 with
``{"detail": [{"field": …, "message": …}]}``, in French, as the CLI words them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from clauses.advisor import Advice, advise
from clauses.library.models import Mechanism, Practice
from clauses.profile import FieldError, ProfileError, TenderProfile, parse_profile
from clauses.store.db import ping
from clauses.web.deps import ContextDep, LibraryDep
from clauses.web.drafting import DOCX_TYPE, SECTIONS, SectionError, issue_draft, parse_sections
from clauses.web.routes.practices import matches

router = APIRouter(prefix="/api/v1", tags=["api"])
health = APIRouter(tags=["santé"])


class FieldProblem(BaseModel):
    field: str
    message: str


class ValidationProblem(BaseModel):
    detail: list[FieldProblem]


class Health(BaseModel):
    status: str
    database: str
    library_version: str


PROFILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": TenderProfile.model_json_schema()}},
    }
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationProblem, "description": "Profil invalide (champs nommés)"}
}
AsOf = Annotated[
    dt.date | None,
    Query(description="date du calcul (AAAA-MM-JJ) ; par défaut, aujourd’hui"),
]


def problems(errors: list[FieldError]) -> JSONResponse:
    return JSONResponse(
        {"detail": [{"field": e.field, "message": e.message} for e in errors]}, status_code=422
    )


async def read_profile(request: Request) -> TenderProfile:
    body = await request.body()
    try:
        data = json.loads(body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ProfileError([FieldError("(corps)", "JSON invalide")]) from None
    return parse_profile(data)


@router.post(
    "/advice",
    response_model=Advice,
    response_model_exclude_none=True,
    summary="Conseils pour un marché (identiques à « clauses advise --json »)",
    openapi_extra=PROFILE_BODY,
    responses=INVALID,
)
async def advice(request: Request, ctx: ContextDep, library: LibraryDep, as_of: AsOf = None) -> Any:
    try:
        profile = await read_profile(request)
    except ProfileError as exc:
        return problems(exc.errors)
    return advise(profile, library, as_of or ctx.today())


@router.post(
    "/draft",
    summary="Projet de pièces Word (.docx) pour un marché",
    openapi_extra=PROFILE_BODY,
    responses={200: {"content": {DOCX_TYPE: {}}, "description": "Document Word"}, **INVALID},
    response_class=Response,
)
async def draft(
    request: Request,
    ctx: ContextDep,
    library: LibraryDep,
    as_of: AsOf = None,
    sections: Annotated[
        list[str],
        Query(description=f"sections parmi : {', '.join(SECTIONS)} (toutes par défaut)"),
    ] = [],  # noqa: B006 - FastAPI copies query defaults
) -> Response:
    try:
        profile = await read_profile(request)
        wanted = parse_sections(sections)
    except ProfileError as exc:
        return problems(exc.errors)
    except SectionError as exc:
        return problems([FieldError("sections", str(exc))])
    issued = issue_draft(profile, library, as_of or ctx.today(), wanted)
    return Response(
        issued.content,
        media_type=DOCX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{issued.filename}"'},
    )


@router.get("/mechanisms", response_model=list[Mechanism], summary="Mécanismes de la bibliothèque")
def mechanisms(library: LibraryDep) -> list[Mechanism]:
    return list(library.mechanisms.values())


@router.get("/practices", response_model=list[Practice], summary="Fiches de bonnes pratiques")
def practices(
    library: LibraryDep,
    region: str = "",
    mechanism: str = "",
    sector: str = "",
    q: str = "",
) -> list[Practice]:
    return [
        p
        for p in library.practices.values()
        if matches(p, region=region, mechanism=mechanism, sector=sector, text=q)
    ]


@health.get("/healthz", response_model=Health, summary="État du service et de la base")
def healthz(ctx: ContextDep) -> Any:
    if not ping(ctx.engine):
        return JSONResponse(
            {"status": "error", "database": "indisponible", "library_version": ctx.library.version},
            status_code=503,
        )
    return Health(status="ok", database="ok", library_version=ctx.library.version)
