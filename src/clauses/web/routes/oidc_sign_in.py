"""Sign-in through an OpenID Connect provider (ProConnect): the start, the provider's return,
the one-time link of its identity to an existing account (proved by its password) and the
return after the provider's sign-out."""

from __future__ import annotations

import secrets
import time
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from clauses.store import accounts
from clauses.store.models import AuditEvent, User
from clauses.web import oidc
from clauses.web.deps import ContextDep, FormDep, SessionDep
from clauses.web.limits import too_many
from clauses.web.oidc import OidcError
from clauses.web.rendering import render
from clauses.web.routes.accounts import (
    PASSWORD_TURN,
    WRONG_PASSWORD,
    blocked,
    client_of,
    failed,
    log,
    page_router,
    safe_next,
    see_other,
    set_oidc_cookie,
    signed_in_to,
    text,
)

router = page_router()


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
    set_oidc_cookie(
        response, ctx, oidc.COOKIE, oidc.pending_cookie(ctx.secret, pending), path="/connexion/oidc"
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
        set_oidc_cookie(
            linking,
            ctx,
            oidc.LINK_COOKIE,
            oidc.link_cookie(ctx.secret, link),
            path="/connexion/oidc",
            samesite="strict",  # sent with the password's form, a post of this site only
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
    if blocked(session, limits, link.email, client):
        return too_many(
            request,
            "Trop de tentatives de connexion échouées pour ce compte ou depuis ce poste. "
            f"Patientez {ctx.settings.sign_in_window_minutes:g} minutes puis réessayez.",
        )
    user = accounts.authenticate(session, link.email, text(form, "password"))
    if user is None:
        failed(session, limits, link.email, client)
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
