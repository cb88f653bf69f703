"""Sign-in and sign-out, the one-time setup of the first account, the account page (and its
deletion), the privacy page and the facilitators' invitation links (DESIGN §3.5)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
import time
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from clauses.store import accounts
from clauses.store.models import (
    ALL_SESSIONS,
    ROLE_LABELS,
    AuditEvent,
    Dossier,
    Organisation,
    Role,
    User,
)
from clauses.web import oidc, sessions
from clauses.web.deps import ContextDep, FormDep, SessionDep, csrf_protected
from clauses.web.limits import too_many
from clauses.web.oidc import OidcError
from clauses.web.passwords import password_turn
from clauses.web.rendering import render
from clauses.web.sessions import Principal, current

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(csrf_protected)])
PASSWORD_TURN = Depends(password_turn)  # the routes that may hash a password
log = logging.getLogger("clauses.web")
NOTICES = {
    "deconnecte": "Vous êtes déconnecté.",
    "deconnecte-fournisseur": "Vous êtes déconnecté, de ce service et du fournisseur d’identité.",
    "compte-supprime": "Votre compte est supprimé. Les dossiers restent à votre organisation.",
}
WRONG = "Adresse électronique ou mot de passe incorrect."
WRONG_PASSWORD = "Mot de passe : saisie incorrecte."


def safe_next(raw: object) -> str:
    """A local path to go back to after sign-in (never another site)."""
    url = raw if isinstance(raw, str) else ""
    if not url.startswith("/") or url.startswith("//") or "\\" in url or len(url) > 500:
        return "/"
    return url


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Vary": "HX-Request"})


def client_of(request: Request) -> str:
    return request.client.host if request.client else "inconnu"


def text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def sign_in_page(
    request: Request,
    session: Session,
    *,
    email: str = "",
    error: str = "",
    next_url: str = "/",
    status_code: int = 200,
) -> HTMLResponse:
    ctx = request.app.state.ctx
    return render(
        request,
        "accounts/sign_in.html",
        {
            "page_title": "Connexion",
            "email": email,
            "error": error,
            "next_url": next_url,
            "oidc_label": ctx.settings.oidc_label if ctx.oidc else None,
            "no_account": accounts.count_users(session) == 0,
            "notice": NOTICES.get(request.query_params.get("notice", "")),
        },
        status_code=status_code,
    )


@router.get("/connexion", response_class=HTMLResponse)
def sign_in_form(request: Request, session: SessionDep, suivant: str = "/") -> HTMLResponse:
    return sign_in_page(request, session, next_url=safe_next(suivant))


@router.post("/connexion", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def sign_in(request: Request, session: SessionDep, ctx: ContextDep, form: FormDep) -> Response:
    email = text(form, "email").strip().lower()[:254]
    password = text(form, "password")
    next_url = safe_next(form.get("suivant"))
    limits = ctx.limits
    client = client_of(request)
    if limits.failed_by_email.full(email) or limits.failed_by_client.full(client):
        log.warning("connexion refusée : trop d’essais")
        accounts.record(session, AuditEvent(action="connexion_bloquee", actor=email))
        return too_many(
            request,
            "Trop de tentatives de connexion échouées pour ce compte ou depuis ce poste. "
            f"Patientez {ctx.settings.sign_in_window_minutes:g} minutes puis réessayez, "
            "ou demandez à l’administrateur de votre organisation de vérifier votre compte.",
        )
    user = accounts.authenticate(session, email, password) if email and password else None
    if user is None:
        limits.failed_by_email.hit(email)
        limits.failed_by_client.hit(client)
        accounts.record(session, AuditEvent(action="connexion_refusee", actor=email))
        return sign_in_page(
            request, session, email=email, error=WRONG, next_url=next_url, status_code=422
        )
    limits.failed_by_email.clear(email)
    return signed_in_to(request, session, user, next_url)


def signed_in_to(
    request: Request,
    session: Session,
    user: User,
    next_url: str,
    identity: oidc.Identity | None = None,
) -> Response:
    """Open a new session for ``user`` (new cookie, new CSRF token) and go to ``next_url``; a
    session opened through the provider keeps its ID token on the server (for the sign-out at
    the provider), with its ``acr`` and ``amr``."""
    principal = sessions.principal_for(session, user)
    ctx = request.app.state.ctx
    if identity is not None and identity.id_token and ctx.oidc is not None:
        key = accounts.open_oidc_session(
            session,
            user_id=user.id,
            issuer=ctx.oidc.issuer,
            id_token=identity.id_token,
            acr=identity.acr,
            amr=identity.amr,
            idp_id=identity.idp_id,
            kept=dt.timedelta(hours=ctx.settings.session_hours + 1),
        )
        principal = dataclasses.replace(principal, oidc_session=key)
    record_session_event(session, "connexion", principal)
    sessions.sign_in(request, principal)
    return see_other(next_url)


def record_session_event(session: Session, action: str, principal: Principal) -> None:
    """A sign-in or a sign-out in the audit log (never with a password)."""
    accounts.record(
        session,
        AuditEvent(
            action=action,
            actor=principal.email,
            user_id=principal.user_id,
            organisation_id=principal.organisation_id,
        ),
    )


@router.post("/deconnexion")
def sign_out(request: Request, session: SessionDep, ctx: ContextDep) -> Response:
    """End every session of the account; a session opened through the provider ends the
    provider's session too: the browser goes to its ``end_session_endpoint`` (with the ID
    token as ``id_token_hint``, a ``state`` and the return address), which sends it back to
    :func:`oidc_signed_out`."""
    principal = current(request)
    ended = None
    if principal is not None:
        # Every session of the account ends: from the next request in this process, within
        # a second in the others.
        epoch = accounts.end_sessions(session, principal.user_id)
        ctx.revocations.note(principal.user_id, epoch)
        ended = accounts.close_oidc_sessions(session, principal.user_id, principal.oidc_session)
        record_session_event(session, "deconnexion", principal)
    sessions.sign_out(request)
    if ended is not None and ctx.oidc is not None and ended.issuer == ctx.oidc.issuer:
        try:
            found = ctx.oidc.end_session_url(ended.id_token, post_logout_redirect_uri(request))
        except OidcError:
            log.warning("déconnexion OpenID : le fournisseur ne répond pas")
            found = None
        if found is not None:
            url, pending = found
            response = see_other(url)
            response.set_cookie(
                oidc.LOGOUT_COOKIE,
                oidc.logout_cookie(ctx.secret, pending),
                max_age=oidc.PENDING_SECONDS,
                httponly=True,
                samesite="lax",  # sent back on the provider's redirect (a top-level GET)
                secure=ctx.settings.secure_cookies,
                path="/deconnexion/oidc",
            )
            return response
    return see_other("/connexion?notice=deconnecte")


def post_logout_redirect_uri(request: Request) -> str:
    return f"{request.base_url}deconnexion/oidc/retour"


@router.get("/deconnexion/oidc/retour")
def oidc_signed_out(request: Request, ctx: ContextDep) -> Response:
    """The provider's return after its sign-out: its ``state`` must be the one sent."""
    if ctx.oidc is None:
        raise HTTPException(status_code=404)
    pending = oidc.read_logout(ctx.secret, request.cookies.get(oidc.LOGOUT_COOKIE))
    state = request.query_params.get("state", "")
    if pending is None or not secrets.compare_digest(state, pending.state):
        response: Response = render(
            request,
            "errors/error.html",
            {
                "page_title": "Déconnexion non confirmée",
                "title": "Déconnexion non confirmée",
                "message": "Le retour du fournisseur d’identité n’a pas pu être vérifié "
                "(demande expirée ou d’une autre origine). Vous êtes déconnecté de ce service\u00a0; "
                "si vous êtes sur un poste partagé, fermez le navigateur pour terminer aussi "
                "la session du fournisseur d’identité.",
                "status": 400,
            },
            status_code=400,
        )
    else:
        response = see_other("/connexion?notice=deconnecte-fournisseur")
    response.delete_cookie(oidc.LOGOUT_COOKIE, path="/deconnexion/oidc")
    return response


# OpenID Connect (ProConnect)


def oidc_redirect_uri(request: Request) -> str:
    return f"{request.base_url}connexion/oidc/retour"


@router.get("/connexion/oidc")
def oidc_start(request: Request, ctx: ContextDep, suivant: str = "/") -> Response:
    if ctx.oidc is None:
        raise HTTPException(status_code=404)
    try:
        url, pending = ctx.oidc.start(oidc_redirect_uri(request), safe_next(suivant))
    except OidcError as error:
        return oidc_refused(request, str(error))
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        oidc.COOKIE,
        oidc.pending_cookie(ctx.secret, pending),
        max_age=oidc.PENDING_SECONDS,
        httponly=True,
        samesite="lax",  # sent back on the provider's redirect (a top-level GET)
        secure=ctx.settings.secure_cookies,
        path="/connexion/oidc",
    )
    return response


def oidc_refused(request: Request, message: str) -> HTMLResponse:
    response = render(
        request,
        "errors/error.html",
        {
            "page_title": "Connexion refusée",
            "title": "Connexion refusée",
            "message": message,
            "status": 403,
        },
        status_code=403,
    )
    response.delete_cookie(oidc.COOKIE, path="/connexion/oidc")
    response.delete_cookie(oidc.LINK_COOKIE, path="/connexion/oidc")
    return response


@router.get("/connexion/oidc/retour")
def oidc_return(request: Request, session: SessionDep, ctx: ContextDep) -> Response:
    if ctx.oidc is None:
        raise HTTPException(status_code=404)
    pending = oidc.read_pending(ctx.secret, request.cookies.get(oidc.COOKIE))
    state = request.query_params.get("state", "")
    code = request.query_params.get("code", "")
    refusal = request.query_params.get("error", "")
    if refusal:
        # The provider's refusal (its description only when the state is ours: another site
        # cannot make this page say what it likes).
        ours = pending is not None and secrets.compare_digest(state, pending.state)
        description = request.query_params.get("error_description", "") if ours else ""
        log.warning("connexion OpenID : le fournisseur a renvoyé une erreur")
        accounts.record(session, AuditEvent(action="connexion_refusee", actor="(OpenID Connect)"))
        return oidc_refused(
            request,
            oidc.provider_error(refusal, description)
            + " Recommencez depuis la page de connexion si besoin.",
        )
    if pending is None or not secrets.compare_digest(state, pending.state) or not code:
        accounts.record(session, AuditEvent(action="connexion_refusee", actor="(OpenID Connect)"))
        return oidc_refused(
            request,
            "La connexion n’a pas pu être vérifiée (demande expirée ou d’une autre origine). "
            "Recommencez depuis la page de connexion.",
        )
    try:
        identity = ctx.oidc.finish(oidc_redirect_uri(request), pending, code)
        user = federated(session, ctx, identity)
    except accounts.LinkRequired as needed:
        link = oidc.PendingLink(
            issuer=ctx.oidc.issuer,
            subject=identity.subject,
            email=needed.user.email,
            given_name=identity.given_name,
            usual_name=identity.usual_name,
            siret=identity.siret,
            next_url=pending.next_url,
            started=time.time(),
            organisation_label=identity.organisation_label,
            idp_id=identity.idp_id,
            acr=identity.acr,
            amr=identity.amr,
            id_token=identity.id_token,
        )
        linking = link_page(request, ctx, link.email)
        linking.set_cookie(
            oidc.LINK_COOKIE,
            oidc.link_cookie(ctx.secret, link),
            max_age=oidc.PENDING_SECONDS,
            httponly=True,
            samesite="strict",  # sent with the password's form, a post of this site only
            secure=ctx.settings.secure_cookies,
            path="/connexion/oidc",
        )
        linking.delete_cookie(oidc.COOKIE, path="/connexion/oidc")
        return linking
    except (OidcError, accounts.AccountError) as error:
        return federation_refused(request, session, error)
    response = signed_in_to(request, session, user, pending.next_url, identity)
    response.delete_cookie(oidc.COOKIE, path="/connexion/oidc")
    return response


def federated(session: Session, ctx: Any, identity: oidc.Identity) -> User:
    """The account of the provider's identity (:func:`accounts.federated_user`)."""
    return accounts.federated_user(
        session,
        issuer=ctx.oidc.issuer,
        subject=identity.subject,
        email=identity.email,
        given_name=identity.given_name,
        usual_name=identity.usual_name,
        siret=identity.siret,
        allowed_sirets=ctx.oidc.allowed_sirets,
        organisation_label=identity.organisation_label,
    )


def federation_refused(request: Request, session: Session, error: Exception) -> HTMLResponse:
    # The kind of failure, for the operator (never the tokens nor the person's claims).
    cause = error.__cause__
    log.warning("connexion OpenID refusée : %s", type(cause or error).__name__)
    session.rollback()
    accounts.record(session, AuditEvent(action="connexion_refusee", actor="(OpenID Connect)"))
    return oidc_refused(request, str(error))


def link_page(request: Request, ctx: Any, email: str, error: str = "") -> HTMLResponse:
    return render(
        request,
        "accounts/oidc_link.html",
        {
            "page_title": "Relier votre identité",
            "oidc_label": ctx.settings.oidc_label,
            "email": email,
            "error": error,
        },
        status_code=422 if error else 200,
    )


@router.post("/connexion/oidc/relier", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def oidc_link(request: Request, session: SessionDep, ctx: ContextDep, form: FormDep) -> Response:
    """The password of the account of the provider's e-mail, proved once: the provider's
    identity is linked to that account, which it then opens (its names are kept)."""
    if ctx.oidc is None:
        raise HTTPException(status_code=404)
    link = oidc.read_link(ctx.secret, request.cookies.get(oidc.LINK_COOKIE))
    if link is None or link.issuer != ctx.oidc.issuer:
        return oidc_refused(
            request,
            "La demande a expiré ou n’a pas pu être vérifiée. "
            "Recommencez depuis la page de connexion.",
        )
    limits, client = ctx.limits, client_of(request)
    if limits.failed_by_email.full(link.email) or limits.failed_by_client.full(client):
        accounts.record(session, AuditEvent(action="connexion_bloquee", actor=link.email))
        return too_many(
            request,
            "Trop de tentatives de connexion échouées pour ce compte ou depuis ce poste. "
            f"Patientez {ctx.settings.sign_in_window_minutes:g} minutes puis réessayez.",
        )
    user = accounts.authenticate(session, link.email, text(form, "password"))
    if user is None:
        limits.failed_by_email.hit(link.email)
        limits.failed_by_client.hit(client)
        accounts.record(session, AuditEvent(action="connexion_refusee", actor=link.email))
        return link_page(request, ctx, link.email, WRONG_PASSWORD)
    identity = link.identity()
    try:
        accounts.link_identity(session, user, issuer=link.issuer, subject=link.subject)
        user = federated(session, ctx, identity)
    except (accounts.AccountError, accounts.LinkRequired) as error:
        return federation_refused(request, session, error)
    limits.failed_by_email.clear(link.email)
    accounts.record(
        session, AuditEvent(action="identite_reliee", user_id=user.id, actor=user.email)
    )
    response = signed_in_to(request, session, user, link.next_url, identity)
    response.delete_cookie(oidc.LINK_COOKIE, path="/connexion/oidc")
    return response


# First account


def setup_page(
    request: Request, token: str, values: dict[str, str], error: str = "", status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "accounts/setup.html",
        {
            "page_title": "Installation : premier compte",
            "token": token,
            "values": values,
            "error": error,
            "password_min": accounts.PASSWORD_MIN,
        },
        status_code=status_code,
    )


@router.get("/installation/{token}", response_class=HTMLResponse)
def setup_form(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    if not accounts.setup_open(session, token):
        raise HTTPException(status_code=404)
    return setup_page(request, token, {})


def confirmed_password(form: Any) -> str:
    """The new password, typed twice alike (else :class:`accounts.AccountError`)."""
    password = text(form, "password")
    if password != text(form, "password_confirm"):
        raise accounts.AccountError("Confirmation du mot de passe : les deux saisies diffèrent.")
    return password


@router.post("/installation/{token}", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def setup(request: Request, token: str, session: SessionDep, form: FormDep) -> Response:
    if not accounts.setup_open(session, token):
        raise HTTPException(status_code=404)
    values = {name: text(form, name) for name in ("organisation", "siret", "email")}
    try:
        password = confirmed_password(form)
        user = accounts.complete_setup(
            session,
            token,
            email=values["email"],
            password=password,
            organisation=values["organisation"],
            siret=values["siret"],
        )
    except accounts.AccountError as error:
        session.rollback()
        return setup_page(request, token, values, str(error), status_code=422)
    return signed_in_to(request, session, user, "/")


# The account and privacy


@router.get("/compte", response_class=HTMLResponse)
def account(request: Request, session: SessionDep) -> Response:
    principal = current(request)
    if principal is None:
        return see_other("/connexion?suivant=/compte")
    user = accounts.get_user(session, principal.user_id)
    if user is None:
        raise HTTPException(status_code=404)
    return account_page(request, session, user)


ACCOUNT_NOTICES = {
    "mot-de-passe-change": "Mot de passe changé. Vos autres sessions sont terminées."
}


def account_page(
    request: Request, session: Session, user: User, error: str = "", password_error: str = ""
) -> HTMLResponse:
    membership = accounts.membership_of(session, user.id)
    organisation = session.get(Organisation, membership.organisation_id) if membership else None
    return render(
        request,
        "accounts/account.html",
        {
            "page_title": "Mon compte",
            "user": user,
            "organisation": organisation,
            "role": ROLE_LABELS[Role(membership.role)] if membership else "facilitateur",
            "granted": accounts.granted_dossiers(session, user.id),
            "error": error,
            "password_error": password_error,
            "password_min": accounts.PASSWORD_MIN,
            "notice": ACCOUNT_NOTICES.get(request.query_params.get("notice", "")),
        },
        status_code=422 if error or password_error else 200,
    )


@router.post("/compte/supprimer", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def delete_account(
    request: Request, session: SessionDep, ctx: ContextDep, form: FormDep
) -> Response:
    principal = current(request)
    if principal is None:
        return see_other("/connexion?suivant=/compte")
    user = accounts.get_user(session, principal.user_id)
    if user is None:
        raise HTTPException(status_code=404)
    if user.password_hash is not None and not accounts.verify_password(
        user.password_hash, text(form, "password")
    ):
        return account_page(request, session, user, "Mot de passe : saisie incorrecte.")
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


# Facilitators' invitations


def invitation_page(
    request: Request,
    session: Session,
    token: str,
    invitation: Any,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    dossier = session.get(Dossier, invitation.dossier_id)
    principal = current(request)
    return render(
        request,
        "accounts/invitation.html",
        {
            "page_title": "Invitation à un dossier",
            "token": token,
            "invitation": invitation,
            "dossier": dossier,
            "principal": principal,
            "other_account": principal is not None and principal.email != invitation.email,
            "has_account": accounts.user_by_email(session, invitation.email) is not None,
            "error": error,
            "password_min": accounts.PASSWORD_MIN,
        },
        status_code=status_code,
    )


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    found = accounts.open_invitation(session, token)
    if found is None:
        raise HTTPException(status_code=404)
    return invitation_page(request, session, token, found)


@router.post("/invitations/{token}", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def accept(request: Request, token: str, session: SessionDep, form: FormDep) -> Response:
    """The invited address's account accepts: the signed-in one, or one made here for it."""
    found = accounts.open_invitation(session, token)
    if found is None:
        raise HTTPException(status_code=404)
    principal = current(request)
    if principal is not None:
        user = accounts.get_user(session, principal.user_id)
        if user is None:
            raise HTTPException(status_code=404)
        try:
            accounts.check_invitee(found, user)
        except accounts.AccountError as error:
            return invitation_page(request, session, token, found, str(error), 403)
    elif accounts.user_by_email(session, found.email) is not None:
        return invitation_page(
            request,
            session,
            token,
            found,
            "Un compte existe déjà pour cette adresse : connectez-vous d’abord.",
            422,
        )
    else:
        try:
            password = confirmed_password(form)
            user = accounts.add_facilitator(
                session,
                email=found.email,
                password=password,
                given_name=text(form, "given_name").strip(),
                usual_name=text(form, "usual_name").strip(),
            )
        except accounts.AccountError as error:
            session.rollback()
            return invitation_page(request, session, token, found, str(error), 422)
    try:
        accounts.accept_invitation(session, found, user)
    except accounts.InvitationClosed:  # used by a simultaneous acceptance, or just expired
        raise HTTPException(status_code=404) from None
    target = f"/dossiers/{found.dossier_id}"
    if principal is not None:
        return see_other(target)
    return signed_in_to(request, session, user, target)
