"""The team, managed by its admins from the web (issue 23, point 1): the organisation's page
(invite a member by e-mail with a role, change roles, deactivate and reactivate, send a
member's link again), with the links' messages. The pages of the links that set a password
are :mod:`password_links`; the password change of « Mon compte », :mod:`account`.

A link is sent by e-mail through the SMTP server of the settings (:mod:`clauses.web.mail`);
without one, or when it fails, the admin is shown the link to pass on."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from clauses import french
from clauses.store import accounts
from clauses.store.models import ROLE_LABELS, AuditEvent, Membership, Organisation, Role, User
from clauses.web import mail, sessions
from clauses.web.access import Access, Needs, Right
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.rendering import render
from clauses.web.routes.accounts import (
    see_other,
    text,
)
from clauses.web.settings import Settings

# The organisation's page: its admins. Each route's right is in its signature: the anonymous are
# sent to sign in; an invited facilitator, who is no member, does not find the page (404) and
# may change nothing (403); a member of a lesser role is told who can (403).
router = APIRouter(tags=["pages"], include_in_schema=False)
AdminReads = Annotated[Access, Needs(Right.read, Role.admin)]
AdminEdits = Annotated[Access, Needs(Right.edit, Role.admin)]
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
        return refused(request, session, error, values)
    audit(session, "membre_invite", principal, field=user.email, new=values["role"])
    return send_link(
        request,
        session,
        user,
        purpose=accounts.INVITATION_PURPOSE,
        notice="invitation-envoyee",
    )


def refused(
    request: Request,
    session: Session,
    error: accounts.AccountError,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    """The organisation's page with what was refused (nothing of the change is kept)."""
    session.rollback()
    return organisation_page(request, session, error=str(error), values=values, status_code=422)


def changed(request: Request, principal: sessions.Principal, user: User, notice: str) -> Response:
    """Back to the organisation's page with its notice; an admin who changed his own role or
    deactivated himself is signed out (his session no longer holds)."""
    if user.id == principal.user_id:
        sessions.sign_out(request)
        return see_other("/connexion")
    return see_other(f"/organisation?notice={notice}")


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
        return refused(request, session, error)
    ctx.revocations.note(user.id, epoch)
    audit(session, "role_change", principal, field=user.email, old=str(old), new=role.value)
    return changed(request, principal, user, "role-change")


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
            return refused(request, session, error)
        ctx.revocations.note(user.id, epoch)
        audit(session, "membre_desactive", principal, field=user.email)
    return changed(request, principal, user, "desactive")


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
