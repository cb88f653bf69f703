"""What the OpenID Connect sign-in keeps between two requests (:mod:`clauses.web.oidc`): the
flow's ``state``, ``nonce`` and PKCE verifier, an identity waiting for its account's password, a
sign-out waiting for the provider's return — each in a signed, HttpOnly cookie of its own that
is refused after ten minutes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

COOKIE = "clauses_oidc"
LINK_COOKIE = "clauses_oidc_link"
LOGOUT_COOKIE = "clauses_oidc_logout"
PENDING_SECONDS = 600
T = TypeVar("T")


@dataclass(frozen=True)
class Pending:
    state: str
    nonce: str
    verifier: str
    next_url: str
    started: float


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str
    given_name: str
    usual_name: str
    siret: str
    organisation_label: str = ""
    idp_id: str = ""
    acr: str = ""
    amr: tuple[str, ...] = ()
    id_token: str = ""  # kept with the session, for the sign-out at the provider


@dataclass(frozen=True)
class PendingLogout:
    state: str
    started: float


@dataclass(frozen=True)
class PendingLink(Identity):
    """A provider's identity waiting for the password of the account of its e-mail (signed in
    its own cookie between the return from the provider and the password's form)."""

    issuer: str = field(kw_only=True)
    next_url: str = field(kw_only=True)
    started: float = field(kw_only=True)

    def identity(self) -> Identity:
        """The identity alone (``amr`` a tuple again: the cookie's JSON gives a list)."""
        given = {f.name: getattr(self, f.name) for f in fields(Identity)}
        return Identity(**given | {"amr": tuple(self.amr)})


def _sign(secret: str, purpose: bytes, payload: bytes) -> str:
    key = hmac.new(secret.encode(), purpose, hashlib.sha256).digest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _signed(secret: str, purpose: bytes, data: dict[str, Any]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(data).encode())
    return f"{payload.decode()}.{_sign(secret, purpose, payload)}"


def _verified(secret: str, purpose: bytes, raw: str | None) -> dict[str, Any] | None:
    """The cookie's data if it is ours, for this purpose, and less than ten minutes old."""
    payload, _, signature = (raw or "").partition(".")
    if not payload or not hmac.compare_digest(_sign(secret, purpose, payload.encode()), signature):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload))
        fresh = time.time() - float(data["started"]) < PENDING_SECONDS
    except (ValueError, TypeError, KeyError):
        return None
    return data if isinstance(data, dict) and fresh else None


PENDING = b"clauses oidc cookie v1"
LINKING = b"clauses oidc link v1"
LOGGING_OUT = b"clauses oidc logout v1"


def _read(secret: str, purpose: bytes, raw: str | None, kind: type[T]) -> T | None:
    """The cookie's object if it is ours, for this purpose, fresh and of ``kind``'s fields."""
    data = _verified(secret, purpose, raw)
    try:
        return None if data is None else kind(**data)
    except TypeError:
        return None


def logout_cookie(secret: str, pending: PendingLogout) -> str:
    return _signed(secret, LOGGING_OUT, pending.__dict__)


def read_logout(secret: str, raw: str | None) -> PendingLogout | None:
    return _read(secret, LOGGING_OUT, raw, PendingLogout)


def pending_cookie(secret: str, pending: Pending) -> str:
    return _signed(secret, PENDING, pending.__dict__)


def read_pending(secret: str, raw: str | None) -> Pending | None:
    return _read(secret, PENDING, raw, Pending)


def link_cookie(secret: str, link: PendingLink) -> str:
    return _signed(secret, LINKING, link.__dict__)


def read_link(secret: str, raw: str | None) -> PendingLink | None:
    return _read(secret, LINKING, raw, PendingLink)
