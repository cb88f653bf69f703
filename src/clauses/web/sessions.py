"""Signed session cookies: who is signed in, read without a database round trip.

The cookie holds the principal (user, organisation, role, the CSRF token of the session) and
three times: when the session started (absolute expiry), when it was last used (idle expiry)
and when the account was last checked in the database. It is signed with HMAC-SHA256 under a
key derived from the application's secret; it is re-issued at most once a minute (the idle
clock, whose precision is therefore a minute), and then only the account is read again: a
deleted account, a changed role or a sign-out (which moves the account's ``session_epoch``)
takes effect within that minute, on every worker. A sign-out or a deletion takes effect sooner:
from the next request in the process that made it, within a second in the others
(:mod:`clauses.web.revocations`). A sign-in always issues a new cookie with a new CSRF token
(session rotation).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clauses.store import accounts
from clauses.store.db import new_session
from clauses.store.models import ROLE_RANK, Role, User

COOKIE = "clauses_session"
SECURE_COOKIE = "__Host-clauses_session"  # the browser then insists on Secure, Path=/, no Domain
REFRESH_SECONDS = 60
# Paths that never need to know who is signed in (the stateless API, static files).
UNSIGNED = ("/static/", "/api/", "/healthz", "/openapi.json", "/robots.txt")


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    email: str
    name: str
    organisation_id: uuid.UUID | None  # None: an invited facilitator, member of no organisation
    role: Role | None
    epoch: int
    csrf: str
    started: float
    seen: float
    checked: float
    # The key of the session's row of :class:`~clauses.store.models.OidcSession` (its ID token)
    # when it was opened through the OpenID Connect provider; empty otherwise.
    oidc_session: str = ""

    def at_least(self, role: Role) -> bool:
        return self.role is not None and ROLE_RANK[self.role] >= ROLE_RANK[role]

    def member_of(self, organisation_id: uuid.UUID | None) -> bool:
        return self.role is not None and organisation_id == self.organisation_id


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE if secure else COOKIE


@functools.lru_cache(maxsize=8)
def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"clauses session cookie v1", hashlib.sha256).digest()


def encode(secret: str, principal: Principal) -> str:
    data = dataclasses.asdict(principal)
    data["user_id"] = str(principal.user_id)
    data["organisation_id"] = str(principal.organisation_id) if principal.organisation_id else None
    data["role"] = principal.role.value if principal.role else None
    payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
    signature = hmac.new(_key(secret), payload, hashlib.sha256).digest()
    return f"{payload.decode()}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"


# Cookies already verified, by their exact value (and the key's secret): a browser sends the same
# cookie with every request until it is re-issued (at most once a minute), and checking its
# signature and reading its JSON cost more than routing the request. Only cookies whose
# signature is good are kept (a client sending forged ones cannot fill the memory), at most
# VERIFIED_MAX, then all are forgotten and checked again. The principal is immutable and its times
# are judged on each request as before: a remembered cookie expires, and is revalidated against
# the database, exactly as a cookie seen for the first time.
VERIFIED_MAX = 2048
_verified: dict[tuple[str, str], Principal] = {}


def decode(secret: str, raw: str) -> Principal | None:
    """The principal of a session cookie, or None if its signature or content is not good."""
    principal = _verified.get((secret, raw))
    if principal is None:
        principal = _decode(secret, raw)
        if principal is not None:
            if len(_verified) >= VERIFIED_MAX:
                _verified.clear()
            _verified[secret, raw] = principal
    return principal


def _decode(secret: str, raw: str) -> Principal | None:
    payload, _, signature = raw.partition(".")
    expected = hmac.new(_key(secret), payload.encode(), hashlib.sha256).digest()
    given = base64.urlsafe_b64encode(expected).decode().rstrip("=")
    if not payload or not hmac.compare_digest(given, signature):
        return None
    try:
        data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload))
        return Principal(
            **data
            | {
                "user_id": uuid.UUID(data["user_id"]),
                "organisation_id": uuid.UUID(data["organisation_id"])
                if data["organisation_id"]
                else None,
                "role": Role(data["role"]) if data["role"] else None,
            }
        )
    except (binascii.Error, ValueError, TypeError, KeyError):
        return None


def new_principal(
    user_id: uuid.UUID,
    email: str,
    name: str,
    organisation_id: uuid.UUID | None,
    role: Role | None,
    epoch: int,
) -> Principal:
    now = time.time()
    return Principal(
        user_id, email, name, organisation_id, role, epoch, secrets.token_urlsafe(32), now, now, now
    )


def principal_for(session: Session, user: User) -> Principal:
    """A new session's principal for the user (new CSRF token, times from now)."""
    membership = accounts.membership_of(session, user.id)
    return new_principal(
        user.id,
        user.email,
        user.display_name,
        membership.organisation_id if membership else None,
        Role(membership.role) if membership else None,
        user.session_epoch,
    )


def revalidated(engine: Engine, principal: Principal) -> Principal | None:
    """The principal as the database has it now, or None if its session has ended."""
    with new_session(engine) as session:
        user = accounts.get_user(session, principal.user_id)
        if user is None or user.session_epoch != principal.epoch or user.deactivated_at is not None:
            return None
        membership = accounts.membership_of(session, user.id)
    now = time.time()
    return dataclasses.replace(
        principal,
        name=user.display_name,
        organisation_id=membership.organisation_id if membership else None,
        role=Role(membership.role) if membership else None,
        seen=now,
        checked=now,
    )


def sign_in(request: Request, principal: Principal) -> None:
    """The response of this request carries a new session cookie for ``principal``."""
    request.state.principal = principal
    request.state.session_out = principal


def sign_out(request: Request) -> None:
    request.state.principal = None
    request.state.session_out = None


def current(request: Request) -> Principal | None:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


def signed_in(request: Request) -> Principal:
    """The principal of a route that declares its right (:class:`clauses.web.access.Guard`)."""
    principal = current(request)
    assert principal is not None, "route without its right (access.Needs)"
    return principal


_KEEP = object()


class Sessions:
    """Reads the session cookie into ``request.state.principal`` and writes it back when it is
    refreshed, issued or ended."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNSIGNED):
            await self.app(scope, receive, send)
            return
        ctx = scope["app"].state.ctx
        settings = ctx.settings
        name = cookie_name(settings.secure_cookies)
        state = scope.setdefault("state", {})
        out: object = _KEEP
        principal: Principal | None = None
        raw = Request(scope).cookies.get(name)
        if raw:
            principal = decode(ctx.secret, raw)
            if principal is not None:
                await ctx.revocations.refresh()
                if ctx.revocations.ended(principal.user_id, principal.epoch):
                    principal = None
            now = time.time()
            if principal is not None and (
                now - principal.started > settings.session_hours * 3600
                or now - principal.seen > settings.session_idle_minutes * 60
            ):
                principal = None
            elif principal is not None and now - principal.checked > REFRESH_SECONDS:
                principal = await anyio.to_thread.run_sync(revalidated, ctx.engine, principal)
                out = principal
            if principal is None:
                out = None
        state["principal"] = principal
        state["session_out"] = out

        async def send_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                issued = state.get("session_out", _KEEP)
                if issued is not _KEEP:
                    headers = list(message.get("headers", []))
                    headers.append((b"set-cookie", _set_cookie(ctx, name, issued).encode()))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_cookie)


def _set_cookie(ctx: Any, name: str, principal: object) -> str:
    settings = ctx.settings
    attributes = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if settings.secure_cookies else "")
    if not isinstance(principal, Principal):
        return f"{name}=; Max-Age=0; {attributes}"
    remaining = int(principal.started + settings.session_hours * 3600 - time.time())
    return f"{name}={encode(ctx.secret, principal)}; Max-Age={max(remaining, 0)}; {attributes}"
