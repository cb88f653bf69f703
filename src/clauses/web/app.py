"""The FastAPI application factory: ``create_app(settings)``.

The app is built once per process from its settings: the clause library is loaded and checked,
the database engine made, the CPV nomenclature read. The schema is migrated by ``clauses serve``
before the workers start (and by the tests), never created implicitly.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, cast

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clauses import __version__, french
from clauses.library import load_library
from clauses.profile import describe_errors
from clauses.questionnaire.cpv import CpvCatalogue
from clauses.store.accounts import HashingBusy
from clauses.store.db import make_engine, unavailable, write_health
from clauses.store.writer import DossierWriter
from clauses.web import passwords
from clauses.web.access import SignInRequired, sign_in_redirect
from clauses.web.context import AppContext, make_templates
from clauses.web.limits import Limits
from clauses.web.logs import hide_query_strings, loggable
from clauses.web.oidc import OpenIdClient
from clauses.web.passwords import HashingQueueFull
from clauses.web.rendering import render
from clauses.web.revocations import Revocations
from clauses.web.routes import (
    account,
    accounts,
    api,
    api_docs,
    dossiers,
    home,
    joining,
    library,
    oidc_sign_in,
    password_links,
    practices,
    reports,
    team,
)
from clauses.web.security import BodyLimit, SecurityHeaders
from clauses.web.sessions import Sessions
from clauses.web.settings import Settings, resolve_secret_key

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
STATIC = __file__.rsplit("/", 1)[0] + "/static"
log = logging.getLogger("clauses.web")

ERROR_PAGES = {
    400: ("Requête invalide", "La demande n’a pas pu être comprise."),
    403: (
        "Action non autorisée",
        "Votre compte ne permet pas cette action. Un administrateur de votre organisation peut "
        "vous dire qui la fait, ou vous donner le rôle qu’il faut.",
    ),
    404: ("Page introuvable", "Cette page n’existe pas ou plus. Vérifiez l’adresse."),
    405: ("Action impossible", "Cette adresse n’accepte pas ce type de demande."),
    408: (
        "Envoi interrompu",
        "Les données envoyées ont mis trop longtemps à arriver. Vérifiez la connexion, "
        "puis renvoyez le formulaire : vos réponses déjà enregistrées sont conservées.",
    ),
    421: (
        "Adresse non reconnue",
        "Ce service ne répond pas sous ce nom. Si vous l’administrez, ajoutez ce nom au "
        "réglage CLAUSES_ALLOWED_HOSTS.",
    ),
    409: (
        "Dossier publié",
        "Ce dossier n’est plus un brouillon : ses réponses et ses choix sont ceux de la "
        "consultation publiée et ne se modifient plus. Un référent peut le ramener au "
        "brouillon tant qu’il n’est pas attribué.",
    ),
    413: (
        "Envoi trop volumineux",
        "Les données envoyées dépassent la taille autorisée. Réduisez les textes saisis puis réessayez.",
    ),
    429: (
        "Trop de demandes",
        "Le service reçoit trop de demandes de votre part ou en ce moment. Patientez une "
        "minute puis réessayez : vos réponses déjà enregistrées sont conservées.",
    ),
    503: (
        "Enregistrement impossible pour le moment",
        "Le service ne peut pas enregistrer en ce moment (base de données indisponible ou "
        "pleine) : ce qui vient d’être envoyé n’a pas été enregistré. Vos réponses déjà "
        "enregistrées sont conservées ; réessayez dans quelques minutes. Si cela dure, "
        "prévenez l’administrateur du service.",
    ),
    500: (
        "Erreur du service",
        "Une erreur inattendue s’est produite. Vos réponses déjà enregistrées sont conservées ; "
        "réessayez dans un instant.",
    ),
}


# Only a form whose CSRF token is missing or expired gets this: a refusal for a right says what.
CSRF_EXPIRED = (
    "Formulaire expiré",
    "Le formulaire n’a pas pu être vérifié (jeton de sécurité absent ou expiré). "
    "Revenez à la page précédente, rechargez-la puis renvoyez le formulaire : "
    "vos réponses déjà enregistrées sont conservées.",
)


# The API's 413 names its limit (CLAUSES_MAX_API_BODY_BYTES): a client can check its body.
API_TOO_LARGE = (
    "Corps de la requête trop volumineux : la taille autorisée pour l’API est de {limit} octets "
    "au plus ; un profil de 200 lots avec sa stratégie en compte bien moins."
)


def is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/healthz", "/openapi.json"))


def error_response(
    request: Request,
    status: int,
    headers: Mapping[str, str] | None = None,
    detail: object = None,
) -> Response:
    title, message = ERROR_PAGES.get(status, ERROR_PAGES[400 if status < 500 else 500])
    if status == 403 and detail == "csrf":
        title, message = CSRF_EXPIRED
    elif status == 403 and isinstance(detail, str) and detail != "Forbidden":
        message = detail  # a right refused (clauses.web.access.Refused): what and who
    if is_api(request):
        if status == 413 and request.url.path.startswith("/api/"):
            limit = request.app.state.ctx.settings.max_api_body_bytes
            message = API_TOO_LARGE.format(limit=french.number(limit))
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return render(
        request,
        "errors/error.html",
        {"page_title": title, "title": title, "message": message, "status": status},
        status_code=status,
        headers=headers,
    )


def allowed_methods(request: Request) -> str:
    """The methods some route of this path takes: Starlette's 405 names only those of the first
    route it finds (a step page is a GET route and a POST route), or none (static files)."""
    # The scope as the application received it (a mount moves the path into root_path).
    scope = {**request.scope, "root_path": request.scope.get("app_root_path", "")}
    allowed = set()
    for route in request.app.router.routes:
        if isinstance(route, Mount):  # the static files
            if route.matches(scope)[0] is not Match.NONE:
                allowed |= {"GET", "HEAD"}
            continue
        for method in METHODS:
            if route.matches({**scope, "method": method})[0] is Match.FULL:
                allowed.add(method)
    return ", ".join(sorted(allowed))


class _RequestErrors:
    """Lets :func:`describe_errors` word request errors (query parameters) as profile errors."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self._errors = errors

    def errors(self, **_options: bool) -> list[dict[str, Any]]:
        return [{**e, "loc": tuple(e["loc"][1:]) or e["loc"]} for e in self._errors]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return error_response(request, exc.status_code, headers, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if not is_api(request):
            return error_response(request, 404)
        errors = describe_errors(cast(ValidationError, _RequestErrors(list(exc.errors()))))
        return JSONResponse(
            {"detail": [{"field": e.field, "message": e.message} for e in errors]},
            status_code=422,
        )


# Seconds a client is asked to wait after a write the database refused (full, read-only,
# unreachable): long enough for an operator to be alerted by the health check.
RETRY_AFTER_S = 60


class ErrorShield:
    """Unexpected errors: a French 500 page, and one log line with the method, the path and the
    kind of error, never the message or the traceback (they could quote a buyer's answers).
    An error of the database that cannot take writes now (:func:`clauses.store.db.unavailable`)
    is a French 503 page with ``Retry-After``, and ``/healthz`` says so until a write succeeds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            request = Request(scope)
            if unavailable(exc):
                log.error(
                    "base de données indisponible (%s) sur %s %s",
                    type(exc.__cause__ or exc).__name__,
                    scope["method"],
                    loggable(scope["path"]),
                )
                write_health(request.app.state.ctx.engine).failed()
                response = error_response(request, 503, {"Retry-After": str(RETRY_AFTER_S)})
            else:
                log.error(
                    "erreur %s sur %s %s",
                    type(exc).__name__,
                    scope["method"],
                    loggable(scope["path"]),
                )
                response = error_response(request, 500)
            if not started:
                await response(scope, receive, send)


class TrustedHosts:
    """Answers only to the host names of ``allowed_hosts``: the app builds absolute URLs from
    the ``Host`` header (the redirect of a trailing slash), which must therefore be ours. Others
    get a 421 page; ``/healthz`` answers whatever the name (probes use the bare address)."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.any = "*" in allowed_hosts
        self.names = {h for h in allowed_hosts if not h.startswith("*.")}
        self.domains = tuple(h[1:] for h in allowed_hosts if h.startswith("*."))

    def allows(self, host: str) -> bool:
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host  # drop the port
        return name in self.names or (bool(self.domains) and name.endswith(self.domains))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.any or scope["path"] == "/healthz":
            await self.app(scope, receive, send)
            return
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
        if self.allows(host):
            await self.app(scope, receive, send)
            return
        log.warning(
            "hôte non autorisé %r sur %s %s", host[:100], scope["method"], loggable(scope["path"])
        )
        await error_response(Request(scope), 421)(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    ctx = AppContext(
        settings=settings,
        library=load_library(settings.library),
        engine=engine,
        templates=make_templates(settings),
        cpv=CpvCatalogue.load(settings.cpv_file),
        secret=resolve_secret_key(settings),
        writer=DossierWriter(engine),
        limits=Limits(
            engine,
            sign_in_attempts=settings.sign_in_attempts,
            window_minutes=settings.sign_in_window_minutes,
            heavy=settings.heavy_per_minute,
        ),
        oidc=OpenIdClient.from_settings(settings),
        revocations=Revocations(engine),
    )
    hide_query_strings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # On shutdown, the changes already submitted are written before the process ends.
        await anyio.to_thread.run_sync(ctx.writer.stop)

    app = FastAPI(
        title="Clauses — API",
        version=__version__,
        description="Conseils de clauses sociales et projets de pièces pour les marchés des "
        "Conseils régionaux.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        routes=dossiers.first,
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    app.add_exception_handler(SignInRequired, sign_in_redirect)
    app.add_exception_handler(HashingQueueFull, passwords.busy)
    app.add_exception_handler(HashingBusy, passwords.busy)
    app.add_middleware(Sessions)
    app.add_middleware(ErrorShield)
    app.add_middleware(
        BodyLimit, limit=settings.max_body_bytes, api_limit=settings.max_api_body_bytes
    )
    app.add_middleware(TrustedHosts, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders, provider=settings.oidc_issuer)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Routes are matched in this order, and each included router passed on the way costs a scan
    # of its routes: the step save first (given above), then the two routes of the home page,
    # then the dossier pages. No path of one router is another's.
    for router in (
        home.router,
        *dossiers.routers,
        accounts.router,
        oidc_sign_in.router,
        joining.router,
        account.router,
        password_links.router,
        team.router,
        library.router,
        practices.router,
        reports.router,
    ):
        app.include_router(router)
    app.include_router(api.router)
    app.include_router(api.health)
    api_docs.document_profile(app)
    return app


# In the server's processes, threads take turns on the GIL every millisecond (Python's default:
# 5 ms). While a thread parses an API body or writes a batch, the event loop waits up to one
# interval for each hand-over, several times per request (/healthz: about 15 ms at the median).
SWITCH_INTERVAL_S = 0.001
# A young-generation collection starts once this many more container objects were made than
# freed (Python's default: 700). A server always has that many alive in its requests in flight
# (20 wizard saves at once: over a thousand), so with the default each save started a scan of
# the requests under way, though they make no garbage cycles: 30 µs per save (bench/README.md).
YOUNG_GC_THRESHOLD = 10_000


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` and the workers started by ``clauses serve``.

    The objects built at start-up (the library, the CPV nomenclature, the templates: 160 000
    objects) live as long as the process: they are moved out of the garbage collector's reach
    (``gc.freeze``). Otherwise each full collection, which holds the GIL, scanned them all (90
    ms), and the tens of thousands of objects of an API body's JSON, alive while it is parsed,
    started one every few such bodies; so did a report reading a year's snapshots
    (one organisation's SPASER records, 1 752 snapshots: 2.1 s → 0.9 s on a busy machine;
    bench/README.md). The young generation is collected less often
    (:data:`YOUNG_GC_THRESHOLD`)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    app = create_app(Settings())
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])
    return app
