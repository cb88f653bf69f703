"""Security at the edge: response headers, request size limit and CSRF tokens.

CSRF: a signed-in browser's token is the one of its session (a new one at each sign-in, see
:mod:`clauses.web.sessions`); before sign-in, each browser gets a random token in a signed,
HttpOnly cookie. Every state-changing form repeats it in a hidden ``csrf_token`` field, checked
on every POST of the HTML routes, together with the ``Origin`` header when the browser sends
one (it must be this site's). The JSON API uses no cookie and is therefore exempt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clauses.web.forms import read_form

CSRF_COOKIE = "clauses_csrf"
CSRF_FIELD = "csrf_token"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def form_origins(url: str | None) -> str:
    """The CSP sources a form may go to besides this site: the OpenID Connect provider's origin,
    when one is configured. Chromium applies ``form-action`` to the redirects that follow a
    form: the ProConnect button's form and « Se déconnecter » (a post answered by a redirect
    to the provider's ``end_session_endpoint``) go there."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f" {parts.scheme}://{parts.netloc}"


class SecurityHeaders:
    """Adds the security headers to every response, and ``no-store`` to dynamic ones."""

    def __init__(self, app: ASGIApp, provider: str | None = None) -> None:
        self.app = app
        extra = form_origins(provider)
        policy = CSP.replace("form-action 'self'", f"form-action 'self'{extra}")
        self.headers = [
            (name, policy.encode() if name == b"content-security-policy" else value)
            for name, value in HEADERS
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.headers if n not in names]
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyTimeout(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=408)


# Set in the request's state by :class:`clauses.web.protocol.TimedHttpToolsProtocol` when the
# body is still incomplete ``CLAUSES_BODY_TIMEOUT_S`` seconds after its headers arrived; the app
# waiting for it is then woken up and answers 408.
BODY_LATE = "body_late"


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes (``api_limit`` for the JSON API, under
    ``/api/``) with a 413, announced or streamed, and answers 408 when the server's protocol
    says the body came too slowly (:data:`BODY_LATE`: a client trickling a byte at a time would
    otherwise hold its request forever). The deadline is kept by the protocol, one timer per
    request whose body is late, rather than by a time-out around every read here: the wizard's
    saves, the most frequent requests, read their body once, already arrived."""

    def __init__(self, app: ASGIApp, limit: int, api_limit: int | None = None) -> None:
        self.app = app
        self.limit = limit
        self.api_limit = limit if api_limit is None else api_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.api_limit if scope["path"].startswith("/api/") else self.limit
        state = scope.setdefault("state", {})
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            state["body_too_large"] = True
        received = 0

        async def limited() -> Message:
            nonlocal received
            if state.get("body_too_large"):
                raise BodyTooLarge()
            message = await receive()
            if message["type"] == "http.request":
                if state.get(BODY_LATE):
                    raise BodyTimeout()
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited, send)


def _sign(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def _cookie_token(request: Request, secret: str) -> str | None:
    raw = request.cookies.get(CSRF_COOKIE, "")
    token, _, signature = raw.partition(".")
    if token and hmac.compare_digest(_sign(secret, token), signature):
        return token
    return None


def _session_token(request: Request) -> str | None:
    principal = getattr(request.state, "principal", None)
    token: str | None = getattr(principal, "csrf", None)
    return token


def csrf_token(request: Request, secret: str) -> str:
    """This browser's token: its session's, or before sign-in the one of its CSRF cookie (a new
    one, set on the response by the renderer, if it has none)."""
    session_token = _session_token(request)
    if session_token is not None:
        return session_token
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is None:
        token = _cookie_token(request, secret)
        if token is None:
            token = secrets.token_urlsafe(32)
            request.state.csrf_new = True
        request.state.csrf_token = token
    return token


def csrf_cookie(request: Request, secret: str, response: Any, *, secure: bool) -> None:
    if getattr(request.state, "csrf_new", False):
        token = request.state.csrf_token
        response.set_cookie(
            CSRF_COOKIE,
            f"{token}.{_sign(secret, token)}",
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/",
        )


class CsrfError(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=403, detail="csrf")


def same_origin(request: Request) -> bool:
    """The request's ``Origin``, when the browser sends one, is this site's."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin == f"{request.url.scheme}://{request.url.netloc}"


async def check_csrf(request: Request, secret: str) -> None:
    if not same_origin(request):
        raise CsrfError()
    expected = _session_token(request) or _cookie_token(request, secret)
    form = await read_form(request)
    given = form.get(CSRF_FIELD)
    if not expected or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise CsrfError()
