"""A real OpenID Connect provider for the tests, built with Authlib's server side (Flask) and
served over HTTP on a free port of 127.0.0.1: discovery, JWKS, authorisation (code + PKCE S256,
required), token (client_secret_post, an RS256 ID token with the nonce) and userinfo (an RS256
JWT, as ProConnect signs it, unless the client is registered for plain JSON).

The person signed in at the provider is :attr:`Provider.person` (the tests set it); the
authorisation endpoint grants it at once, as a provider whose user is already signed in does.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo, UserInfoEndpoint
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

SCOPES = "openid email given_name usual_name siret"
KEY = RSAKey.generate_key(2048, parameters={"kid": "cle-de-test", "use": "sig", "alg": "RS256"})


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uri: str
    signed_userinfo: bool = True

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"userinfo_signed_response_alg": "RS256"} if self.signed_userinfo else {}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in SCOPES.split())

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_post" if endpoint == "token" else True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, str]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass
class Token:
    access_token: str
    client: Client
    user: dict[str, str]
    scope: str
    issued_at: float = field(default_factory=time.time)

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return 3600

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + 3600

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> dict[str, str]:
        return self.user

    def get_client(self) -> Client:
        return self.client


def user_info(user: dict[str, str]) -> UserInfo:
    return UserInfo(**user)


class Provider:
    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, Token] = {}
        self.person: dict[str, str] = {}
        self.port = 0
        self.app = self._flask()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def register(self, client: Client) -> Client:
        self.clients[client.client_id] = client
        return client

    def _flask(self) -> Flask:
        app = Flask("fournisseur-oidc-de-test")
        provider = self

        class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_post"]

            def save_authorization_code(self, code: str, req: Any) -> None:
                data = req.payload.data
                provider.codes[code] = Code(
                    code=code,
                    client_id=req.client.client_id,
                    redirect_uri=req.payload.redirect_uri,
                    scope=req.payload.scope,
                    user=dict(req.user),
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> dict[str, str]:
                return authorization_code.user

        class ProviderOpenIDCode(OpenIDCode):
            def exists_nonce(self, nonce: str, req: Any) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return KEY

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": KEY.kid or ""}

            def generate_user_info(self, user: dict[str, str], scope: str) -> UserInfo:
                return UserInfo(sub=user["sub"])

        def save_token(token: dict[str, Any], req: Any) -> None:
            provider.tokens[token["access_token"]] = Token(
                token["access_token"], req.client, dict(req.user), token.get("scope", "")
            )

        server = AuthorizationServer(app, query_client=self.clients.get, save_token=save_token)
        server.register_grant(
            AuthorizationCodeGrant,
            [CodeChallenge(required=True), ProviderOpenIDCode(require_nonce=True)],
        )

        class Validator(BearerTokenValidator):
            def authenticate_token(self, token_string: str) -> Token | None:
                return provider.tokens.get(token_string)

        protector = ResourceProtector()
        protector.register_token_validator(Validator())

        class UserInfoAnswer(UserInfoEndpoint):
            def get_issuer(self) -> str:
                return provider.issuer

            def generate_user_info(self, user: dict[str, str], scope: str) -> UserInfo:
                return user_info(user)

            def resolve_private_key(self) -> dict[str, Any]:
                return KEY.as_dict(private=True)

            def get_supported_algorithms(self) -> list[str]:
                return ["RS256"]

        server.register_endpoint(UserInfoAnswer(resource_protector=protector))

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify(
                issuer=provider.issuer,
                authorization_endpoint=f"{provider.issuer}/authorize",
                token_endpoint=f"{provider.issuer}/token",
                userinfo_endpoint=f"{provider.issuer}/userinfo",
                jwks_uri=f"{provider.issuer}/jwks",
                response_types_supported=["code"],
                code_challenge_methods_supported=["S256"],
                id_token_signing_alg_values_supported=["RS256"],
                userinfo_signing_alg_values_supported=["RS256"],
            )

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(keys=[KEY.as_dict(private=False)])

        @app.get("/authorize")
        def authorize() -> Any:
            if request.args.get("code_challenge_method") != "S256":
                return jsonify(error="invalid_request", error_description="PKCE S256 requis"), 400
            return server.create_authorization_response(grant_user=dict(provider.person))

        @app.post("/token")
        def token() -> Any:
            return server.create_token_response()

        @app.get("/userinfo")
        def userinfo() -> Any:
            return server.create_endpoint_response("userinfo")

        return app


@contextmanager
def running_provider() -> Iterator[Provider]:
    """The provider, served on a free port of 127.0.0.1 until the block ends."""
    provider = Provider()
    http = make_server("127.0.0.1", 0, provider.app, threaded=True)
    provider.port = http.server_port
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        http.shutdown()
        thread.join()
