"""The dossier's life: list, create, rename, duplicate, archive, delete."""

import uuid
from typing import Annotated, Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from clauses import french
from clauses.questionnaire import wizard
from clauses.store import crud
from clauses.store.models import (
    TITLE_MAX,
    Dossier,
    DossierCreate,
    DossierStatus,
    Stage,
)
from clauses.web import limits
from clauses.web.access import Access, Needs, Right
from clauses.web.context import AppContext
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.rendering import render
from clauses.web.routes.dossiers.common import (
    OnDossier,
    Visit,
    dossier_router,
    dossier_url,
    form_version,
    notice_of,
    read,
    see_other,
    stale_page,
    step_url,
    with_query,
    write_change,
)

router = dossier_router()


LIST_LIMIT = 200  # dossiers a page lists; the next ones are on the next pages
# The list's tabs: every dossier in progress, each stage of its life, the archived ones.
STAGE_TABS = {
    "": "Tous",
    Stage.draft.value: "Brouillons",
    Stage.published.value: "Publiés",
    Stage.awarded.value: "Attribués",
    Stage.in_execution.value: "En exécution",
    Stage.closed.value: "Clos",
}


@router.get("", response_class=HTMLResponse)
def dossier_list(
    request: Request,
    access: Annotated[Access, Needs(Right.read)],
    session: SessionDep,
    statut: str = "draft",
    etat: str = "",
    apres: str = "",
    avant: str = "",
    fin: str = "",
) -> HTMLResponse:
    """The organisation's dossiers (an invited facilitator's: those it was invited to), most
    recently changed first, by stage (``etat``) or archived (``statut=archived``),
    :data:`LIST_LIMIT` a page: the first one, the one after the dossier ``apres``, the one
    before the dossier ``avant``, or the last one (``fin``), each read by index whatever its
    place (:class:`clauses.store.crud.Cursor`); counted only when they do not fit in one page."""
    status = DossierStatus.archived if statut == "archived" else DossierStatus.draft
    stage = Stage(etat) if etat in {s.value for s in Stage} else None
    stages = [stage] if stage is not None and status is DossierStatus.draft else []
    principal = access.principal
    page = crud.list_page(
        session=session,
        organisation_id=principal.organisation_id,
        granted_to=principal.user_id if principal.role is None else None,
        status=status,
        stages=stages,
        limit=LIST_LIMIT,
        after=crud.Cursor.read(apres),
        before=crud.Cursor.read(avant),
        last=fin == "1",
    )
    archived = status is DossierStatus.archived
    title = "Dossiers archivés" if archived else "Dossiers en cours"
    if stages:
        title = f"Dossiers {STAGE_PLURALS[stages[0]]}"

    def page_url(**where: str) -> str:
        return with_query(
            "/dossiers",
            statut="archived" if archived else "",
            etat=stages[0].value if stages else "",
            **where,
        )

    dossiers = page.dossiers
    return render(
        request,
        "dossiers/list.html",
        {
            "page_title": title,
            "dossiers": dossiers,
            "status": status,
            "stage": stages[0].value if stages else "",
            "tabs": STAGE_TABS,
            "total": page.total,
            "first": page.position + 1,
            "start_url": page_url() if page.has_previous else None,
            "previous_url": page_url(avant=crud.Cursor.of(dossiers[0]).token())
            if page.has_previous and dossiers
            else None,
            "next_url": page_url(apres=crud.Cursor.of(dossiers[-1]).token())
            if page.has_next and dossiers
            else None,
            "end_url": page_url(fin="1") if page.has_next else None,
            "notice": notice_of(request),
        },
    )


STAGE_PLURALS = {
    Stage.draft: "en brouillon",
    Stage.published: "publiés",
    Stage.awarded: "attribués",
    Stage.in_execution: "en exécution",
    Stage.closed: "clos",
}


def default_title(ctx: AppContext) -> str:
    return f"{wizard.UNNAMED}{french.date(ctx.today())}"


@router.post("")
def create(
    request: Request,
    access: Annotated[Access, Needs(Right.edit)],
    session: SessionDep,
    ctx: ContextDep,
    form: FormDep,
) -> Response:
    principal = access.principal  # a member: an invited facilitator may not create (edit)
    title = wizard.form_text(form.get("title"))[:TITLE_MAX] or default_title(ctx)
    answers: dict[str, Any] = {}
    if ctx.settings.region_code:
        answers = {"buyer_kind": "region", "region_code": ctx.settings.region_code}
    refused = limits.over_quota(request, session, principal.organisation_id)
    if refused is not None:
        return refused
    dossier = crud.create_dossier(
        session=session,
        dossier_in=DossierCreate(title=title, answers=answers),
        organisation_id=principal.organisation_id,
        author_id=principal.user_id,
    )
    first = ctx.library.questionnaire.steps[0]
    return see_other(with_query(step_url(dossier.id, first), notice="cree"))


@router.get("/{dossier_id}/renommer", response_class=HTMLResponse)
def rename_form(visit: Annotated[Visit, OnDossier(Right.edit)]) -> HTMLResponse:
    return rename_page(visit.request, visit.dossier, visit.dossier.title)


def rename_page(request: Request, dossier: Dossier, value: str, error: str = "") -> HTMLResponse:
    """The rename form: the title typed (``value``) and why it is refused (422), if it is."""
    return render(
        request,
        "dossiers/rename.html",
        {
            "page_title": f"Renommer — {dossier.title}",
            "dossier": dossier,
            "value": value,
            "error": error,
        },
        status_code=422 if error else 200,
    )


@router.post("/{dossier_id}/renommer", response_class=HTMLResponse)
async def rename(
    request: Request,
    access: Annotated[Access, Needs(Right.edit)],
    dossier_id: uuid.UUID,
    ctx: ContextDep,
    form: FormDep,
) -> Response:
    title = wizard.form_text(form.get("title"))
    if not title or len(title) > TITLE_MAX:
        message = (
            "Indiquez un intitulé."
            if not title
            else f"Intitulé trop long ({len(title)} caractères, {TITLE_MAX} au plus)."
        )
        dossier = await run_in_threadpool(lambda: read(ctx, dossier_id, access))
        return rename_page(request, dossier, title, message)
    try:
        await write_change(ctx, dossier_id, form, lambda _: {"title": title}, access)
    except crud.StaleVersion as stale:
        return stale_page(request, stale.current, f"le nouvel intitulé « {title} »")
    return see_other(with_query(dossier_url(dossier_id), notice="renomme"))


@router.post("/{dossier_id}/dupliquer")
def duplicate(visit: Annotated[Visit, OnDossier(Right.edit)]) -> Response:
    request, session, original = visit.request, visit.session, visit.dossier
    principal = visit.access.principal
    refused = limits.heavy(request, principal) or limits.over_quota(
        request, session, original.organisation_id
    )
    if refused is not None:
        return refused
    copy = crud.duplicate_dossier(
        session=session,
        dossier_id=original.id,
        title=f"Copie de {original.title}"[:TITLE_MAX],
        author_id=principal.user_id,
    )
    return see_other(with_query(dossier_url(copy.id), notice="duplique"))


@router.post("/{dossier_id}/archiver", response_class=HTMLResponse)
async def archive(
    request: Request,
    access: Annotated[Access, Needs(Right.edit)],
    dossier_id: uuid.UUID,
    ctx: ContextDep,
    form: FormDep,
) -> Response:
    """Archive a dossier in progress, or restore an archived one (whichever it is when saved)."""

    def toggled(current: Dossier) -> dict[str, Any]:
        archived = current.status == DossierStatus.archived
        return {"status": (DossierStatus.draft if archived else DossierStatus.archived).value}

    try:
        saved = await write_change(ctx, dossier_id, form, toggled, access)
    except crud.StaleVersion as stale:
        return stale_page(request, stale.current, "l’archivage")
    restored = saved.dossier.status == DossierStatus.draft
    return see_other(
        with_query(dossier_url(dossier_id), notice="restaure" if restored else "archive")
    )


@router.get("/{dossier_id}/supprimer", response_class=HTMLResponse)
def delete_confirm(visit: Annotated[Visit, OnDossier(Right.delete)]) -> HTMLResponse:
    documents = crud.list_documents(session=visit.session, dossier_id=visit.dossier.id)
    return visit.page("dossiers/delete.html", "Supprimer", {"documents": documents})


@router.post("/{dossier_id}/supprimer", response_class=HTMLResponse)
def delete(visit: Annotated[Visit, OnDossier(Right.delete)], form: FormDep) -> Response:
    try:
        crud.delete_dossier(
            session=visit.session, dossier_id=visit.dossier.id, expected_version=form_version(form)
        )
    except crud.StaleVersion as stale:
        return stale_page(visit.request, stale.current, "la suppression")
    return see_other(with_query("/dossiers", notice="supprime"))
