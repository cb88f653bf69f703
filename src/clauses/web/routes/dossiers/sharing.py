"""Working together on a dossier: its history (the audit trail, to its organisation), the
comments on its steps (members and invited facilitators) and the facilitators' invitations
(made by a referent)."""

from typing import Annotated

from fastapi.responses import HTMLResponse, Response

from clauses.store import accounts
from clauses.store.models import AuditEvent
from clauses.web.access import Right
from clauses.web.deps import FormDep
from clauses.web.routes.dossiers.common import (
    OnDossier,
    Visit,
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
def history(visit: Annotated[Visit, OnDossier(Right.history)]) -> HTMLResponse:
    labels = FIELD_LABELS | MOVE_FIELD_LABELS
    for step in visit.ctx.library.questionnaire.steps:
        for question in step.questions:
            labels[f"answers.{question.field}"] = question.label
    return visit.page(
        "dossiers/history.html",
        "Historique",
        {
            "events": accounts.history(visit.session, visit.dossier.id),
            "labels": labels,
            "actions": ACTION_LABELS,
        },
    )


def comments_page(
    visit: Visit, *, error: str = "", text: str = "", step_id: str = "", status_code: int = 200
) -> HTMLResponse:
    query = visit.request.query_params
    steps = visit.ctx.library.questionnaire.steps
    return visit.page(
        "dossiers/comments.html",
        "Commentaires",
        {
            "steps": steps,
            "step_titles": {s.id: s.title for s in steps},
            "comments": accounts.comments(visit.session, visit.dossier.id),
            "error": error,
            "text": text,
            "step_id": step_id or query.get("etape", ""),
            "notice": "Commentaire ajouté." if query.get("notice") else None,
        },
        status_code=status_code,
    )


@router.get("/{dossier_id}/commentaires", response_class=HTMLResponse)
def comments(visit: Annotated[Visit, OnDossier(Right.read)]) -> HTMLResponse:
    return comments_page(visit)


@router.post("/{dossier_id}/commentaires", response_class=HTMLResponse)
def comment(visit: Annotated[Visit, OnDossier(Right.comment)], form: FormDep) -> Response:
    session, dossier = visit.session, visit.dossier
    step_id = str(form.get("step") or "")
    text = str(form.get("text") or "")
    user = accounts.get_user(session, visit.access.principal.user_id)
    try:
        if visit.ctx.library.questionnaire.step(step_id) is None:
            raise accounts.AccountError("Étape : choisissez l’étape commentée.")
        if user is None:
            raise accounts.AccountError("Compte introuvable.")
        accounts.add_comment(
            session, dossier_id=dossier.id, step_id=step_id, author=user, text=text
        )
    except accounts.AccountError as error:
        return comments_page(visit, error=str(error), text=text, step_id=step_id, status_code=422)
    return see_other(with_query(dossier_url(dossier.id, "commentaires"), notice="1"))


def invitations_page(
    visit: Visit, *, link: str = "", email: str = "", error: str = "", status_code: int = 200
) -> HTMLResponse:
    return visit.page(
        "dossiers/invitations.html",
        "Inviter un facilitateur",
        {
            "facilitators": accounts.facilitators(visit.session, visit.dossier.id),
            "link": link,
            "email": email,
            "error": error,
            "days": visit.ctx.settings.invitation_days,
        },
        status_code=status_code,
    )


@router.get("/{dossier_id}/invitations", response_class=HTMLResponse)
def invitations(visit: Annotated[Visit, OnDossier(Right.invite)]) -> HTMLResponse:
    return invitations_page(visit)


@router.post("/{dossier_id}/invitations", response_class=HTMLResponse)
def invite(visit: Annotated[Visit, OnDossier(Right.invite)], form: FormDep) -> HTMLResponse:
    session, access, dossier = visit.session, visit.access, visit.dossier
    email = str(form.get("email") or "").strip()
    try:
        token = accounts.invite(
            session,
            dossier_id=dossier.id,
            email=email,
            invited_by=access.principal.user_id,
            days=visit.ctx.settings.invitation_days,
        )
    except accounts.AccountError as error:
        return invitations_page(visit, email=email, error=str(error), status_code=422)
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
    link = f"{visit.request.base_url}invitations/{token}"
    return invitations_page(visit, link=link)
