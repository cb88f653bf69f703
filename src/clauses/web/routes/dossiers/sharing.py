"""Working together on a dossier: its history (the audit trail, to its organisation), the
comments on its steps (members and invited facilitators) and the facilitators' invitations
(made by a referent)."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from clauses.store import accounts
from clauses.store.models import AuditEvent, Dossier
from clauses.web.access import Access, Needs, Right
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.rendering import render
from clauses.web.routes.dossiers.common import (
    dossier_for,
    dossier_router,
    dossier_url,
    see_other,
    with_query,
)
from clauses.web.routes.dossiers.moves import MOVE_FIELD_LABELS

router = dossier_router()
FIELD_LABELS = {"title": "Intitulé", "status": "Statut"}
ACTION_LABELS = {"modification": "Modification", "invitation": "Invitation envoyée"}


@router.get("/{dossier_id}/historique", response_class=HTMLResponse)
def history(
    request: Request,
    dossier: Annotated[Dossier, Depends(dossier_for(Right.history))],
    session: SessionDep,
    ctx: ContextDep,
) -> HTMLResponse:
    labels = FIELD_LABELS | MOVE_FIELD_LABELS
    for step in ctx.library.questionnaire.steps:
        for question in step.questions:
            labels[f"answers.{question.field}"] = question.label
    return render(
        request,
        "dossiers/history.html",
        {
            "page_title": f"Historique — {dossier.title}",
            "dossier": dossier,
            "events": accounts.history(session, dossier.id),
            "labels": labels,
            "actions": ACTION_LABELS,
        },
    )


def comments_page(
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    dossier: Dossier,
    *,
    error: str = "",
    text: str = "",
    step_id: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    steps = ctx.library.questionnaire.steps
    return render(
        request,
        "dossiers/comments.html",
        {
            "page_title": f"Commentaires — {dossier.title}",
            "dossier": dossier,
            "steps": steps,
            "step_titles": {s.id: s.title for s in steps},
            "comments": accounts.comments(session, dossier.id),
            "error": error,
            "text": text,
            "step_id": step_id or request.query_params.get("etape", ""),
            "notice": "Commentaire ajouté." if request.query_params.get("notice") else None,
        },
        status_code=status_code,
    )


@router.get("/{dossier_id}/commentaires", response_class=HTMLResponse)
def comments(
    request: Request,
    dossier: Annotated[Dossier, Depends(dossier_for(Right.read))],
    session: SessionDep,
    ctx: ContextDep,
) -> HTMLResponse:
    return comments_page(request, session, ctx, dossier)


@router.post("/{dossier_id}/commentaires", response_class=HTMLResponse)
def comment(
    request: Request,
    dossier: Annotated[Dossier, Depends(dossier_for(Right.comment))],
    access: Annotated[Access, Needs(Right.comment)],
    session: SessionDep,
    ctx: ContextDep,
    form: FormDep,
) -> Response:
    step_id = str(form.get("step") or "")
    text = str(form.get("text") or "")
    user = accounts.get_user(session, access.principal.user_id)
    try:
        if ctx.library.questionnaire.step(step_id) is None:
            raise accounts.AccountError("Étape : choisissez l’étape commentée.")
        if user is None:
            raise accounts.AccountError("Compte introuvable.")
        accounts.add_comment(
            session, dossier_id=dossier.id, step_id=step_id, author=user, text=text
        )
    except accounts.AccountError as error:
        return comments_page(
            request,
            session,
            ctx,
            dossier,
            error=str(error),
            text=text,
            step_id=step_id,
            status_code=422,
        )
    return see_other(with_query(dossier_url(dossier.id, "commentaires"), notice="1"))


def invitations_page(
    request: Request,
    session: SessionDep,
    dossier: Dossier,
    *,
    link: str = "",
    email: str = "",
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "dossiers/invitations.html",
        {
            "page_title": f"Inviter un facilitateur — {dossier.title}",
            "dossier": dossier,
            "facilitators": accounts.facilitators(session, dossier.id),
            "link": link,
            "email": email,
            "error": error,
            "days": request.app.state.ctx.settings.invitation_days,
        },
        status_code=status_code,
    )


@router.get("/{dossier_id}/invitations", response_class=HTMLResponse)
def invitations(
    request: Request,
    dossier: Annotated[Dossier, Depends(dossier_for(Right.invite))],
    session: SessionDep,
) -> HTMLResponse:
    return invitations_page(request, session, dossier)


@router.post("/{dossier_id}/invitations", response_class=HTMLResponse)
def invite(
    request: Request,
    dossier: Annotated[Dossier, Depends(dossier_for(Right.invite))],
    access: Annotated[Access, Needs(Right.invite)],
    session: SessionDep,
    ctx: ContextDep,
    form: FormDep,
) -> HTMLResponse:
    email = str(form.get("email") or "").strip()
    try:
        token = accounts.invite(
            session,
            dossier_id=dossier.id,
            email=email,
            invited_by=access.principal.user_id,
            days=ctx.settings.invitation_days,
        )
    except accounts.AccountError as error:
        return invitations_page(
            request, session, dossier, email=email, error=str(error), status_code=422
        )
    accounts.record(
        session,
        AuditEvent(
            action="invitation",
            organisation_id=dossier.organisation_id,
            dossier_id=dossier.id,
            user_id=access.principal.user_id,
            actor=access.principal.email,
            new=accounts.normalise_email(email),
        ),
    )
    link = f"{request.base_url}invitations/{token}"
    return invitations_page(request, session, dossier, link=link)
