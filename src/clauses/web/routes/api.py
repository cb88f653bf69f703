"""The JSON API (``/api/v1``), documented at ``/openapi.json`` (:mod:`api_docs`), and the health
check.

It uses no cookie, hence no CSRF token. Validation errors answer 422 with
``{"detail": [{"field": …, "message": …}]}``, in French, as the CLI words them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from clauses.advisor import Advice, advise
from clauses.decp.document import DecpSchema, decp_document
from clauses.decp.resolve import contract_of
from clauses.library import Library
from clauses.library.models import Mechanism, Practice
from clauses.profile import (
    MAX_LOTS,
    FieldError,
    ProfileError,
    TenderProfile,
    parse_document,
)
from clauses.store.db import ping
from clauses.strategy import ResolvedStrategy
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
from clauses.web.routes.api_docs import (
    AWARD_BODY,
    INVALID,
    PROFILE_BODY,
    AsOf,
    Health,
    ValidationProblem,
)
from clauses.web.routes.practices import find as find_practices

# 422 as the error handler words it (not FastAPI's default shape), for every operation.
router = APIRouter(
    prefix="/api/v1",
    tags=["api"],
    responses={422: {"model": ValidationProblem, "description": "Paramètre invalide"}},
)
health = APIRouter(tags=["santé"])


# A hostile body (a megabyte of unknown keys) made a hundred thousand errors: wording them took
# seconds and the answer weighed megabytes. A profile's objects have 17 keys at most, except a
# strategy's ``hours_override`` (one key per lot and « total »), so more than MAX_KEYS are
# refused while parsing, and the errors reported are bounded.
MAX_KEYS = MAX_LOTS + 1
MAX_ERRORS = 50
MAX_FIELD = 120
# Parsing, validating, advising and drafting are pure CPU: under the GIL, more threads would not
# serve them sooner, only make the event loop (and /healthz) wait longer for its turn.
CPU_LIMITER = anyio.CapacityLimiter(1)
# API requests in progress (reading their body, waiting for that thread, or in it) beyond which
# the next ones are turned away at once: each holds its body in memory, and a client sending
# hundreds at a time would otherwise fill the memory and make everyone wait.
MAX_IN_PROGRESS = 10
BUSY = "Service occupé : trop de demandes en cours. Réessayez dans un instant."
_in_progress = 0  # changed on the event loop only
HEALTH_LIMITER = anyio.CapacityLimiter(2)


def _short(field: str) -> str:
    """A field's name as reported: an unknown key can be a megabyte long."""
    return field if len(field) <= MAX_FIELD else field[: MAX_FIELD - 1] + "…"


def problems(errors: list[FieldError]) -> JSONResponse:
    return JSONResponse(
        {"detail": [{"field": _short(e.field), "message": e.message} for e in errors]},
        status_code=422,
    )


class _TooManyKeys(ValueError):
    pass


def _bounded_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) > MAX_KEYS:
        raise _TooManyKeys()
    return dict(pairs)


def parse_body(body: bytes) -> tuple[TenderProfile, dict[str, Any]]:
    """The profile posted and its other keys (``strategy``), as given (CPU-bound on large
    bodies: call it in the thread pool)."""
    return parse_document(load_body(body), max_errors=MAX_ERRORS)


def load_body(body: bytes) -> Any:
    """The JSON posted, within the bounds above (ProfileError naming ``(corps)`` otherwise)."""
    try:
        data = json.loads(body or b"null", object_pairs_hook=_bounded_object)
    except _TooManyKeys:
        raise ProfileError(
            [FieldError("(corps)", f"objet JSON de plus de {MAX_KEYS} clés")]
        ) from None
    except ValueError:  # not JSON, not UTF-8, or an integer of thousands of digits
        raise ProfileError([FieldError("(corps)", "JSON invalide")]) from None
    except RecursionError:
        raise ProfileError(
            [FieldError("(corps)", "JSON invalide : imbrication trop profonde")]
        ) from None
    return data


def refused(exc: StrategyRefused) -> JSONResponse:
    return problems([FieldError(e.key, e.message) for e in exc.errors])


async def compute(request: Request, work: Callable[..., Response], *args: Any) -> Response:
    """``work(body, *args)`` in the CPU thread, or a 503 when too many requests are in progress.
    Parsing, validating, advising, drafting: never on the event loop. The profile, section and
    strategy errors it raises are the caller's to answer (:func:`answer`)."""
    global _in_progress
    if _in_progress >= MAX_IN_PROGRESS:
        return JSONResponse({"detail": BUSY}, status_code=503, headers={"Retry-After": "1"})
    _in_progress += 1
    try:
        body = await request.body()
        return await anyio.to_thread.run_sync(work, body, *args, limiter=CPU_LIMITER)
    finally:
        _in_progress -= 1


async def answer(request: Request, work: Callable[..., Response], *args: Any) -> Response:
    """:func:`compute`, its profile, section and strategy errors answered 422 with the fields
    they name."""
    try:
        return await compute(request, work, *args)
    except ProfileError as exc:
        return problems(exc.errors)
    except SectionError as exc:
        return problems([FieldError("sections", str(exc))])
    except StrategyRefused as exc:
        return refused(exc)


def json_response(model: BaseModel, *, exclude_none: bool = False) -> Response:
    """Serialised here, in the thread pool, rather than by FastAPI on the loop (the advice
    leaves out its unknown keys, as the CLI does; the strategy's null keys are part of it)."""
    return Response(model.model_dump_json(exclude_none=exclude_none), media_type="application/json")


def advice_of(body: bytes, library: Library, as_of: dt.date) -> Response:
    """The advice; a ``strategy`` in the body is checked against it."""
    profile, others = parse_body(body)
    result = advise(profile, library, as_of)
    if "strategy" in others:
        resolved_or_raise(profile, result, others["strategy"], library)
    return json_response(result, exclude_none=True)


def strategy_of(body: bytes, library: Library, as_of: dt.date) -> Response:
    profile, others = parse_body(body)
    result = advise(profile, library, as_of)
    return json_response(resolved_or_raise(profile, result, others.get("strategy"), library))


def draft_of(body: bytes, sections: list[str], library: Library, as_of: dt.date) -> Response:
    profile, others = parse_body(body)
    wanted = parse_sections(sections)
    result = advise(profile, library, as_of)
    resolved = resolved_or_raise(profile, result, others.get("strategy"), library)
    issued = issue_draft(profile, result, resolved, library, as_of, wanted)
    return Response(
        issued.content,
        media_type=DOCX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{issued.filename}"'},
    )


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
    return await answer(request, advice_of, library, as_of or ctx.today())


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
    return await answer(request, strategy_of, library, as_of or ctx.today())


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
    return await answer(request, draft_of, sections, library, as_of or ctx.today())


def decp_of(body: bytes, library: Library, as_of: dt.date, today: dt.date) -> Response:
    """The contract's DECP 2.0.3 object, validated against the official schema (``DecpError``,
    a ProfileError, naming each key to give otherwise); no date after ``today``."""
    profile, award, resolved = contract_of(
        load_body(body), library, as_of, today=today, max_errors=MAX_ERRORS
    )
    document = decp_document(profile, award, resolved, library, DecpSchema.load())
    return Response(json.dumps(document, ensure_ascii=False), media_type="application/json")


DECP_DOCUMENT = {
    "type": "object",
    "required": ["marches"],
    "description": 'Objet DECP 2.0.3 : {"marches": {"marche": [...]}}, validé par le schéma '
    "officiel (un « marche » par lot attribué d’un marché alloti)",
}


@router.post(
    "/decp",
    summary="Données essentielles (DECP 2.0.3) d’un marché attribué "
    "(identiques à « clauses decp »)",
    openapi_extra=AWARD_BODY,
    responses={
        200: {
            "content": {"application/json": {"schema": DECP_DOCUMENT}},
            "description": "Objet DECP validé",
        },
        **INVALID,
    },
    response_class=Response,
)
async def decp(request: Request, ctx: ContextDep, library: LibraryDep, as_of: AsOf = None) -> Any:
    """The DECP of the contract the body describes; 422 naming each missing or invalid field
    (``award.lots[2].holders``, ``strategy.mechanisms[1].lots``…)."""
    return await answer(request, decp_of, library, as_of or ctx.today(), ctx.today())


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
    """The sheets that pass the filters, best first for the words of ``q`` (a region named in
    them filters by region), as the sheets page lists them."""
    return find_practices(library, region=region, mechanism=mechanism, sector=sector, q=q)[0]


@health.get(
    "/healthz",
    response_model=Health,
    summary="État du service et de la base",
    responses={503: {"model": Health, "description": "Base de données indisponible"}},
)
async def healthz(ctx: ContextDep) -> Any:
    # The database is checked in a thread of its own: never behind the requests that fill the
    # thread pool, and one hand-over only (no response model to serialise in another thread).
    healthy = await anyio.to_thread.run_sync(ping, ctx.engine, limiter=HEALTH_LIMITER)
    status, database = ("ok", "ok") if healthy else ("error", "indisponible")
    return JSONResponse(
        {"status": status, "database": database, "library_version": ctx.library.version},
        status_code=200 if healthy else 503,
    )
