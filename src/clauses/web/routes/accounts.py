"""Sign-in and sign-out with a password (DESIGN §3.5), and what the pages of the accounts share:
their router, the redirect, the form's text, the new password typed twice and its page, the
account signed in, the provider's cookies. The provider's sign-in is :mod:`oidc_sign_in`, the
first account and the invitations :mod:`joining`, « Mon compte » :mod:`account`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from clauses.store import accounts
from clauses.store.models import AuditEvent, User
from clauses.web import oidc, sessions
from clauses.web.access import SignInRequired
from clauses.web.deps import ContextDep, FormDep, SessionDep, csrf_protected
from clauses.web.limits import Limits, too_many
from clauses.web.oidc import OidcError
from clauses.web.passwords import password_turn
from clauses.web.rendering import render
from clauses.web.sessions import Principal, current


def page_router() -> APIRouter:
    """A router of the accounts' pages: the anonymous reach them; every form checks its CSRF."""
    return APIRouter(
        tags=["pages"], include_in_schema=False, dependencies=[Depends(csrf_protected)]
    )


router = page_router()
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
    limits, client = ctx.limits, client_of(request)
    if blocked(session, limits, email, client):
        log.warning("connexion refusée : trop d’essais")
        return too_many(
            request,
            "Trop de tentatives de connexion échouées pour ce compte ou depuis ce poste. "
            f"Patientez {ctx.settings.sign_in_window_minutes:g} minutes puis réessayez, "
            "ou demandez à l’administrateur de votre organisation de vérifier votre compte.",
        )
    user = accounts.authenticate(session, email, password) if email and password else None
    if user is None:
        failed(session, limits, email, client)
        return sign_in_page(
            request, session, email=email, error=WRONG, next_url=next_url, status_code=422
        )
    limits.failed_by_email.clear(email)
    return signed_in_to(request, session, user, next_url)


def blocked(session: Session, limits: Limits, email: str, client: str) -> bool:
    """Too many failed sign-ins for the address or from the client (the refusal audited)."""
    if limits.failed_by_email.full(email) or limits.failed_by_client.full(client):
        accounts.record(session, AuditEvent(action="connexion_bloquee", actor=email))
        return True
    return False


def failed(session: Session, limits: Limits, email: str, client: str) -> None:
    """A wrong password: counted for the address and the client, and audited."""
    limits.failed_by_email.hit(email)
    limits.failed_by_client.hit(client)
    accounts.record(session, AuditEvent(action="connexion_refusee", actor=email))


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
            set_oidc_cookie(
                response,
                ctx,
                oidc.LOGOUT_COOKIE,
                oidc.logout_cookie(ctx.secret, pending),
                path="/deconnexion/oidc",
            )
            return response
    return see_other("/connexion?notice=deconnecte")


def post_logout_redirect_uri(request: Request) -> str:
    return f"{request.base_url}deconnexion/oidc/retour"


def confirmed_password(form: Any) -> str:
    """The new password, typed twice alike (else :class:`accounts.AccountError`)."""
    password = text(form, "password")
    if password != text(form, "password_confirm"):
        raise accounts.AccountError("Confirmation du mot de passe : les deux saisies diffèrent.")
    return password


def new_password_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """A page whose form chooses a new password (``accounts/_new_password.html``): its error
    and the length the password needs."""
    return render(
        request,
        template,
        context | {"error": error, "password_min": accounts.PASSWORD_MIN},
        status_code=status_code,
    )


def own_account(request: Request, session: Session) -> tuple[Principal, User] | None:
    """The account signed in, with its session's principal; None when no one is signed in (404
    when the account is gone)."""
    principal = current(request)
    if principal is None:
        return None
    user = accounts.get_user(session, principal.user_id)
    if user is None:
        raise HTTPException(status_code=404)
    return principal, user


@dataclasses.dataclass(frozen=True)
class OwnAccount:
    """What the « Mon compte » routes work on: the account signed in and its session's
    principal."""

    principal: Principal
    user: User


def signed_in_account(request: Request, session: SessionDep) -> OwnAccount:
    """The dependency of the « Mon compte » routes: the account signed in; without one, the
    sign-in page, then back to « Mon compte » (404 when the account is gone)."""
    found = own_account(request, session)
    if found is None:
        raise SignInRequired("/compte")
    return OwnAccount(*found)


OwnAccountDep = Annotated[OwnAccount, Depends(signed_in_account)]


def set_oidc_cookie(
    response: Response,
    ctx: Any,
    name: str,
    value: str,
    *,
    path: str,
    samesite: Literal["lax", "strict"] = "lax",
) -> None:
    """A signed cookie of the provider's round trip, for its time and on ``path`` only: ``lax``
    (the default) is sent back on the provider's redirect (a top-level GET), ``strict`` only
    with a post of this site."""
    response.set_cookie(
        name,
        value,
        max_age=oidc.PENDING_SECONDS,
        httponly=True,
        samesite=samesite,
        secure=ctx.settings.secure_cookies,
        path=path,
    )
