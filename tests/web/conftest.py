"""One app per test module and database backend (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from clauses.store import accounts
from clauses.store.db import new_session
from clauses.store.models import Role, User
from clauses.web import sessions
from clauses.web.app import create_app
from clauses.web.settings import Settings
from tests.databases import BACKENDS, database

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "mot de passe de test"
# Tests only: Argon2id at its cheapest, so that the accounts made and checked cost nothing.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass(frozen=True)
class People:
    """The accounts of one test app: three members of « Région Test » (one per role), an
    acheteur of « Autre Région », and a facilitator (granted dossiers by the tests)."""

    acheteur: User
    referent: User
    admin: User
    other: User
    facilitator: User


ACCOUNTS = (
    ("acheteur", "acheteur@region.test", "Région Test", Role.acheteur),
    ("referent", "referent@region.test", "Région Test", Role.referent),
    ("admin", "admin@region.test", "Région Test", Role.admin),
    ("other", "acheteur@autre.test", "Autre Région", Role.acheteur),
)
FACILITATOR_EMAIL = "facilitateur@emploi.test"
EMAILS = {key: email for key, email, *_ in ACCOUNTS} | {"facilitator": FACILITATOR_EMAIL}


def seed_people(engine: Engine) -> People:
    """The test accounts in that database, made if they are not there (the password of each is
    :data:`PASSWORD`)."""
    with new_session(engine) as session:
        made: dict[str, User] = {}
        for key, email, organisation, role in ACCOUNTS:
            try:
                made[key] = accounts.user_by_email(session, email) or accounts.add_user(
                    session,
                    email=email,
                    organisation=organisation,
                    role=role,
                    password=PASSWORD,
                    given_name=key.capitalize(),
                    hasher=QUICK_HASHER,
                )
            except accounts.AccountError:  # made meanwhile by another process
                session.rollback()
                found = accounts.user_by_email(session, email)
                assert found is not None
                made[key] = found
        made["facilitator"] = accounts.user_by_email(
            session, FACILITATOR_EMAIL
        ) or accounts.add_facilitator(
            session, email=FACILITATOR_EMAIL, password=PASSWORD, hasher=QUICK_HASHER
        )
    return People(**made)


def people_of(app: FastAPI) -> People:
    """The test accounts of the app, made on first use."""
    found: People | None = getattr(app.state, "test_people", None)
    if found is None:
        found = app.state.test_people = seed_people(app.state.ctx.engine)
    return found


def sign_in_by_form(client: httpx.Client, email: str, password: str = PASSWORD) -> None:
    """Sign in as a person does, through the form (for clients of a real server)."""
    page = client.get("/connexion")
    token = TOKEN_RE.search(page.text)
    assert token is not None, page.text
    response = client.post(
        "/connexion",
        data={"csrf_token": token.group(1), "email": email, "password": password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def sign_in(client: TestClient, user: str | User = "acheteur") -> User:
    """Give the client the session cookie of one of the app's test accounts, as a sign-in would
    (the sign-in form itself is tested in test_accounts.py)."""
    app: FastAPI = client.app  # type: ignore[assignment]
    ctx = app.state.ctx
    account = getattr(people_of(app), user) if isinstance(user, str) else user
    with new_session(ctx.engine) as session:
        fresh = accounts.get_user(session, account.id)
        assert fresh is not None
        principal = sessions.principal_for(session, fresh)
    name = sessions.cookie_name(ctx.settings.secure_cookies)
    client.cookies.delete(name)  # the one the server set, if any (its domain differs)
    client.cookies.set(name, sessions.encode(ctx.secret, principal))
    return account


class Browser:
    """A test client that behaves like a browser without JavaScript: it keeps its cookies and
    sends the page's CSRF token with every form. It is signed in as the acheteur of the test
    organisation unless told otherwise (``user``: a key of :class:`People`, None for anonymous)."""

    def __init__(self, client: TestClient, user: str | None = "acheteur") -> None:
        self.client = client
        self.token = ""
        if user is None:
            return
        if isinstance(client, TestClient):
            sign_in(client, user)
        else:  # an httpx client of a server started by the test
            sign_in_by_form(client, EMAILS[user])

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response = self.client.get(url, **kwargs)
        match = TOKEN_RE.search(response.text)
        if match:
            self.token = match.group(1)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        if not self.token:
            self.get("/")
        kwargs.setdefault("follow_redirects", False)
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def new_dossier(self, title: str = "Essai") -> str:
        response = self.post("/dossiers", {"title": title})
        assert response.status_code == 303
        return response.headers["location"].split("/")[2]

    def version(self, dossier_id: str) -> int:
        page = self.get(f"/dossiers/{dossier_id}/renommer").text
        return int(re.search(r'name="version" value="(\d+)"', page).group(1))  # type: ignore[union-attr]

    def answer(
        self, dossier_id: str, step: str, action: str = "save", **fields: Any
    ) -> httpx.Response:
        data = {"version": str(self.version(dossier_id)), "action": action, **fields}
        return self.post(f"/dossiers/{dossier_id}/etapes/{step}", data)


@pytest.fixture(scope="module", params=BACKENDS)
def settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    folder = tmp_path_factory.mktemp("web")
    with database(request.param, folder) as url:
        yield Settings(database_url=url, data_dir=folder, secret_key="secret de test")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.ctx.engine.dispose()


@pytest.fixture
def browser(app: FastAPI) -> Iterator[Browser]:
    with TestClient(app) as client:
        yield Browser(client)


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def text_of(html: str) -> str:
    """The visible text, spaces normalised (for assertions on French wording)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
