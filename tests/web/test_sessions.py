"""The session cookies verified once and remembered by their exact value
(:func:`clauses.web.sessions.decode`): the same answers as checking each time."""

from __future__ import annotations

import time
import uuid
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clauses.store.models import Role
from clauses.web import sessions
from clauses.web.settings import Settings
from tests.web.conftest import sign_in

SECRET = "secret des tests de session"


def principal() -> sessions.Principal:
    return sessions.new_principal(
        uuid.uuid4(), "a@region.test", "A", uuid.uuid4(), Role.acheteur, 3
    )


@pytest.fixture(autouse=True)
def forget() -> None:
    sessions._verified.clear()


def test_a_cookie_is_checked_once_then_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    who = principal()
    cookie = sessions.encode(SECRET, who)
    checks: list[str] = []
    check = sessions._decode

    def counting(secret: str, raw: str) -> sessions.Principal | None:
        checks.append(raw)
        return check(secret, raw)

    monkeypatch.setattr(sessions, "_decode", counting)
    assert sessions.decode(SECRET, cookie) == who
    assert sessions.decode(SECRET, cookie) == who
    assert checks == [cookie]
    # Remembered under its secret: another key does not accept it.
    assert sessions.decode("un autre secret", cookie) is None
    assert len(checks) == 2


def test_forged_cookies_are_refused_every_time_and_not_kept() -> None:
    cookie = sessions.encode(SECRET, principal())
    payload, signature = cookie.split(".")
    altered = [f"{payload}.{signature[:-2]}xx", f"{payload[:-4]}AAAA.{signature}", "rien", ""]
    for _ in range(2):
        for raw in altered:
            assert sessions.decode(SECRET, raw) is None
    assert sessions._verified == {}


def test_the_cookies_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "VERIFIED_MAX", 3)
    cookies = [sessions.encode(SECRET, principal()) for _ in range(7)]
    for cookie in cookies:
        assert sessions.decode(SECRET, cookie) is not None
        assert len(sessions._verified) <= 3
    # Forgotten ones are checked again, with the same answer.
    assert sessions.decode(SECRET, cookies[0]) == sessions._decode(SECRET, cookies[0])


def test_a_remembered_cookie_is_revalidated_and_expires(
    app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(app) as client:
        sign_in(client)
        assert client.get("/dossiers", follow_redirects=False).status_code == 200
        name = sessions.cookie_name(False)
        cookie = client.cookies[name]
        assert (app.state.ctx.secret, cookie) in sessions._verified

        def at(seconds_later: float) -> None:
            clock = SimpleNamespace(time=lambda: time.time() + seconds_later)
            monkeypatch.setattr(sessions, "time", clock)
            client.cookies.delete(name)
            client.cookies.set(name, cookie)  # the remembered cookie, as the browser kept it

        # Past the minute: read again from the database, and re-issued.
        at(sessions.REFRESH_SECONDS + 1)
        response = client.get("/dossiers", follow_redirects=False)
        assert response.status_code == 200
        assert response.headers["set-cookie"].startswith(f"{name}=")
        assert "Max-Age=0" not in response.headers["set-cookie"]
        # Past the idle lifetime: signed out.
        at(settings.session_idle_minutes * 60 + 1)
        response = client.get("/dossiers", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/connexion")
        assert "Max-Age=0" in response.headers["set-cookie"]
