"""« Mon compte »: the account page, its password change and its deletion; the privacy page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from clauses.store import accounts
from clauses.store.models import (
    ALL_SESSIONS,
    ROLE_LABELS,
    AuditEvent,
    Organisation,
    Role,
    User,
)
from clauses.web import sessions
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.rendering import render
from clauses.web.routes.accounts import (
    PASSWORD_TURN,
    WRONG_PASSWORD,
    OwnAccountDep,
    confirmed_password,
    new_password_page,
    page_router,
    see_other,
    text,
)
from clauses.web.routes.team import audit

router = page_router()


@router.get("/compte", response_class=HTMLResponse)
def account(request: Request, session: SessionDep, own: OwnAccountDep) -> Response:
    return account_page(request, session, own.user)


ACCOUNT_NOTICES = {
    "mot-de-passe-change": "Mot de passe changé. Vos autres sessions sont terminées."
}


def account_page(
    request: Request, session: Session, user: User, error: str = "", password_error: str = ""
) -> HTMLResponse:
    membership = accounts.membership_of(session, user.id)
    organisation = session.get(Organisation, membership.organisation_id) if membership else None
    return new_password_page(
        request,
        "accounts/account.html",
        {
            "page_title": "Mon compte",
            "user": user,
            "organisation": organisation,
            "role": ROLE_LABELS[Role(membership.role)] if membership else "facilitateur",
            "granted": accounts.granted_dossiers(session, user.id),
            "password_error": password_error,
            "notice": ACCOUNT_NOTICES.get(request.query_params.get("notice", "")),
        },
        error,
        422 if error or password_error else 200,
    )


@router.post("/compte/supprimer", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def delete_account(
    request: Request, session: SessionDep, ctx: ContextDep, form: FormDep, own: OwnAccountDep
) -> Response:
    principal, user = own.principal, own.user
    if user.password_hash is not None and not accounts.verify_password(
        user.password_hash, text(form, "password")
    ):
        return account_page(request, session, user, WRONG_PASSWORD)
    accounts.delete_account(session, user)
    ctx.revocations.note(user.id, ALL_SESSIONS)
    accounts.record(
        session,
        AuditEvent(action="compte_supprime", organisation_id=principal.organisation_id),
    )
    sessions.sign_out(request)
    return see_other("/connexion?notice=compte-supprime")


@router.get("/confidentialite", response_class=HTMLResponse)
async def privacy(request: Request, ctx: ContextDep) -> HTMLResponse:
    settings = ctx.settings
    return render(
        request,
        "accounts/privacy.html",
        {
            "page_title": "Données personnelles",
            "session_hours": settings.session_hours,
            "idle_minutes": settings.session_idle_minutes,
            "invitation_days": settings.invitation_days,
            "member_invitation_days": settings.member_invitation_days,
            "password_link_hours": settings.password_link_hours,
        },
    )


@router.post("/compte/mot-de-passe", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def change_password(
    request: Request, session: SessionDep, ctx: ContextDep, form: FormDep, own: OwnAccountDep
) -> Response:
    principal, user = own.principal, own.user
    try:
        password = confirmed_password(form)
        epoch = accounts.change_password(session, user, text(form, "current_password"), password)
    except accounts.AccountError as error:
        session.rollback()
        return account_page(request, session, user, password_error=str(error))
    # Every other session of the account ends; this browser gets a new one.
    ctx.revocations.note(user.id, epoch)
    fresh = accounts.get_user(session, user.id)
    assert fresh is not None
    audit(session, "mot_de_passe_change", principal)
    sessions.sign_in(request, sessions.principal_for(session, fresh))
    return see_other("/compte?notice=mot-de-passe-change")
