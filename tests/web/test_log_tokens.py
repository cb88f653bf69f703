"""No log line holds the token of a link (issue 20, finding 9: invitation tokens were in the
error lines): the server's error, the refused host, the database unavailable."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clauses.store import accounts
from clauses.store.db import new_session
from clauses.web.logs import loggable
from tests.web.conftest import people_of
from tests.web.test_invitations import invited


def test_an_error_on_an_invitation_link_is_logged_without_its_token(
    app: FastAPI, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = invited(app)

    def broken(*_args: object) -> None:
        raise RuntimeError("panne")

    caplog.set_level(logging.INFO)
    with TestClient(app) as client:
        assert (
            client.get(f"/invitations/{token}", headers={"host": "ailleurs.test"}).status_code
            == 421
        )
        monkeypatch.setattr(accounts, "open_invitation", broken)
        assert client.get(f"/invitations/{token}").status_code == 500
        logging.getLogger("uvicorn.error").error("requête %s", f"/invitations/{token}?x=1")
    lines = [  # the server's lines (not the test client's own, httpx's)
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("clauses", "uvicorn"))
    ]
    assert any(line.startswith("erreur RuntimeError sur GET") for line in lines), lines
    assert any("/invitations/…" in line for line in lines), lines
    assert not any(token in line for line in lines), lines


def test_an_error_on_a_password_link_is_logged_without_its_token(
    app: FastAPI, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 23: the links that set a password (an invited member's, a forgotten one's)."""
    people = people_of(app)
    with new_session(app.state.ctx.engine) as session:
        user = accounts.get_user(session, people.acheteur.id)
        assert user is not None
        token = accounts.new_password_link(
            session, user, purpose=accounts.RESET_PURPOSE, valid=dt.timedelta(hours=1)
        )

    def broken(*_args: object) -> None:
        raise RuntimeError("panne")

    caplog.set_level(logging.INFO)
    with TestClient(app) as client:
        monkeypatch.setattr(accounts, "open_password_link", broken)
        assert client.get(f"/mot-de-passe/{token}").status_code == 500
        logging.getLogger("uvicorn.error").error("requête %s", f"/mot-de-passe/{token}?x=1")
    lines = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("clauses", "uvicorn"))
    ]
    assert any("/mot-de-passe/…" in line for line in lines), lines
    assert not any(token in line for line in lines), lines
    assert loggable(f"/mot-de-passe/{token}") == "/mot-de-passe/…"
    assert loggable("/mot-de-passe-oublie") == "/mot-de-passe-oublie"
