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
from clauses.profile import FieldError, IsoDate, ProfileError, TenderProfile, parse_document
from clauses.store.db import ping
from clauses.strategy import ResolvedStrategy, Strategy
from clauses.strategy.choose import StrategyRefused, resolved_or_raise
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
# in the components, where its references (``#/components/schemas/Lot``…) resolve. It is the
# profile (DESIGN §3.1) with the optional ``strategy`` key (§3.4), as in a profile file.
REF = "#/components/schemas/{model}"
PROFILE_SCHEMA = TenderProfile.model_json_schema(ref_template=REF)
STRATEGY_SCHEMA = Strategy.model_json_schema(ref_template=REF)
BODY_SCHEMA = {
    **PROFILE_SCHEMA,
    "title": "TenderProfileWithStrategy",
    "description": "Profil du marché et, facultative, la stratégie de l’acheteur (clé strategy).",
    "properties": {
        **PROFILE_SCHEMA["properties"],
        "strategy": {"$ref": REF.format(model="Strategy")},
    },
}
BODY_SCHEMA.pop("$defs", None)
PROFILE_COMPONENTS = {
    **PROFILE_SCHEMA.pop("$defs", {}),
    **STRATEGY_SCHEMA.pop("$defs", {}),
    "TenderProfile": PROFILE_SCHEMA,
    "Strategy": STRATEGY_SCHEMA,
    "TenderProfileWithStrategy": BODY_SCHEMA,
}
PROFILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": REF.format(model="TenderProfileWithStrategy")}}
        },
    }
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ValidationProblem,
        "description": "Profil ou stratégie invalide (champs nommés : lots[2].title, "
        "strategy.mechanisms[2].lots…)",
    },
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


async def read_body(request: Request) -> tuple[TenderProfile, dict[str, Any]]:
    """The profile of the body and its other keys (``strategy``), as given."""
    body = await request.body()
    try:
        data = json.loads(body or b"null")
    except ValueError:  # not JSON, not UTF-8, or an integer of thousands of digits
        raise ProfileError([FieldError("(corps)", "JSON invalide")]) from None
    except RecursionError:
        raise ProfileError(
            [FieldError("(corps)", "JSON invalide : imbrication trop profonde")]
        ) from None
    return parse_document(data)


def refused(exc: StrategyRefused) -> JSONResponse:
    return problems([FieldError(e.key, e.message) for e in exc.errors])


@router.post(
    "/advice",
    response_model=Advice,
    response_model_exclude_none=True,
    summary="Conseils pour un marché (identiques à « clauses advise --json »)",
    openapi_extra=PROFILE_BODY,
    responses=INVALID,
)
async def advice(request: Request, ctx: ContextDep, library: LibraryDep, as_of: AsOf = None) -> Any:
    """The advice; a ``strategy`` in the body is checked against it (422 naming its key)."""
    try:
        profile, others = await read_body(request)
        result = advise(profile, library, as_of or ctx.today())
        if "strategy" in others:
            resolved_or_raise(profile, result, others["strategy"], library)
    except ProfileError as exc:
        return problems(exc.errors)
    except StrategyRefused as exc:
        return refused(exc)
    return result


@router.post(
    "/strategy",
    response_model=ResolvedStrategy,
    summary="Stratégie résolue : la clé strategy du corps complétée et vérifiée "
    "(identique à « clauses advise --strategy-json »)",
    openapi_extra=PROFILE_BODY,
    responses=INVALID,
)
async def strategy(
    request: Request, ctx: ContextDep, library: LibraryDep, as_of: AsOf = None
) -> Any:
    try:
        profile, others = await read_body(request)
        return resolved_or_raise(
            profile, advise(profile, library, as_of or ctx.today()), others.get("strategy"), library
        )
    except ProfileError as exc:
        return problems(exc.errors)
    except StrategyRefused as exc:
        return refused(exc)


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
    day = as_of or ctx.today()
    try:
        profile, others = await read_body(request)
        wanted = parse_sections(sections)
        result = advise(profile, library, day)
        resolved = resolved_or_raise(profile, result, others.get("strategy"), library)
    except ProfileError as exc:
        return problems(exc.errors)
    except SectionError as exc:
        return problems([FieldError("sections", str(exc))])
    except StrategyRefused as exc:
        return refused(exc)
    # Drafting takes a tenth of a second of CPU: in the thread pool, not on the event loop.
    issued = await run_in_threadpool(issue_draft, profile, result, resolved, library, day, wanted)
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
