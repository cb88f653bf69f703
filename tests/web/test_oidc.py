"""OpenID Connect sign-in (ProConnect-compatible) end to end, against the real provider of
``oidc_provider.py`` on a loopback port: the app's requests to it are real HTTP, the browser's
part (following the redirects) is played by the test. Success, and each refusal: a bad state, a
bad nonce, an unknown SIRET, an unsigned userinfo."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import select

from clauses.store import accounts
from clauses.store.db import new_session
from clauses.store.models import AuditEvent, FederatedIdentity, OidcSession, Organisation, Role
from clauses.web.app import create_app
from clauses.web.oidc import COOKIE
from clauses.web.settings import Settings
from tests.web.conftest import PASSWORD, QUICK_HASHER, TOKEN_RE, text_of
from tests.web.oidc_provider import Client, Provider, running_provider

ALLOWED = "13002526500013"
AGENT = {
    "sub": "agent-123",
    "email": "Camille.Martin@region.test",
    "given_name": "Camille",
    "usual_name": "Martin",
    "siret": ALLOWED,
}
REDIRECT = "http://testserver/connexion/oidc/retour"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        running.register(Client("clauses", "secret-clauses", REDIRECT))
        running.register(Client("sans-signature", "secret-2", REDIRECT, signed_userinfo=False))
        yield running


def app_for(settings: Settings, provider: Provider, client_id: str = "clauses") -> FastAPI:
    secret = {"clauses": "secret-clauses", "sans-signature": "secret-2"}[client_id]
    return create_app(
        settings.model_copy(
            update={
                "oidc_issuer": provider.issuer,
                "oidc_client_id": client_id,
                "oidc_client_secret": SecretStr(secret),
                "oidc_allowed_sirets": f"{ALLOWED}, 21350238500019",
            }
        )
    )


@pytest.fixture(scope="module")
def oidc_app(settings: Settings, provider: Provider) -> Iterator[FastAPI]:
    app = app_for(settings, provider)
    yield app
    app.state.ctx.engine.dispose()


def start(client: TestClient, next_url: str = "/dossiers") -> str:
    """The sign-in button: the provider's authorisation URL."""
    response = client.get(f"/connexion/oidc?suivant={next_url}", follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"] and query["response_type"] == ["code"]
    assert "siret" in query["scope"][0].split()
    return location


def at_provider(url: str) -> str:
    """The browser at the provider (the agent already signed in there): where it is sent back."""
    answer = httpx.get(url, follow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = answer.headers["location"]
    assert back.startswith(REDIRECT), back
    return back.removeprefix("http://testserver")


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_an_agent_of_an_allowed_siret_signs_in(oidc_app: FastAPI, provider: Provider) -> None:
    provider.person = dict(AGENT)
    with TestClient(oidc_app) as client:
        page = client.get("/connexion").text
        assert "S’identifier avec ProConnect" in text_of(page)
        assert ">Qu’est-ce que ProConnect\u00a0?</a>" in page
        assert 'href="https://www.proconnect.gouv.fr/"' in page
        back = at_provider(start(client))
        response = client.get(back, follow_redirects=False)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/dossiers"
        assert client.get("/dossiers").status_code == 200
        account = text_of(client.get("/compte").text)
        assert "Camille Martin" in account and f"SIRET {ALLOWED}" in account
        # The code was used: played again, it is refused by the provider.
        assert client.get(back, follow_redirects=False).status_code == 403
    with new_session(oidc_app.state.ctx.engine) as session:
        user = accounts.user_by_email(session, "camille.martin@region.test")
        assert user is not None and user.password_hash is None
        membership = accounts.membership_of(session, user.id)
        assert membership is not None and membership.role == Role.acheteur
        organisation = session.get(Organisation, membership.organisation_id)
        assert organisation is not None and organisation.siret == ALLOWED


def test_a_bad_state_is_refused(oidc_app: FastAPI, provider: Provider) -> None:
    provider.person = dict(AGENT)
    with TestClient(oidc_app) as client:
        back = at_provider(start(client))
        forged = with_query(back, state="un-autre-etat")
        response = client.get(forged, follow_redirects=False)
        assert response.status_code == 403
        assert "n’a pas pu être vérifiée" in text_of(response.text)
        assert client.get("/dossiers", follow_redirects=False).status_code == 303
    with TestClient(oidc_app) as stranger:  # no pending sign-in at all (another browser)
        response = stranger.get(at_provider(start(TestClient(oidc_app))), follow_redirects=False)
        assert response.status_code == 403


def test_a_bad_nonce_is_refused(oidc_app: FastAPI, provider: Provider) -> None:
    """A code obtained for another nonce (an injected authorisation response) is refused by the
    check of the ID token, though state and PKCE match."""
    provider.person = dict(AGENT)
    with TestClient(oidc_app) as client:
        url = start(client)
        back = at_provider(with_query(url, nonce="une-autre-valeur"))
        response = client.get(back, follow_redirects=False)
        assert response.status_code == 403
        assert "n’a pas pu être vérifiée" in text_of(response.text)
        assert client.get("/dossiers", follow_redirects=False).status_code == 303


def test_a_bad_pkce_verifier_is_refused(oidc_app: FastAPI, provider: Provider) -> None:
    provider.person = dict(AGENT)
    with TestClient(oidc_app) as client:
        url = start(client)
        back = at_provider(with_query(url, code_challenge="A" * 43))
        response = client.get(back, follow_redirects=False)
        assert response.status_code == 403
        assert "a refusé la connexion" in text_of(response.text)


def test_an_unknown_siret_is_refused(oidc_app: FastAPI, provider: Provider) -> None:
    provider.person = dict(
        AGENT, sub="agent-9", email="inconnu@ailleurs.test", siret="99999999999999"
    )
    with TestClient(oidc_app) as client:
        response = client.get(at_provider(start(client)), follow_redirects=False)
        assert response.status_code == 403
        assert "SIRET 99999999999999" in text_of(response.text)
        assert "n’a pas accès" in text_of(response.text)
    with new_session(oidc_app.state.ctx.engine) as session:
        assert accounts.user_by_email(session, "inconnu@ailleurs.test") is None
        refused = session.exec(select(AuditEvent).where(AuditEvent.action == "connexion_refusee"))
        assert refused.all()


def test_an_unsigned_userinfo_is_refused(settings: Settings, provider: Provider) -> None:
    app = app_for(settings, provider, "sans-signature")
    provider.person = dict(AGENT, sub="agent-5", email="non.signe@region.test")
    with TestClient(app) as client:
        response = client.get(at_provider(start(client)), follow_redirects=False)
        assert response.status_code == 403
        assert "n’a pas signé" in text_of(response.text)
    app.state.ctx.engine.dispose()


def test_the_pending_cookie_is_signed(oidc_app: FastAPI, provider: Provider) -> None:
    provider.person = dict(AGENT)
    with TestClient(oidc_app) as client:
        back = at_provider(start(client))
        raw = client.cookies[COOKIE]
        payload = json.loads(base64.urlsafe_b64decode(raw.split(".")[0]))
        payload["next_url"] = "/compte"
        forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
        client.cookies.delete(COOKIE)
        client.cookies.set(COOKIE, f"{forged}.{raw.split('.')[1]}", path="/connexion/oidc")
        assert client.get(back, follow_redirects=False).status_code == 403


def identities_of(app: FastAPI, email: str) -> list[tuple[str, str]]:
    with new_session(app.state.ctx.engine) as session:
        user = accounts.user_by_email(session, email)
        assert user is not None
        found = session.exec(select(FederatedIdentity).where(FederatedIdentity.user_id == user.id))
        return [(i.issuer, i.subject) for i in found.all()]


def test_a_provider_identity_with_a_local_admins_email_does_not_take_it_over(
    oidc_app: FastAPI, provider: Provider
) -> None:
    """Issue 20, finding 4: an identity with the e-mail of a password admin account and the
    same SIRET signed into it and overwrote its names. The password is proved once first."""
    email = "admin.locale@region.test"
    with new_session(oidc_app.state.ctx.engine) as session:
        accounts.add_user(
            session,
            email=email,
            organisation="Région OpenID",
            siret=ALLOWED,
            role=Role.admin,
            password=PASSWORD,
            given_name="Alice",
            usual_name="Locale",
            hasher=QUICK_HASHER,
        )
    provider.person = dict(AGENT, sub="usurpateur", email=email, given_name="Mallory")
    with TestClient(oidc_app) as client:
        page = client.get(at_provider(start(client)), follow_redirects=False)
        assert page.status_code == 200
        assert "saisissez une fois son mot de passe" in text_of(page.text)
        assert client.get("/dossiers", follow_redirects=False).status_code == 303  # not in
        assert identities_of(oidc_app, email) == []
        token = TOKEN_RE.search(page.text)
        assert token is not None
        wrong = client.post(
            "/connexion/oidc/relier",
            data={"csrf_token": token.group(1), "password": "pas le bon mot de passe"},
            follow_redirects=False,
        )
        assert wrong.status_code == 422 and "saisie incorrecte" in text_of(wrong.text)
        assert identities_of(oidc_app, email) == []
        proved = client.post(
            "/connexion/oidc/relier",
            data={"csrf_token": token.group(1), "password": PASSWORD},
            follow_redirects=False,
        )
        assert proved.status_code == 303 and proved.headers["location"] == "/dossiers"
        assert "Alice Locale" in text_of(client.get("/compte").text)  # names kept
    assert identities_of(oidc_app, email) == [(provider.issuer, "usurpateur")]
    with TestClient(oidc_app) as client:  # from now on the provider opens it at once
        response = client.get(at_provider(start(client)), follow_redirects=False)
        assert response.status_code == 303
        assert "Alice Locale" in text_of(client.get("/compte").text)


def test_the_link_form_needs_the_signed_cookie_of_a_return(oidc_app: FastAPI) -> None:
    with TestClient(oidc_app) as client:
        token = TOKEN_RE.search(client.get("/connexion").text)
        assert token is not None
        response = client.post(
            "/connexion/oidc/relier",
            data={"csrf_token": token.group(1), "password": PASSWORD},
            follow_redirects=False,
        )
        assert response.status_code == 403
        assert "Recommencez depuis la page de connexion" in text_of(response.text)


def test_accounts_of_the_provider_are_found_by_issuer_and_subject(
    oidc_app: FastAPI, provider: Provider
) -> None:
    first = dict(AGENT, sub="agent-stable", email="dominique@region.test", given_name="Dom")
    provider.person = first
    with TestClient(oidc_app) as client:
        assert client.get(at_provider(start(client)), follow_redirects=False).status_code == 303
    assert identities_of(oidc_app, "dominique@region.test") == [(provider.issuer, "agent-stable")]
    # The provider changed the person's e-mail and names: the same account, its names follow.
    provider.person = dict(first, email="dominique.nouvelle@region.test", given_name="Dominique")
    with TestClient(oidc_app) as client:
        assert client.get(at_provider(start(client)), follow_redirects=False).status_code == 303
        assert "dominique@region.test" in text_of(client.get("/compte").text)
        assert "Dominique Martin" in text_of(client.get("/compte").text)
    # Another subject with that account's e-mail is not merged into it.
    provider.person = dict(first, sub="un-autre-agent")
    with TestClient(oidc_app) as client:
        response = client.get(at_provider(start(client)), follow_redirects=False)
        assert response.status_code == 403
        assert "déjà relié à cette adresse" in text_of(response.text)
    with new_session(oidc_app.state.ctx.engine) as session:
        assert accounts.user_by_email(session, "dominique.nouvelle@region.test") is None


def test_a_providers_error_is_said_in_french_its_text_only_with_our_state(
    oidc_app: FastAPI, provider: Provider
) -> None:
    with TestClient(oidc_app) as client:
        state = parse_qs(urlsplit(start(client)).query)["state"][0]
        ours = client.get(
            "/connexion/oidc/retour?error=access_denied&error_description=Refus+de+l%27agent"
            f"&state={state}"
        )
        assert ours.status_code == 403
        shown = text_of(ours.text)
        assert "La connexion a été annulée ou refusée chez le fournisseur d’identité." in shown
        assert "Refus de l&#39;agent" in ours.text and "Code 403." in shown
        start(client)
        other = client.get(
            "/connexion/oidc/retour?error=access_denied&error_description=Appelez+le+0800"
            "&state=un-autre-etat"
        )
        assert other.status_code == 403
        assert "annulée ou refusée" in other.text and "0800" not in other.text


def test_the_id_token_is_kept_with_the_session_and_goes_at_the_sign_out(
    oidc_app: FastAPI, provider: Provider
) -> None:
    """A provider without ``end_session_endpoint`` (this one): the sign-out stays local, and
    the session's ID token is forgotten."""
    provider.person = dict(AGENT)
    with TestClient(oidc_app) as client:
        client.get(at_provider(start(client)), follow_redirects=False)
        with new_session(oidc_app.state.ctx.engine) as session:
            user = accounts.user_by_email(session, "camille.martin@region.test")
            assert user is not None
            kept = session.exec(select(OidcSession).where(OidcSession.user_id == user.id)).all()
            # (Earlier tests of the module signed this agent in too, without signing out.)
            assert kept and all(row.id_token.count(".") == 2 for row in kept)
        token = TOKEN_RE.search(client.get("/compte").text)
        assert token is not None
        out = client.post(
            "/deconnexion", data={"csrf_token": token.group(1)}, follow_redirects=False
        )
        assert out.headers["location"] == "/connexion?notice=deconnecte"
        with new_session(oidc_app.state.ctx.engine) as session:
            mine = select(OidcSession).where(OidcSession.user_id == user.id)
            assert session.exec(mine).all() == []


def test_an_id_token_without_the_required_level_is_refused(
    settings: Settings, provider: Provider
) -> None:
    app = app_for(settings.model_copy(update={"oidc_acr_values": "eidas2, eidas3"}), provider)
    provider.person = dict(AGENT)
    try:
        with TestClient(app) as client:
            location = start(client)
            claims = json.loads(parse_qs(urlsplit(location).query)["claims"][0])
            assert claims["id_token"]["acr"] == {"essential": True, "values": ["eidas2", "eidas3"]}
            refused = client.get(at_provider(location), follow_redirects=False)
            assert refused.status_code == 403
            assert "niveau reçu\u00a0: aucun\u00a0; niveaux acceptés\u00a0: eidas2, eidas3" in (
                refused.text
            )
    finally:
        app.state.ctx.engine.dispose()


def test_a_deactivated_account_cannot_sign_in_through_the_provider(
    oidc_app: FastAPI, provider: Provider
) -> None:
    """Issue 23: an admin deactivated the agent's account; the provider's sign-in is refused."""
    provider.person = dict(AGENT, sub="agent-desactive", email="desactive@region.test")
    with TestClient(oidc_app) as client:
        assert client.get(at_provider(start(client)), follow_redirects=False).status_code == 303
    with new_session(oidc_app.state.ctx.engine) as session:
        user = accounts.user_by_email(session, "desactive@region.test")
        assert user is not None
        user.deactivated_at = user.created_at
        session.add(user)
        session.commit()
    with TestClient(oidc_app) as client:
        response = client.get(at_provider(start(client)), follow_redirects=False)
        assert response.status_code == 403
        assert "Votre compte est désactivé" in text_of(response.text)
        assert client.get("/dossiers", follow_redirects=False).status_code == 303
