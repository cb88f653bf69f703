"""ProConnect conformance, end to end, against a real provider: panva's certified
``oidc-provider`` (its version pinned in ``tests/oidc_provider/package-lock.json``), configured as
ProConnect's federation is (``tests/oidc_provider/provider.mjs``), and the app under uvicorn,
driven by chromium: the sign-in (PKCE, an ES256 ID token, an RS256 signed userinfo, the
organisation named by ``organization_label``, ``acr`` and ``amr`` kept with the ID token), the
sign-out at the provider (``id_token_hint``, ``state``, ``post_logout_redirect_uri``: the next
sign-in asks the provider's login again), an authentication level too low refused, the
provider's ``error`` shown, an identity provider outside the ``idp_id`` allow-list refused.

The provider's packages are installed once by ``npm ci`` into a cache folder outside the
repository (``$XDG_CACHE_HOME/clauses-tests``); npm unreachable is a failure, never a skip. The
app downloads nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from clauses.store.db import make_engine
from clauses.store.models import OidcSession, Organisation, User
from tests.conftest import ROOT, require_tool
from tests.e2e.conftest import Server, SignedInChromium, free_port
from tests.e2e.test_accessibility import audit, report
from tests.web.conftest import text_of

SOURCE = ROOT / "tests" / "oidc_provider"
SIRET = "21350001600016"
LABEL = "Région Test-Bretagne (services de la commande publique)"
ACR_REQUIRED = ["eidas2", "eidas3"]
AGENT = {
    "sub": "agent-fort",
    "email": "camille.martin@region-bretagne.test",
    "given_name": "Camille",
    "usual_name": "Martin",
    "siret": SIRET,
    "organization_label": LABEL,
    "idp_id": "fi-region",
}
ACCOUNTS = {
    "agent": {**AGENT, "acr": "eidas2", "amr": ["pwd", "mfa"]},
    "agent-faible": {
        **AGENT,
        "sub": "agent-faible",
        "email": "dominique.faible@region-bretagne.test",
        "acr": "eidas1",
        "amr": ["pwd"],
    },
    "agent-autre-fi": {
        **AGENT,
        "sub": "agent-autre-fi",
        "email": "alex.ailleurs@region-bretagne.test",
        "idp_id": "fi-inconnu",
        "acr": "eidas3",
        "amr": ["pwd", "otp"],
    },
}
PROVIDER_LOGIN = "Fournisseur d’identité de test : connexion"


def installed_provider() -> Path:
    """The cache folder where ``npm ci`` installed the provider's locked packages."""
    require_tool("node")
    npm = require_tool("npm")
    recipe = [(SOURCE / name).read_bytes() for name in ("package.json", "package-lock.json")]
    digest = hashlib.sha256(b"\0".join(recipe)).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cache = base / "clauses-tests" / f"oidc-provider-{digest}"
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as lock:  # pytest-xdist workers install once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache / "node_modules" / "oidc-provider" / "package.json").is_file():
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(SOURCE / name, cache / name)
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                cwd=cache,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if done.returncode != 0:
                shutil.rmtree(cache / "node_modules", ignore_errors=True)
                pytest.fail(
                    "npm ci of tests/oidc_provider failed (is the npm registry reachable?):\n"
                    + done.stdout[-2000:]
                    + done.stderr[-4000:]
                )
    return cache


class RunningProvider:
    def __init__(self, folder: Path, config: dict[str, Any]) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.log = folder / "provider.log"
        script = folder / "provider.mjs"
        shutil.copyfile(SOURCE / "provider.mjs", script)
        (folder / "node_modules").symlink_to(installed_provider() / "node_modules")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [require_tool("node"), str(script)],
                cwd=folder,
                env={**os.environ, "PROVIDER_CONFIG": json.dumps({**config, "port": self.port})},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while f"listening {self.issuer}" not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the provider did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def proconnect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """The provider and the app configured for it (a level required, an idp_id allow-list)."""
    app = Server(tmp_path_factory.mktemp("proconnect-app"))
    client = {
        "client_id": "clauses-region",
        "client_secret": "secret-du-client-clauses-region-0123456789",
        "redirect_uris": [f"{app.url}/connexion/oidc/retour"],
        "post_logout_redirect_uris": [f"{app.url}/deconnexion/oidc/retour"],
        "token_endpoint_auth_method": "client_secret_post",
        "id_token_signed_response_alg": "ES256",
        "userinfo_signed_response_alg": "RS256",
    }
    provider = RunningProvider(
        tmp_path_factory.mktemp("proconnect-provider"),
        {"clients": [client], "accounts": ACCOUNTS},
    )
    app.env = {
        "CLAUSES_OIDC_ISSUER": provider.issuer,
        "CLAUSES_OIDC_CLIENT_ID": client["client_id"],
        "CLAUSES_OIDC_CLIENT_SECRET": client["client_secret"],
        "CLAUSES_OIDC_SCOPES": "openid email given_name usual_name siret organization_label idp_id",
        "CLAUSES_OIDC_ALLOWED_SIRETS": SIRET,
        "CLAUSES_OIDC_ACR_VALUES": ",".join(ACR_REQUIRED),
        "CLAUSES_OIDC_ALLOWED_IDPS": "fi-region",
    }
    try:
        app.start()
        yield app, provider.issuer
    finally:
        app.stop()
        provider.stop()


def visible(page: Any) -> str:
    """The page's text as shown, spaces collapsed but its no-break spaces kept (French
    typography: « \u00a0: », « \u00a0; », « «\u00a0…\u00a0» »)."""
    return re.sub(r"[ \t\r\n]+", " ", page.locator("body").inner_text())


def database(app: Server) -> Session:
    return Session(make_engine(app.database_url))


def to_provider_login(page: Any, app: Server, issuer: str) -> dict[str, list[str]]:
    """Click the ProConnect button; the provider's login page; the authorisation request."""
    page.goto(f"{app.url}/connexion")
    with page.expect_request(lambda r: r.url.startswith(f"{issuer}/auth?")) as sent:
        page.get_by_role("button", name="S’identifier avec ProConnect").click()
    page.wait_for_url(f"{issuer}/interaction/**")
    assert page.locator("h1").inner_text() == PROVIDER_LOGIN
    return parse_qs(urlsplit(sent.value.url).query)


def sign_in_at_provider(page: Any, login: str, app: Server) -> None:
    page.get_by_label("Identifiant").fill(login)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.wait_for_url(f"{app.url}/**")
    page.wait_for_load_state()


def refused_on_return(page: Any, app: Server, issuer: str, login: str | None) -> tuple[str, str]:
    """Through the provider's login page, signed in there as ``login`` (or « Refuser » clicked
    when None), back to Clauses, which refuses with a 403: (the return's URL, the page's text)."""
    to_provider_login(page, app, issuer)
    with page.expect_response(lambda r: "/connexion/oidc/retour?" in r.url) as returned:
        if login is None:
            page.get_by_role("button", name="Refuser").click()
            page.wait_for_url(f"{app.url}/**")
        else:
            sign_in_at_provider(page, login, app)
    assert returned.value.status == 403
    return returned.value.url, visible(page)


@pytest.fixture
def page(chromium: SignedInChromium) -> Iterator[Any]:
    """A page of a browser context signed in to nothing, closed after the test."""
    context = chromium.new_context(signed_in=None)
    yield context.new_page()
    context.close()


def test_sign_in_then_sign_out_at_the_provider(proconnect: tuple[Server, str], page: Any) -> None:
    app, issuer = proconnect
    request = to_provider_login(page, app, issuer)
    assert request["code_challenge_method"] == ["S256"] and request["code_challenge"]
    claims = json.loads(request["claims"][0])
    assert claims["id_token"]["acr"] == {"essential": True, "values": ACR_REQUIRED}
    assert claims["id_token"]["amr"] is None  # asked for (ProConnect's form)
    sign_in_at_provider(page, "agent", app)
    account = text_of(page.goto(f"{app.url}/compte").text())
    assert "Camille Martin" in account and LABEL in account
    with database(app) as session:
        user = session.exec(select(User).where(User.email == AGENT["email"])).one()
        organisation = session.exec(select(Organisation).where(Organisation.siret == SIRET)).one()
        assert organisation.name == LABEL
        first = session.exec(select(OidcSession).where(OidcSession.user_id == user.id)).one()
        assert (first.acr, first.amr, first.idp_id) == ("eidas2", "pwd mfa", "fi-region")

    # The provider's session is open: its button signs in again without its login page.
    interactions: list[str] = []

    def note(request: Any) -> None:
        if "/interaction/" in request.url:
            interactions.append(request.url)

    page.on("request", note)
    page.goto(f"{app.url}/connexion")
    page.get_by_role("button", name="S’identifier avec ProConnect").click()
    page.wait_for_url(f"{app.url}/**")
    assert interactions == []
    with database(app) as session:
        rows = session.exec(select(OidcSession).where(OidcSession.user_id == user.id)).all()
        assert len(rows) == 2
        id_tokens = {row.id_token for row in rows}

    # « Se déconnecter »: to the provider's end_session_endpoint, with the session's ID token.
    with page.expect_request(lambda r: r.url.startswith(f"{issuer}/session/end?")) as sent:
        page.get_by_role("button", name="Se déconnecter").click()
    logout = parse_qs(urlsplit(sent.value.url).query)
    assert logout["id_token_hint"][0] in id_tokens - {first.id_token}
    assert len(logout["state"][0]) >= 32
    assert logout["post_logout_redirect_uri"] == [f"{app.url}/deconnexion/oidc/retour"]
    page.get_by_role("button", name="Me déconnecter").click()
    page.wait_for_url(f"{app.url}/connexion?notice=deconnecte-fournisseur")
    assert "Vous êtes déconnecté, de ce service et du fournisseur d’identité." in visible(page)
    with database(app) as session:
        assert session.exec(select(OidcSession)).all() == []
    assert page.goto(f"{app.url}/compte").url.startswith(f"{app.url}/connexion")

    # The provider's session has ended: the next sign-in asks its login again.
    to_provider_login(page, app, issuer)
    sign_in_at_provider(page, "agent", app)
    assert "Camille Martin" in text_of(page.goto(f"{app.url}/compte").text())


def test_a_sign_out_return_with_another_state_is_not_confirmed(
    proconnect: tuple[Server, str], page: Any
) -> None:
    app, _ = proconnect
    response = page.goto(f"{app.url}/deconnexion/oidc/retour?state={'x' * 43}")
    assert response.status == 400
    shown = visible(page)
    assert "Déconnexion non confirmée" in shown and "d’une autre origine" in shown


def test_an_authentication_level_too_low_is_refused(
    proconnect: tuple[Server, str], page: Any
) -> None:
    app, issuer = proconnect
    _, shown = refused_on_return(page, app, issuer, "agent-faible")
    assert "Connexion refusée" in shown and "Code 403." in shown
    assert "n’atteint pas le niveau exigé par ce service" in shown
    assert "niveau reçu\u00a0: eidas1\u00a0; niveaux acceptés\u00a0: eidas2, eidas3" in shown
    with database(app) as session:
        missing = select(User).where(User.email == ACCOUNTS["agent-faible"]["email"])
        assert session.exec(missing).first() is None


def test_the_providers_error_is_shown_in_french(proconnect: tuple[Server, str], page: Any) -> None:
    app, issuer = proconnect
    url, shown = refused_on_return(page, app, issuer, None)
    assert "error=access_denied" in url
    assert "La connexion a été annulée ou refusée chez le fournisseur d’identité." in shown
    assert "Motif donné par le fournisseur\u00a0: «\u00a0L'agent a refusé la connexion" in shown
    assert "(Code d’erreur\u00a0: access_denied.)" in shown
    assert "demande expirée" not in shown and "Code 403." in shown


def test_an_identity_provider_outside_the_allow_list_is_refused(
    proconnect: tuple[Server, str], page: Any
) -> None:
    app, issuer = proconnect
    _, shown = refused_on_return(page, app, issuer, "agent-autre-fi")
    assert "Votre fournisseur d’identité n’est pas accepté par ce service" in shown
    assert "fi-inconnu" in shown


def test_the_sign_in_page_with_the_proconnect_button_is_accessible(
    proconnect: tuple[Server, str], chromium: SignedInChromium
) -> None:
    app, _ = proconnect
    context = chromium.new_context(signed_in=None, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{app.url}/connexion")
        violations = audit(page)
        assert violations == [], report(violations)
        link = page.get_by_role("link", name="Qu’est-ce que ProConnect\u00a0?")
        assert link.get_attribute("href") == "https://www.proconnect.gouv.fr/"
        assert link.get_attribute("target") == "_blank"
        assert "nouvelle fenêtre" in (link.get_attribute("title") or "")
        button = page.get_by_role("button", name="S’identifier avec ProConnect")
        colours = button.evaluate(
            "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]"
        )
        assert colours == ["rgb(0, 0, 145)", "rgb(255, 255, 255)"]  # #000091, white
        button.focus()
        assert button.evaluate("b => getComputedStyle(b).outlineStyle") != "none"
    finally:
        context.close()
