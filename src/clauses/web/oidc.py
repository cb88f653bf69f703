"""OpenID Connect sign-in, compatible with ProConnect (the State's federation of public agents'
identities), enabled when ``CLAUSES_OIDC_ISSUER`` is set.

Authorisation code flow with PKCE (S256), ``state`` and ``nonce``: the three are kept in a
signed, HttpOnly cookie of ten minutes between the redirect to the provider and the return. The
ID token and the userinfo answer are JWTs whose signatures are checked against the provider's
published keys (JWKS), with their issuer, audience, expiry and, for the ID token, the nonce;
userinfo must be signed (as ProConnect's is) and about the same subject. Authlib makes the
requests (its client over ``requests``), joserfc checks the tokens.

The authentication's level: when levels are configured (``CLAUSES_OIDC_ACR_VALUES``), the
request asks for ``acr`` as an essential claim among them (the ``claims`` parameter), and an ID
token with another level, or none, is refused (ProConnect makes the check the service's). The
methods (``amr``) are asked for and kept. The sign-out ends the provider's session too, through
its ``end_session_endpoint`` with the session's ID token as ``id_token_hint`` and a ``state``
checked on the return (:func:`OpenIdClient.end_session_url`).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import ClaimsOption

from clauses.web.oidc_state import (
    COOKIE,
    LINK_COOKIE,
    LOGOUT_COOKIE,
    PENDING_SECONDS,
    Identity,
    Pending,
    PendingLink,
    PendingLogout,
    link_cookie,
    logout_cookie,
    pending_cookie,
    read_link,
    read_logout,
    read_pending,
)
from clauses.web.settings import Settings

# The routes read the cookies' names and objects here, with the client's.
__all__ = [
    "COOKIE",
    "LINK_COOKIE",
    "LOGOUT_COOKIE",
    "PENDING_SECONDS",
    "Identity",
    "OidcError",
    "OpenIdClient",
    "Pending",
    "PendingLink",
    "PendingLogout",
    "link_cookie",
    "logout_cookie",
    "pending_cookie",
    "provider_error",
    "read_link",
    "read_logout",
    "read_pending",
]

NBSP = "\u00a0"
# The errors an authorisation endpoint may return (OpenID Connect Core 3.1.2.6, RFC 6749
# 4.1.2.1), said to the person signing in.
PROVIDER_ERRORS = {
    "access_denied": "La connexion a été annulée ou refusée chez le fournisseur d’identité.",
    "login_required": "Le fournisseur d’identité demande de vous identifier à nouveau.",
    "interaction_required": "Le fournisseur d’identité demande une action de votre part.",
    "consent_required": "Le fournisseur d’identité attend votre consentement.",
    "account_selection_required": "Le fournisseur d’identité demande de choisir un compte.",
    "invalid_request": "Le fournisseur d’identité a jugé la demande de connexion invalide.",
    "invalid_scope": "Le fournisseur d’identité refuse les informations demandées.",
    "unauthorized_client": "Le fournisseur d’identité n’autorise pas ce service.",
    "unsupported_response_type": "Le fournisseur d’identité n’accepte pas cette demande.",
    "server_error": "Le fournisseur d’identité a rencontré une erreur.",
    "temporarily_unavailable": "Le fournisseur d’identité est momentanément indisponible.",
}
ALGORITHMS = ["RS256", "ES256", "PS256"]
TIMEOUT = 10.0
LEEWAY = 60  # seconds of clock difference tolerated with the provider


class OidcError(Exception):
    """The sign-in was refused; the message is French, for the person signing in."""


def provider_error(code: str, description: str) -> str:
    """The French message of an error the provider returned instead of a code (its own
    description quoted, cut short: it is the provider's text, not ours)."""
    message = PROVIDER_ERRORS.get(code, "Le fournisseur d’identité a refusé la connexion.")
    detail = " ".join(description.split())[:300]
    if detail:
        message += f" Motif donné par le fournisseur{NBSP}: «{NBSP}{detail}{NBSP}»."
    code_shown = "".join(c for c in code if c.isalnum() or c in "_-.")[:60]
    if code_shown:
        message += f" (Code d’erreur{NBSP}: {code_shown}.)"
    return message


class OpenIdClient:
    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        scopes: str,
        allowed_sirets: set[str],
        acr_values: list[str] | None = None,
        allowed_idps: set[str] | None = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.acr_values = list(acr_values or [])
        self.allowed_idps = set(allowed_idps or ())
        if self.allowed_idps and "idp_id" not in scopes.split():
            scopes = f"{scopes} idp_id"  # the allow-list needs the claim
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
            acr_values=settings.acr_values(),
            allowed_idps=settings.allowed_idps(),
        )

    def claims_request(self) -> str:
        """The ``claims`` parameter: ``amr`` always (ProConnect puts it in the ID token only when
        asked), ``acr`` essential among the accepted levels when some are required, else asked
        for as ProConnect's documentation does (``null``: wanted, not required)."""
        id_token: dict[str, Any] = {"amr": None, "acr": None}
        if self.acr_values:
            id_token["acr"] = {"essential": True, "values": self.acr_values}
        return json.dumps({"id_token": id_token}, separators=(",", ":"))

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
                claims=self.claims_request(),
            )
        return url, pending

    def end_session_url(
        self, id_token: str, post_logout_redirect_uri: str
    ) -> tuple[str, PendingLogout] | None:
        """The provider's sign-out URL for the session of ``id_token``, and the state its return
        must carry; None when the provider publishes no ``end_session_endpoint``."""
        endpoint = self.metadata().get("end_session_endpoint")
        if not isinstance(endpoint, str) or not endpoint or not id_token:
            return None
        pending = PendingLogout(state=secrets.token_urlsafe(32), started=time.time())
        query = urlencode(
            {
                "id_token_hint": id_token,
                "state": pending.state,
                "post_logout_redirect_uri": post_logout_redirect_uri,
            }
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", pending

    def check_level(self, claims: dict[str, Any]) -> str:
        """The ID token's ``acr``, one of the accepted levels when some are required."""
        acr = claims.get("acr")
        acr = acr if isinstance(acr, str) else ""
        if self.acr_values and acr not in self.acr_values:
            raise OidcError(
                "Votre authentification n’atteint pas le niveau exigé par ce service "
                f"(niveau reçu{NBSP}: {acr or 'aucun'}{NBSP}; niveaux acceptés{NBSP}: "
                f"{', '.join(self.acr_values)}). Reconnectez-vous avec une authentification "
                "plus forte, par exemple à deux facteurs, ou demandez-la à votre "
                "fournisseur d’identité."
            )
        return acr

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
                # The access token is sent as is: Authlib's own check would take ProConnect's,
                # valid for 60 seconds, as already expired (it keeps a minute of margin).
                answer = requests.get(
                    metadata["userinfo_endpoint"],
                    headers={"Authorization": f"Bearer {token['access_token']}"},
                    timeout=TIMEOUT,
                )
                answer.raise_for_status()
            except OidcError:
                raise
            except Exception as exc:  # the provider refused the code, or did not answer
                raise OidcError("Le fournisseur d’identité a refusé la connexion.") from exc
        if not answer.headers.get("content-type", "").startswith("application/jwt"):
            raise OidcError("Le fournisseur d’identité n’a pas signé les informations du compte.")
        acr = self.check_level(id_claims)
        info = self._decode(answer.text.strip(), expiring=False, sub=id_claims.get("sub"))
        email = str(info.get("email") or "").strip().lower()
        siret = str(info.get("siret") or "").strip()
        if not email or not siret:
            raise OidcError("Le fournisseur d’identité n’a pas donné l’adresse ou le SIRET.")
        idp_id = str(info.get("idp_id") or id_claims.get("idp_id") or "").strip()
        if self.allowed_idps and idp_id not in self.allowed_idps:
            raise OidcError(
                "Votre fournisseur d’identité n’est pas accepté par ce service "
                f"(identifiant{NBSP}: {idp_id or 'non communiqué'}). Demandez à votre "
                "référent s’il peut être ajouté."
            )
        amr = id_claims.get("amr")
        return Identity(
            subject=str(info["sub"]),
            email=email,
            given_name=str(info.get("given_name") or ""),
            usual_name=str(info.get("usual_name") or ""),
            siret=siret,
            organisation_label=str(info.get("organization_label") or "").strip(),
            idp_id=idp_id,
            acr=acr,
            amr=tuple(str(m) for m in amr) if isinstance(amr, list) else (),
            id_token=str(token.get("id_token", "")),
        )
