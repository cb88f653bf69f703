"""The links that set a password (DESIGN §3.5): « Mot de passe oublié », which answers the same
whatever the address (it never tells which have an account) and sends the link after the
answer, and the page of a link, an invited member's first password or a forgotten one's new."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import BackgroundTasks, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine

from clauses.store import accounts
from clauses.store.db import new_session
from clauses.store.models import AuditEvent, PasswordLink, User
from clauses.web import mail
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.limits import too_many
from clauses.web.rendering import render
from clauses.web.routes.accounts import (
    PASSWORD_TURN,
    confirmed_password,
    new_password_page,
    page_router,
    signed_in_to,
    text,
)
from clauses.web.routes.team import audit, reset_message, site_url
from clauses.web.settings import Settings

router = page_router()


# « Mot de passe oublié »


def forgotten_page(
    request: Request, *, sent_to: str = "", email: str = "", status_code: int = 200
) -> HTMLResponse:
    settings = request.app.state.ctx.settings
    return render(
        request,
        "accounts/forgotten.html",
        {
            "page_title": "Mot de passe oublié",
            "sent_to": sent_to,
            "email": email,
            "mail_configured": mail.configured(settings),
            "link_hours": settings.password_link_hours,
        },
        status_code=status_code,
    )


@router.get("/mot-de-passe-oublie", response_class=HTMLResponse)
def forgotten_form(request: Request) -> HTMLResponse:
    return forgotten_page(request)


@router.post("/mot-de-passe-oublie", response_class=HTMLResponse)
def forgotten(
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    form: FormDep,
    background: BackgroundTasks,
) -> Response:
    """The same answer whatever the address; the link goes, after the answer (its delay does
    not tell either), to an active account of that address only."""
    raw = text(form, "email").strip()
    try:
        email = accounts.normalise_email(raw)
    except accounts.AccountError:
        return forgotten_page(request, email=raw, status_code=422)
    # Without a mail server nothing is sent: nothing to limit.
    if mail.configured(ctx.settings) and not ctx.limits.reset_by_email.hit(email):
        accounts.record(session, AuditEvent(action="oubli_bloque", actor=email))
        return too_many(
            request,
            "Plusieurs liens ont déjà été demandés pour cette adresse. Patientez "
            f"{ctx.settings.sign_in_window_minutes:g} minutes, puis consultez vos courriels.",
        )
    accounts.record(session, AuditEvent(action="oubli_demande", actor=email))
    if mail.configured(ctx.settings):
        background.add_task(
            send_reset, ctx.engine, ctx.settings, email, site_url(request, ctx.settings)
        )
    return forgotten_page(request, sent_to=email)


def send_reset(engine: Engine, settings: Settings, email: str, site: str) -> None:
    """The link to an active account of that address, if there is one (after the answer)."""
    with new_session(engine) as session:
        user = accounts.user_by_email(session, email)
        if user is None or user.deactivated_at is not None:
            return
        valid = dt.timedelta(hours=settings.password_link_hours)
        token = accounts.new_password_link(
            session, user, purpose=accounts.RESET_PURPOSE, valid=valid
        )
        subject, body = reset_message(f"{site}/mot-de-passe/{token}", valid)
        mail.send(settings, user.email, subject, body)


# The link that sets a password


def link_page(
    request: Request,
    token: str,
    user: User,
    purpose: str,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    invitation = purpose == accounts.INVITATION_PURPOSE
    return new_password_page(
        request,
        "accounts/password_link.html",
        {
            "page_title": "Choisir votre mot de passe" if invitation else "Nouveau mot de passe",
            "invitation": invitation,
            "token": token,
            "email": user.email,
        },
        error,
        status_code,
    )


def open_link(token: str, session: SessionDep) -> tuple[PasswordLink, User]:
    """The dependency of a link's pages: the link and its account, while the link is unused and
    unexpired and the account active (else 404)."""
    found = accounts.open_password_link(session, token)
    if found is None:
        raise HTTPException(status_code=404)
    return found


OpenLink = Annotated[tuple[PasswordLink, User], Depends(open_link)]


@router.get("/mot-de-passe/{token}", response_class=HTMLResponse)
def password_link(request: Request, token: str, found: OpenLink) -> HTMLResponse:
    link, user = found
    return link_page(request, token, user, link.purpose)


@router.post("/mot-de-passe/{token}", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def set_password(
    request: Request,
    token: str,
    session: SessionDep,
    ctx: ContextDep,
    form: FormDep,
    found: OpenLink,
) -> Response:
    link, user = found
    purpose = link.purpose
    try:
        password = confirmed_password(form)
        epoch = accounts.use_password_link(session, link, user, password)
    except accounts.AccountError as error:
        session.rollback()
        return link_page(request, token, user, purpose, str(error), 422)
    except accounts.InvitationClosed:
        raise HTTPException(status_code=404) from None
    ctx.revocations.note(user.id, epoch)
    fresh = accounts.get_user(session, user.id)
    assert fresh is not None
    invitation = purpose == accounts.INVITATION_PURPOSE
    audit(
        session, "invitation_membre_acceptee" if invitation else "mot_de_passe_reinitialise", fresh
    )
    return signed_in_to(request, session, fresh, "/")
