"""The team, managed by its admins from the web (issue 23, point 1): the organisation's page
(invite a member by e-mail with a role, change roles, deactivate and reactivate), the links
that set a password (an invited member's first, a forgotten one's new) and the password change
of « Mon compte ».

A link is sent by e-mail through the SMTP server of the settings (:mod:`clauses.web.mail`);
without one, or when it fails, the admin is shown the link to pass on. « Mot de passe oublié »
answers the same whatever the address (it never tells which have an account)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine
from sqlmodel import Session

from clauses import french
from clauses.store import accounts
from clauses.store.db import new_session
from clauses.store.models import ROLE_LABELS, AuditEvent, Membership, Organisation, Role, User
from clauses.web import mail, sessions
from clauses.web.access import Access, Needs, Right
from clauses.web.deps import ContextDep, FormDep, SessionDep, csrf_protected
from clauses.web.limits import too_many
from clauses.web.passwords import password_turn
from clauses.web.rendering import render
from clauses.web.routes.accounts import (
    account_page,
    confirmed_password,
    see_other,
    signed_in_to,
    text,
)
from clauses.web.sessions import current
from clauses.web.settings import Settings

# The organisation's page: its admins. Each route's right is in its signature: the anonymous are
# sent to sign in; an invited facilitator, who is no member, does not find the page (404) and
# may change nothing (403); a member of a lesser role is told who can (403).
router = APIRouter(tags=["pages"], include_in_schema=False)
AdminReads = Annotated[Access, Needs(Right.read, Role.admin)]
AdminEdits = Annotated[Access, Needs(Right.edit, Role.admin)]
# The password's pages: anyone (the link is the proof), or the account signed in.
public = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(csrf_protected)])
PASSWORD_TURN = Depends(password_turn)
NOTICES = {
    "invitation-envoyee": "Invitation envoyée par courriel.",
    "lien-envoye": "Lien de mot de passe envoyé par courriel.",
    "role-change": "Rôle modifié. Le membre se reconnecte pour l’exercer.",
    "desactive": "Compte désactivé : ses sessions sont terminées, il ne peut plus se connecter.",
    "reactive": "Compte réactivé : le membre peut de nouveau se connecter.",
}
ROLES = [(role.value, ROLE_LABELS[role]) for role in Role]


def site_url(request: Request, settings: Settings) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")


def link_url(request: Request, settings: Settings, token: str) -> str:
    return f"{site_url(request, settings)}/mot-de-passe/{token}"


def audit(
    session: Session,
    action: str,
    actor: sessions.Principal | User,
    *,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
) -> None:
    """The action in the audit log: who (``actor``), on whom (``field``, an e-mail), the role
    before and after."""
    if isinstance(actor, User):
        user_id, email = actor.id, actor.email
        membership = accounts.membership_of(session, actor.id)
        organisation_id = membership.organisation_id if membership else None
    else:
        user_id, email, organisation_id = actor.user_id, actor.email, actor.organisation_id
    accounts.record(
        session,
        AuditEvent(
            action=action,
            user_id=user_id,
            actor=email,
            organisation_id=organisation_id,
            field=field,
            old=old,
            new=new,
        ),
    )


# The organisation's page


def organisation_page(
    request: Request,
    session: Session,
    *,
    error: str = "",
    values: dict[str, str] | None = None,
    passed_on: tuple[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    principal = sessions.signed_in(request)
    assert principal.organisation_id is not None
    organisation = session.get(Organisation, principal.organisation_id)
    members = accounts.members(session, principal.organisation_id)
    ctx = request.app.state.ctx
    return render(
        request,
        "accounts/organisation.html",
        {
            "page_title": "Organisation et membres",
            "organisation": organisation,
            "members": members,
            "pending": accounts.pending_invitees(session, [user.id for user, _ in members]),
            "principal": principal,
            "roles": ROLES,
            "role_labels": {role.value: label for role, label in ROLE_LABELS.items()},
            "error": error,
            "values": values or {"email": "", "role": Role.acheteur.value},
            "passed_on": passed_on,
            "mail_configured": mail.configured(ctx.settings),
            "invitation_days": ctx.settings.member_invitation_days,
            "notice": NOTICES.get(request.query_params.get("notice", "")),
        },
        status_code=status_code,
    )


@router.get("/organisation", response_class=HTMLResponse)
def organisation(request: Request, _: AdminReads, session: SessionDep) -> HTMLResponse:
    return organisation_page(request, session)


def role_of(form: object) -> Role:
    raw = text(form, "role")
    try:
        return Role(raw)
    except ValueError:
        raise accounts.AccountError(
            "Rôle : choisissez acheteur, référent ou administrateur."
        ) from None


def send_link(
    request: Request,
    session: Session,
    user: User,
    *,
    purpose: str,
    notice: str,
) -> Response:
    """Make the member's link and send it; the page that shows it to the admin when no e-mail
    could be sent."""
    ctx = request.app.state.ctx
    settings: Settings = ctx.settings
    invitation = purpose == accounts.INVITATION_PURPOSE
    valid = (
        dt.timedelta(days=settings.member_invitation_days)
        if invitation
        else dt.timedelta(hours=settings.password_link_hours)
    )
    token = accounts.new_password_link(session, user, purpose=purpose, valid=valid)
    url = link_url(request, settings, token)
    principal = sessions.signed_in(request)
    organisation = session.get(Organisation, principal.organisation_id)
    name = organisation.name if organisation else "votre organisation"
    if invitation:
        subject, body = invitation_message(principal.name, name, url, valid)
    else:
        subject, body = reset_message(url, valid)
    if mail.send(settings, user.email, subject, body):
        return see_other(f"/organisation?notice={notice}")
    what = "l’invitation" if invitation else "le lien de mot de passe"
    why = "" if not mail.configured(settings) else " L’envoi du courriel a échoué."
    return organisation_page(
        request,
        session,
        passed_on=(user.email, url),
        error="" if not why else f"{why.strip()} Transmettez vous-même {what}.",
    )


def invitation_message(
    inviter: str, organisation: str, url: str, valid: dt.timedelta
) -> tuple[str, str]:
    """The subject and text of an invitation (French spacing; the link on a line of its own)."""
    return (
        french.typography(f"Invitation à rejoindre {organisation} sur Clauses"),
        french.typography(
            f"Bonjour,\n\n{inviter} vous invite à rejoindre « {organisation} » sur Clauses, "
            "l’assistant des clauses sociales des marchés publics.\n\n"
            "Pour choisir votre mot de passe et vous connecter, ouvrez ce lien "
            f"(valable {valid.days} jours, une seule fois) :"
        )
        + f"\n\n{url}\n\n"
        + "Si vous n’attendiez pas cette invitation, ignorez ce message.\n",
    )


def reset_message(url: str, valid: dt.timedelta) -> tuple[str, str]:
    hours = valid.total_seconds() / 3600
    return (
        "Votre mot de passe Clauses",
        french.typography(
            "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien "
            f"(valable {hours:g} heures, une seule fois) :"
        )
        + f"\n\n{url}\n\n"
        + french.typography(
            "Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n"
        ),
    )


@router.post("/organisation/invitations", response_class=HTMLResponse)
def invite_member(
    request: Request, access: AdminEdits, session: SessionDep, form: FormDep
) -> Response:
    principal = access.principal
    assert principal.organisation_id is not None
    values = {"email": text(form, "email").strip(), "role": text(form, "role")}
    try:
        user = accounts.invite_member(
            session,
            organisation_id=principal.organisation_id,
            email=values["email"],
            role=role_of(form),
        )
    except accounts.AccountError as error:
        session.rollback()
        return organisation_page(request, session, error=str(error), values=values, status_code=422)
    audit(session, "membre_invite", principal, field=user.email, new=values["role"])
    return send_link(
        request,
        session,
        user,
        purpose=accounts.INVITATION_PURPOSE,
        notice="invitation-envoyee",
    )


def the_member(
    session: Session, principal: sessions.Principal, user_id: str
) -> tuple[User, Membership]:
    try:
        member_id = uuid.UUID(user_id)
    except ValueError:
        raise HTTPException(status_code=404) from None
    assert principal.organisation_id is not None
    found = accounts.member_of(session, principal.organisation_id, member_id)
    if found is None:
        raise HTTPException(status_code=404)
    return found


@router.post("/organisation/membres/{user_id}/role", response_class=HTMLResponse)
def change_role(
    request: Request,
    access: AdminEdits,
    user_id: str,
    session: SessionDep,
    ctx: ContextDep,
    form: FormDep,
) -> Response:
    principal = access.principal
    user, membership = the_member(session, principal, user_id)
    old = membership.role
    try:
        role = role_of(form)
        if role == old:
            return see_other("/organisation")
        epoch = accounts.change_role(session, membership, role)
    except accounts.AccountError as error:
        session.rollback()
        return organisation_page(request, session, error=str(error), status_code=422)
    ctx.revocations.note(user.id, epoch)
    audit(session, "role_change", principal, field=user.email, old=str(old), new=role.value)
    if user.id == principal.user_id:
        sessions.sign_out(request)
        return see_other("/connexion")
    return see_other("/organisation?notice=role-change")


@router.post("/organisation/membres/{user_id}/desactiver", response_class=HTMLResponse)
def deactivate(
    request: Request, access: AdminEdits, user_id: str, session: SessionDep, ctx: ContextDep
) -> Response:
    principal = access.principal
    user, membership = the_member(session, principal, user_id)
    if user.deactivated_at is None:
        try:
            epoch = accounts.deactivate(session, user, membership)
        except accounts.AccountError as error:
            session.rollback()
            return organisation_page(request, session, error=str(error), status_code=422)
        ctx.revocations.note(user.id, epoch)
        audit(session, "membre_desactive", principal, field=user.email)
    if user.id == principal.user_id:
        sessions.sign_out(request)
        return see_other("/connexion")
    return see_other("/organisation?notice=desactive")


@router.post("/organisation/membres/{user_id}/reactiver", response_class=HTMLResponse)
def reactivate(request: Request, access: AdminEdits, user_id: str, session: SessionDep) -> Response:
    principal = access.principal
    user, _ = the_member(session, principal, user_id)
    if user.deactivated_at is not None:
        accounts.reactivate(session, user)
        audit(session, "membre_reactive", principal, field=user.email)
    return see_other("/organisation?notice=reactive")


@router.post("/organisation/membres/{user_id}/lien", response_class=HTMLResponse)
def send_member_link(
    request: Request, access: AdminEdits, user_id: str, session: SessionDep
) -> Response:
    """A new link for the member: its invitation again (no password yet), or a password reset."""
    principal = access.principal
    user, _ = the_member(session, principal, user_id)
    if user.deactivated_at is not None:
        return organisation_page(
            request,
            session,
            error="Ce compte est désactivé : réactivez-le d’abord.",
            status_code=422,
        )
    invitation = user.password_hash is None
    audit(
        session,
        "membre_reinvite" if invitation else "lien_mot_de_passe",
        principal,
        field=user.email,
    )
    return send_link(
        request,
        session,
        user,
        purpose=accounts.INVITATION_PURPOSE if invitation else accounts.RESET_PURPOSE,
        notice="invitation-envoyee" if invitation else "lien-envoye",
    )


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


@public.get("/mot-de-passe-oublie", response_class=HTMLResponse)
def forgotten_form(request: Request) -> HTMLResponse:
    return forgotten_page(request)


@public.post("/mot-de-passe-oublie", response_class=HTMLResponse)
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
    return render(
        request,
        "accounts/password_link.html",
        {
            "page_title": "Choisir votre mot de passe" if invitation else "Nouveau mot de passe",
            "invitation": invitation,
            "token": token,
            "email": user.email,
            "error": error,
            "password_min": accounts.PASSWORD_MIN,
        },
        status_code=status_code,
    )


@public.get("/mot-de-passe/{token}", response_class=HTMLResponse)
def password_link(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    found = accounts.open_password_link(session, token)
    if found is None:
        raise HTTPException(status_code=404)
    link, user = found
    return link_page(request, token, user, link.purpose)


@public.post("/mot-de-passe/{token}", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def set_password(
    request: Request, token: str, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    found = accounts.open_password_link(session, token)
    if found is None:
        raise HTTPException(status_code=404)
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


# The password change (« Mon compte »)


@public.post("/compte/mot-de-passe", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def change_password(
    request: Request, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    principal = current(request)
    if principal is None:
        return see_other("/connexion?suivant=/compte")
    user = accounts.get_user(session, principal.user_id)
    if user is None:
        raise HTTPException(status_code=404)
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
