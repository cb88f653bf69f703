"""OpenID Connect sign-in, compatible with ProConnect (the State's federation of public agents'
identities), enabled when ``CLAUSES_OIDC_ISSUER`` is set.

Authorisation code flow with PKCE (S256), ``state`` and ``nonce``: the three are kept in a
signed, HttpOnly cookie of ten minutes between the redirect to the provider and the return. The
ID token and the userinfo answer are JWTs whose signatures are checked against the provider's
published keys (JWKS), with their issuer, audience, expiry and, for the ID token, the nonce;
userinfo must be signed (as ProConnect's is) and about the same subject. Authlib makes the
requests (its client over ``requests``), joserfc checks the tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import ClaimsOption

from clauses.web.settings import Settings

COOKIE = "clauses_oidc"
LINK_COOKIE = "clauses_oidc_link"
PENDING_SECONDS = 600
ALGORITHMS = ["RS256", "ES256", "PS256"]
TIMEOUT = 10.0
LEEWAY = 60  # seconds of clock difference tolerated with the provider


class OidcError(Exception):
    """The sign-in was refused; the message is French, for the person signing in."""


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


@dataclass(frozen=True)
class PendingLink:
    """A provider's identity waiting for the password of the account of its e-mail (signed in
    its own cookie between the return from the provider and the password's form)."""

    issuer: str
    subject: str
    email: str
    given_name: str
    usual_name: str
    siret: str
    next_url: str
    started: float


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


def pending_cookie(secret: str, pending: Pending) -> str:
    return _signed(secret, PENDING, pending.__dict__)


def read_pending(secret: str, raw: str | None) -> Pending | None:
    data = _verified(secret, PENDING, raw)
    try:
        return None if data is None else Pending(**data)
    except TypeError:
        return None


def link_cookie(secret: str, link: PendingLink) -> str:
    return _signed(secret, LINKING, link.__dict__)


def read_link(secret: str, raw: str | None) -> PendingLink | None:
    data = _verified(secret, LINKING, raw)
    try:
        return None if data is None else PendingLink(**data)
    except TypeError:
        return None


class OpenIdClient:
    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        scopes: str,
        allowed_sirets: set[str],
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = scopes
        self.allowed_sirets = allowed_sirets
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenIdClient | None:
        if not settings.oidc_issuer:
            return None
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret.get_secret_value(),
            scopes=settings.oidc_scopes,
            allowed_sirets=settings.allowed_sirets(),
        )

    def _client(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(
            client_id=self.client_id,
            client_secret=self.client_secret,
            scope=self.scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post",
            default_timeout=TIMEOUT,
        )

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (read once)."""
        with self._lock:
            if self._metadata is None:
                url = f"{self.issuer}/.well-known/openid-configuration"
                try:
                    answer = requests.get(url, timeout=TIMEOUT)
                    answer.raise_for_status()
                    metadata: dict[str, Any] = answer.json()
                except (requests.RequestException, ValueError) as exc:
                    raise OidcError("Le fournisseur d’identité ne répond pas.") from exc
                if metadata.get("issuer", "").rstrip("/") != self.issuer:
                    raise OidcError("Le fournisseur d’identité n’est pas celui configuré.")
                self._metadata = metadata
            return self._metadata

    def keys(self, *, refresh: bool = False) -> KeySet:
        """The provider's public keys (read again once when a token names an unknown key)."""
        with self._lock:
            cached = self._keys
        if cached is not None and not refresh:
            return cached
        try:
            answer = requests.get(self.metadata()["jwks_uri"], timeout=TIMEOUT)
            answer.raise_for_status()
            keys = KeySet.import_key_set(answer.json())
        except (requests.RequestException, ValueError, KeyError, JoseError) as exc:
            raise OidcError("Les clés du fournisseur d’identité sont illisibles.") from exc
        with self._lock:
            self._keys = keys
        return keys

    def start(self, redirect_uri: str, next_url: str) -> tuple[str, Pending]:
        """The provider's authorisation URL, and what the return must match."""
        pending = Pending(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            verifier=secrets.token_urlsafe(48),
            next_url=next_url,
            started=time.time(),
        )
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.metadata()["authorization_endpoint"],
                state=pending.state,
                nonce=pending.nonce,
                code_verifier=pending.verifier,
            )
        return url, pending

    def _decode(self, token: str, *, expiring: bool, **claims: Any) -> dict[str, Any]:
        """A JWT of the provider, its signature and claims checked (``exp`` required for an ID
        token; a signed userinfo answer need not have one)."""
        try:
            try:
                decoded = jwt.decode(token, self.keys(), algorithms=ALGORITHMS)
            except (JoseError, ValueError):
                decoded = jwt.decode(token, self.keys(refresh=True), algorithms=ALGORITHMS)
            expected = {"iss": self.issuer, "aud": self.client_id, **claims}
            options = {
                name: ClaimsOption(essential=True, value=value) for name, value in expected.items()
            }
            if expiring:
                options["exp"] = ClaimsOption(essential=True)
            registry = jwt.JWTClaimsRegistry(None, LEEWAY, **options)
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise OidcError(
                "La réponse du fournisseur d’identité n’a pas pu être vérifiée."
            ) from exc
        return dict(decoded.claims)

    def finish(self, redirect_uri: str, pending: Pending, code: str) -> Identity:
        """Exchange the code (with the PKCE verifier), check the ID token and the userinfo."""
        metadata = self.metadata()
        with self._client(redirect_uri) as client:
            try:
                token = client.fetch_token(
                    metadata["token_endpoint"],
                    code=code,
                    code_verifier=pending.verifier,
                    grant_type="authorization_code",
                )
                id_claims = self._decode(
                    str(token.get("id_token", "")), expiring=True, nonce=pending.nonce
                )
                answer = client.get(metadata["userinfo_endpoint"])
                answer.raise_for_status()
            except OidcError:
                raise
            except Exception as exc:  # the provider refused the code, or did not answer
                raise OidcError("Le fournisseur d’identité a refusé la connexion.") from exc
        if not answer.headers.get("content-type", "").startswith("application/jwt"):
            raise OidcError("Le fournisseur d’identité n’a pas signé les informations du compte.")
        info = self._decode(answer.text.strip(), expiring=False, sub=id_claims.get("sub"))
        email = str(info.get("email") or "").strip().lower()
        siret = str(info.get("siret") or "").strip()
        if not email or not siret:
            raise OidcError("Le fournisseur d’identité n’a pas donné l’adresse ou le SIRET.")
        return Identity(
            subject=str(info["sub"]),
            email=email,
            given_name=str(info.get("given_name") or ""),
            usual_name=str(info.get("usual_name") or ""),
            siret=siret,
        )
