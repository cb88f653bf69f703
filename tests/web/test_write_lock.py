"""Every path that writes takes the process's write lock before its first write statement (issue
20, finding 3): on SQLite, sign-ins, sign-outs, account deletions and invitation acceptances ran
their first statement outside it and deadlocked against the writer's saves until SQLite's busy
time-out (10 s, then a 500 on either side).

SQLite's busy time-out is set to zero here: a write that is not in its turn fails at once (a 500)
instead of waiting, so the test does not depend on timing to see the fault."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from clauses.store import accounts
from clauses.store.db import new_session
from clauses.store.models import Role
from clauses.web.app import create_app
from clauses.web.settings import Settings
from tests.databases import database
from tests.web.conftest import (
    PASSWORD,
    QUICK_HASHER,
    Browser,
    people_of,
)

ROUNDS = 15
SLOWEST_S = 2.0  # the bound; a request that waited on SQLite's lock took 10 s or more


@pytest.fixture
def impatient_app(tmp_path: Any) -> Iterator[FastAPI]:
    """An app on SQLite whose connections never wait for SQLite's own lock."""
    with database("sqlite", tmp_path) as url:
        app = create_app(Settings(database_url=url, data_dir=tmp_path, secret_key="s"))  # type: ignore[arg-type]
        engine = app.state.ctx.engine

        def no_wait(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=0")

        event.listen(engine, "connect", no_wait)
        engine.dispose()
        yield app
        engine.dispose()


def timed(durations: list[float], call: Callable[..., Any], *args: Any) -> Any:
    started = time.perf_counter()
    response = call(*args)
    durations.append(time.perf_counter() - started)
    return response


def test_sign_ins_outs_and_deletions_never_stall_the_saves(
    impatient_app: FastAPI,
) -> None:
    app = impatient_app
    people_of(app)  # the accounts the browsers sign in as
    engine = app.state.ctx.engine
    with new_session(engine) as session:
        for n in range(ROUNDS):
            accounts.add_user(
                session,
                email=f"partant{n}@region.test",
                organisation="Région Test",
                role=Role.acheteur,
                password=PASSWORD,
                hasher=QUICK_HASHER,
            )
    statuses: list[tuple[str, int]] = []
    durations: list[float] = []
    start = threading.Barrier(4)

    def save(user: str) -> None:
        with TestClient(app) as client:
            browser = Browser(client, user)
            dossier = browser.new_dossier()
            start.wait()
            for n in range(ROUNDS * 3):
                response = timed(
                    durations,
                    browser.post,
                    f"/dossiers/{dossier}/etapes/marche",
                    {"version": str(n + 1), "action": "save", "title": f"Essai {n}"},
                )
                statuses.append(("enregistrement", response.status_code))

    def sign_in_and_out() -> None:
        with TestClient(app) as client:
            browser = Browser(client, None)
            start.wait()
            for _ in range(ROUNDS):
                browser.get("/connexion")
                data = {"email": "referent@region.test", "password": PASSWORD}
                signed = timed(durations, browser.post, "/connexion", data)
                statuses.append(("connexion", signed.status_code))
                browser.get("/")
                out = timed(durations, browser.post, "/deconnexion")
                statuses.append(("déconnexion", out.status_code))

    def delete_accounts() -> None:
        start.wait()
        for n in range(ROUNDS):
            with TestClient(app) as client:
                browser = Browser(client, None)
                browser.get("/connexion")
                data = {"email": f"partant{n}@region.test", "password": PASSWORD}
                browser.post("/connexion", data)
                browser.get("/compte")
                gone = timed(durations, browser.post, "/compte/supprimer", {"password": PASSWORD})
                statuses.append(("suppression", gone.status_code))

    with ThreadPoolExecutor(4) as pool:
        futures = [
            pool.submit(save, "acheteur"),
            pool.submit(save, "admin"),
            pool.submit(sign_in_and_out),
            pool.submit(delete_accounts),
        ]
        for future in futures:
            future.result()
    assert {status for _, status in statuses} == {303}, [s for s in statuses if s[1] != 303]
    assert max(durations) < SLOWEST_S
