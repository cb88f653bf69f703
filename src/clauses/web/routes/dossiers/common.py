"""What the dossier routes share: loading a dossier, its assessment (profile, advice and
strategy, computed once per request), the writer, URLs, notices and the conflict page."""

import datetime as dt
import functools
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.routing import Route

from clauses import inputs
from clauses.advisor import advise
from clauses.advisor.model import Advice
from clauses.library import Library
from clauses.library.questionnaire import Question, QuestionKind, Step
from clauses.profile import MAX_LOTS, TenderProfile
from clauses.questionnaire import wizard
from clauses.store import crud
from clauses.store.db import new_session
from clauses.store.merge import decode_base, merge
from clauses.store.models import Dossier, Stage
from clauses.store.writer import Change, Saved
from clauses.strategy import ResolvedStrategy, StrategyError
from clauses.strategy.choose import resolve
from clauses.web.access import Access, Guard, Needs, Right, authorise
from clauses.web.context import AppContext
from clauses.web.deps import ContextDep, SessionDep
from clauses.web.rendering import render

T = TypeVar("T")


def dependency_of(dependant: Dependant, kind: type[T]) -> T | None:
    """The first dependency of a route (or of one of its dependencies, however deep) that is a
    ``kind`` (a :class:`Guard`, a move's check…)."""
    for sub in dependant.dependencies:
        if isinstance(sub.call, kind):
            return sub.call
        found = dependency_of(sub, kind)
        if found is not None:
            return found
    return None


def guard_of(dependant: Dependant) -> Guard | None:
    """The right a route (or one of its dependencies) declares: the :class:`Guard` among its
    dependencies, however deep (:func:`OnDossier` holds one)."""
    return dependency_of(dependant, Guard)


class DossierRouter(APIRouter):
    """A router whose every route declares its right (deny by default): a route without a
    :class:`Guard` in its signature is refused when it is registered, not when it is visited."""

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().add_api_route(path, endpoint, **kwargs)
        route = self.routes[-1]
        assert isinstance(route, APIRoute)
        if guard_of(route.dependant) is None:
            raise TypeError(
                f"{route.path} ({endpoint.__qualname__}) declares no right: add "
                "visit: Annotated[Visit, OnDossier(Right…)] or Needs(Right…) to its signature"
            )


def dossier_router() -> APIRouter:
    """The router of one area of the dossier pages: same prefix; each route's right is in its
    signature (:func:`OnDossier`, or :func:`clauses.web.access.Needs` for a route that has
    no dossier), which sends the anonymous to sign in and checks the CSRF token of every POST."""
    return DossierRouter(prefix="/dossiers", tags=["pages"], include_in_schema=False)


class GuardedRoute(Route):
    """A plain Starlette route (no FastAPI solving: the step save, the most frequent request)
    that declares its right as the routers' routes do: its :class:`Guard` runs before the
    endpoint, which receives the request's access with the request."""

    def __init__(
        self,
        path: str,
        endpoint: Callable[[Request, Access], Awaitable[Response]],
        right: Right,
        *,
        methods: list[str],
    ) -> None:
        self.guard = Guard(right)
        guard = self.guard

        async def guarded(request: Request) -> Response:
            return await endpoint(request, await guard(request))

        super().__init__(
            path, guarded, methods=methods, name=endpoint.__name__, include_in_schema=False
        )


@dataclass(frozen=True)
class Visit:
    """One request on one dossier, as a dossier route and the helpers it calls see it: the
    request, the application's context, the request's database session, its access (the
    route's right, from its :class:`Guard`) and the dossier, loaded with that right. The five
    travel together: a route receives them as one value (:func:`OnDossier`) and hands it on."""

    request: Request
    ctx: AppContext
    session: Session
    access: Access
    dossier: Dossier

    def page(
        self,
        template: str,
        title: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        """A page of the dossier: ``template`` titled « ``title`` — the dossier's title », with
        the dossier and ``context``."""
        dossier = self.dossier
        values = {"page_title": f"{title} — {dossier.title}", "dossier": dossier, **(context or {})}
        return render(self.request, template, values, status_code=status_code)


@functools.cache
def visit_for(right: Right) -> Callable[..., Visit]:
    """The dependency that makes a route's :class:`Visit`: its :class:`Guard` first (the right,
    declared once), then the dossier of the path, loaded if the request has that right on it
    (else 404 or 403, see :func:`clauses.web.access.authorise`). One function per right, so
    that FastAPI solves it once per request."""

    def visit(
        request: Request,
        access: Annotated[Access, Needs(right)],
        dossier_id: uuid.UUID,
        session: SessionDep,
        ctx: ContextDep,
    ) -> Visit:
        return Visit(request, ctx, session, access, load(session, dossier_id, access))

    visit.__qualname__ = f"visit_for({right.name})"
    return visit


def OnDossier(right: Right) -> Any:
    """``visit: Annotated[Visit, OnDossier(Right.edit)]``: a dossier route's right, in its
    signature, and what it works on (:class:`Visit`)."""
    return Depends(visit_for(right))


NOTICES = {
    "cree": "Dossier créé. Répondez aux questions dans l’ordre qui vous convient : chaque réponse est enregistrée.",
    "enregistre": "Réponses enregistrées.",
    "renomme": "Dossier renommé.",
    "duplique": "Copie créée : vous travaillez maintenant sur la copie.",
    "archive": "Dossier archivé.",
    "restaure": "Dossier restauré.",
    "supprime": "Dossier supprimé.",
    "lots-max": f"Un marché compte au plus {MAX_LOTS} lots : ce nombre est atteint, aucun lot "
    "n’est ajouté. Supprimez ou regroupez des lots pour en ajouter un autre.",
    "genere": "Document généré : il est enregistré avec le conseil, vos choix et la version de la bibliothèque utilisés.",
    "choix": "Choix enregistrés.",
    "modele": "Modèle Word enregistré : les prochains documents seront rédigés avec ses styles, sa mise en page, son en-tête et son pied de page.",
    "publie": "Consultation publiée : les réponses et les choix sont figés tels que publiés.",
    "depublie": "Dossier ramené au brouillon : ses réponses et ses choix se modifient de nouveau.",
    "attribue": "Attribution enregistrée : les données essentielles (DECP) du marché sont disponibles.",
    "attribution-corrigee": "Attribution corrigée : la correction figure à l’historique du dossier.",
    "execution": "Exécution commencée : le suivi des heures d’insertion est ouvert.",
    "clos": "Marché clos.",
    "rouvert": "Marché rouvert : il est de nouveau en exécution.",
    "modele-retire": "Modèle Word retiré : les prochains documents utiliseront le modèle de l’application.",
}
REVIEW = "synthese"


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Vary": "HX-Request"})


def with_query(url: str, anchor: str = "", **params: str) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{url}{'?' + query if query else ''}{'#' + anchor if anchor else ''}"


def dossier_url(dossier_id: uuid.UUID, *parts: str) -> str:
    return "/".join([f"/dossiers/{dossier_id}", *parts]).rstrip("/")


def load(session: Session, dossier_id: uuid.UUID, access: Access) -> Dossier:
    """The dossier, if the request may do what its route does on it (else 404 or 403)."""
    try:
        dossier = crud.get_dossier(session=session, dossier_id=dossier_id)
    except crud.DossierNotFound:
        raise HTTPException(status_code=404) from None
    authorise(session, dossier, access)
    return dossier


def read(ctx: AppContext, dossier_id: uuid.UUID, access: Access) -> Dossier:
    """:func:`load` in a session of its own (for the routes that are coroutines)."""
    with new_session(ctx.engine) as session:
        return load(session, dossier_id, access)


async def write_change(
    ctx: AppContext,
    dossier_id: uuid.UUID,
    form: Mapping[str, Any],
    change: Change,
    access: Access,
) -> Saved:
    """The change written by the process's writer, on the version the form was shown at, in the
    signed-in member's name; 404 if the dossier is gone or not theirs. On a dossier changed
    since, a form that sent its base (:mod:`clauses.store.merge`) is merged field by field
    when nobody's change is lost; otherwise the stale version is the caller's to show. The
    right (``access``, the route's) is checked on the row the writer reads: no query more."""

    def authorised(current: Dossier) -> dict[str, Any]:  # runs in the writer's thread
        authorise(None, current, access)
        changes = change(current)
        if FROZEN & set(changes) and current.stage != Stage.draft:
            raise DossierFrozen(current.id)
        return changes

    def merged(current: Dossier) -> dict[str, Any]:  # on a newer version, in the writer's thread
        result = merge(current, authorised(current), base or {})
        if result is None:
            raise crud.StaleVersion(current)
        return result

    principal = access.principal
    base = decode_base(form.get("base"))
    version = form_version(form)
    # A few rounds: each newer version met is merged again (autosaves may keep landing).
    for round_ in range(4):
        try:
            return await ctx.writer.update(
                dossier_id,
                version,
                authorised if round_ == 0 else merged,
                actor=(principal.user_id, principal.email),
            )
        except crud.DossierNotFound:
            raise HTTPException(status_code=404) from None
        except DossierFrozen:
            raise HTTPException(status_code=409) from None
        except crud.StaleVersion as stale:
            authorise(
                None, stale.current, access
            )  # the conflict page shows it: only to its members
            if base is None or round_ == 3 or stale.current.version == version:
                raise
            version = stale.current.version
    raise AssertionError("unreachable")


# What a published dossier keeps as it was published (:mod:`clauses.lifecycle`).
FROZEN = frozenset({"answers", "strategy"})


class DossierFrozen(Exception):
    """A change of the answers or the strategy of a dossier that is no longer a draft."""


def step_or_404(library: Library, step_id: str) -> Step:
    step = library.questionnaire.step(step_id)
    if step is None:
        raise HTTPException(status_code=404)
    return step


def form_version(form: Mapping[str, Any]) -> int:
    return inputs.integer(form.get("version")) or 0


def notice_of(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("notice", ""))


def raw_answer(answers: Mapping[str, Any], error_id: str) -> str:
    if error_id.startswith(f"{wizard.LOTS}-"):
        _, index, name = error_id.split("-", 2)
        lots = wizard.lots_of(dict(answers))
        return str(lots[int(index)].get(name, "")) if int(index) < len(lots) else ""
    return str(answers.get(error_id.replace("__", "."), "") or "")


@dataclass
class ErrorItem:
    id: str
    label: str
    message: str
    step: Step | None = None


def error_items(
    questions: list[Question], answers: Mapping[str, Any], errors: Mapping[str, str]
) -> list[ErrorItem]:
    """Errors in the order of the questions, each with the label of its field."""
    items = []
    for question in questions:
        if question.kind is QuestionKind.lots:
            for i in range(len(wizard.lots_of(dict(answers)))):
                for item in question.items:
                    key = wizard.lot_input(i, item)
                    if key in errors:
                        items.append(ErrorItem(key, f"Lot {i + 1} : {item.label}", errors[key]))
            if wizard.LOTS in errors:
                items.append(ErrorItem(question.id, question.label, errors[wizard.LOTS]))
        elif question.id in errors:
            items.append(ErrorItem(question.id, question.label, errors[question.id]))
    return items


@dataclass
class Assessment:
    """The dossier read once per request: its answers as a profile, the advice, and the
    buyer's strategy resolved against it, or what is missing or wrong in each."""

    profile: TenderProfile | None
    advice: Advice | None
    errors: dict[str, str]  # the answers': form id → message
    items: list[ErrorItem]
    strategy: ResolvedStrategy | None = None
    strategy_errors: list[StrategyError] | None = None  # None: not resolved (no advice)

    @property
    def ready(self) -> bool:
        """A document can be drafted: the profile reads, the strategy is consistent."""
        return self.strategy is not None


def assess(
    ctx: AppContext,
    answers: dict[str, Any],
    strategy: dict[str, Any] | None = None,
    on: dt.date | None = None,
) -> Assessment:
    """The profile, the advice as of ``on`` (by default today: the launch date a profile
    leaves blank, the thresholds in force) and (when there is advice) the strategy as stored
    with the dossier (None: pre-filled from the advice)."""
    library = ctx.library
    outcome = wizard.build_profile(answers, library)
    profile = outcome.profile
    advice = advise(profile, library, on or ctx.today()) if profile else None
    items = []
    for step in library.questionnaire.steps:
        for item in error_items(wizard.visible(step, answers, library), answers, outcome.errors):
            item.step = step
            items.append(item)
    assessment = Assessment(profile, advice, outcome.errors, items)
    if profile is not None and advice is not None:
        resolved = resolve(profile, advice, strategy, library)
        if isinstance(resolved, list):
            assessment.strategy_errors = resolved
        else:
            assessment.strategy, assessment.strategy_errors = resolved, []
    return assessment


def assess_dossier(ctx: AppContext, dossier: Dossier) -> Assessment:
    """A published dossier is read as of its publication (issue 23: « Lancement le 4 décembre »
    on a consultation published on 1 September): its launch and its thresholds stay those of
    the consultation, whatever day it is read."""
    published = dossier.published_on if dossier.stage != Stage.draft else None
    return assess(ctx, dossier.answers, dossier.strategy, published)


def step_url(dossier_id: uuid.UUID, step: Step) -> str:
    return dossier_url(dossier_id, "etapes", step.id)


def stale_page(request: Request, current: Dossier, what: str) -> HTMLResponse:
    return render(
        request,
        "dossiers/conflict.html",
        {
            "page_title": f"Modification concurrente — {current.title}",
            "dossier": current,
            "what": what,
            "rows": [],
        },
        status_code=409,
    )
