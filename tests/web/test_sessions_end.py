"""A sign-out or an account's deletion ends the account's sessions from the next request (issue
20, finding 9: a deleted or signed-out account kept reading and writing for up to 60 s; a deleted
account created a dossier 0.3 s after its deletion)."""

from __future__ import annotations

import itertools

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import func, select

from clauses.store import accounts
from clauses.store.db import new_session
from clauses.store.models import Dossier, Role, User
from clauses.web import revocations
from clauses.web.app import create_app
from clauses.web.settings import Settings
from tests.web.conftest import PASSWORD, QUICK_HASHER, Browser

NUMBERS = itertools.count()


def new_account(app: FastAPI) -> User:
    with new_session(app.state.ctx.engine) as session:
        return accounts.add_user(
            session,
            email=f"session{next(NUMBERS)}@region.test",
            organisation="Région Test",
            role=Role.acheteur,
            password=PASSWORD,
            hasher=QUICK_HASHER,
        )


def dossiers_of(app: FastAPI, user: User) -> int:
    with new_session(app.state.ctx.engine) as session:
        query = select(func.count()).select_from(Dossier).where(Dossier.author_id == user.id)
        return int(session.exec(query).one())


def refused(browser: Browser) -> bool:
    """The session is over: a page and a form both lead to the sign-in page, nothing made."""
    page = browser.client.get("/dossiers", follow_redirects=False)
    made = browser.client.post(
        "/dossiers", data={"csrf_token": browser.token, "title": "Après"}, follow_redirects=False
    )
    return all(
        r.status_code == 303 and r.headers["location"].startswith("/connexion")
        for r in (page, made)
    )


def test_a_sign_out_ends_the_accounts_other_sessions_at_the_next_request(app: FastAPI) -> None:
    user = new_account(app)
    with TestClient(app) as first, TestClient(app) as second:
        leaving, elsewhere = Browser(first, user), Browser(second, user)  # type: ignore[arg-type]
        elsewhere.get("/")
        assert leaving.post("/deconnexion").status_code == 303
        assert refused(elsewhere)
    assert dossiers_of(app, user) == 0


def test_a_deleted_account_is_refused_at_the_next_request(app: FastAPI) -> None:
    user = new_account(app)
    with TestClient(app) as first, TestClient(app) as second:
        leaving, elsewhere = Browser(first, user), Browser(second, user)  # type: ignore[arg-type]
        elsewhere.get("/")
        leaving.get("/compte")
        assert leaving.post("/compte/supprimer", {"password": PASSWORD}).status_code == 303
        assert refused(elsewhere)
    assert dossiers_of(app, user) == 0


def test_another_process_refuses_them_once_it_has_read_the_revocations(
    app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes on one database (two apps): the second reads the first's sign-out (at
    every request here; within POLL_SECONDS in production)."""
    monkeypatch.setattr(revocations, "POLL_SECONDS", 0.0)
    user = new_account(app)
    other_process = create_app(settings)
    with TestClient(app) as first, TestClient(other_process) as second:
        leaving, elsewhere = Browser(first, user), Browser(second, user)  # type: ignore[arg-type]
        elsewhere.get("/")
        assert leaving.post("/deconnexion").status_code == 303
        assert refused(elsewhere)
        again = Browser(second, user)  # type: ignore[arg-type]  # a new sign-in works
        assert again.get("/dossiers", follow_redirects=False).status_code == 200
    other_process.state.ctx.engine.dispose()
