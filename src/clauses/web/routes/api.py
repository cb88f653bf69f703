"""The JSON API (``/api/v1``), documented at ``/openapi.json``, and the health check.

It uses no cookie, hence no CSRF token. Validation errors answer 422 with
``{"detail": [{"field": …, "message": …}]}``, in French, as the CLI words them.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from clauses.advisor import Advice, advise
from clauses.library.models import Mechanism, Practice
from clauses.profile import FieldError, IsoDate, ProfileError, TenderProfile, parse_profile
from clauses.store.db import ping
from clauses.web.deps import ContextDep, LibraryDep
from clauses.web.drafting import (
    DOCX_TYPE,
    SECTIONS,
    SECTIONS_PATTERN,
    SectionError,
    issue_draft,
    parse_sections,
)
from clauses.web.routes.practices import matches


class FieldProblem(BaseModel):
    field: str
    message: str


class ValidationProblem(BaseModel):
    detail: list[FieldProblem]


class Problem(BaseModel):
    detail: str


class Health(BaseModel):
    status: str
    database: str
    library_version: str


# 422 as the error handler words it (not FastAPI's default shape), for every operation.
router = APIRouter(
    prefix="/api/v1",
    tags=["api"],
    responses={422: {"model": ValidationProblem, "description": "Paramètre invalide"}},
)
health = APIRouter(tags=["santé"])


# The body is read by hand (for French errors), so FastAPI does not document it: its schema goes
# in the components, where its references (``#/components/schemas/Lot``…) resolve.
PROFILE_SCHEMA = TenderProfile.model_json_schema(ref_template="#/components/schemas/{model}")
PROFILE_COMPONENTS = {**PROFILE_SCHEMA.pop("$defs", {}), "TenderProfile": PROFILE_SCHEMA}
PROFILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TenderProfile"}}},
    }
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationProblem, "description": "Profil invalide (champs nommés)"},
    413: {"model": Problem, "description": "Corps de la requête trop volumineux"},
}
AsOf = Annotated[
    IsoDate | None,
    Query(description="date du calcul (AAAA-MM-JJ) ; par défaut, aujourd’hui"),
]


def document_profile(app: FastAPI) -> None:
    """Adds the profile's schemas to the OpenAPI document that ``app`` serves."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()  # kept by FastAPI as app.openapi_schema
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in PROFILE_COMPONENTS.items():
            schemas.setdefault(name, schema)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def problems(errors: list[FieldError]) -> JSONResponse:
    return JSONResponse(
        {"detail": [{"field": e.field, "message": e.message} for e in errors]}, status_code=422
    )


async def read_profile(request: Request) -> TenderProfile:
    body = await request.body()
    try:
        data = json.loads(body or b"null")
    except ValueError:  # not JSON, not UTF-8, or an integer of thousands of digits
        raise ProfileError([FieldError("(corps)", "JSON invalide")]) from None
    except RecursionError:
        raise ProfileError(
            [FieldError("(corps)", "JSON invalide : imbrication trop profonde")]
        ) from None
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
        Query(
            description=f"sections parmi : {', '.join(SECTIONS)} (toutes par défaut), "
            "en paramètres répétés ou séparées par des virgules",
            json_schema_extra={"items": {"type": "string", "pattern": SECTIONS_PATTERN}},
        ),
    ] = [],  # noqa: B006 - FastAPI copies query defaults
) -> Response:
    try:
        profile = await read_profile(request)
        wanted = parse_sections(sections)
    except ProfileError as exc:
        return problems(exc.errors)
    except SectionError as exc:
        return problems([FieldError("sections", str(exc))])
    # Drafting takes a tenth of a second of CPU: in the thread pool, not on the event loop.
    issued = await run_in_threadpool(issue_draft, profile, library, as_of or ctx.today(), wanted)
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


@health.get(
    "/healthz",
    response_model=Health,
    summary="État du service et de la base",
    responses={503: {"model": Health, "description": "Base de données indisponible"}},
)
def healthz(ctx: ContextDep) -> Any:
    if not ping(ctx.engine):
        return JSONResponse(
            {"status": "error", "database": "indisponible", "library_version": ctx.library.version},
            status_code=503,
        )
    return Health(status="ok", database="ok", library_version=ctx.library.version)
