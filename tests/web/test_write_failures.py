"""Writes the database refuses (full disk, read-only) answer a French 503 page with
``Retry-After``, and ``/healthz`` answers 503 until a write succeeds again (issue 20, finding 8:
/healthz said 200 while every write failed on a full disk, and the writes got a generic 500)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from clauses.store import db
from clauses.web.app import RETRY_AFTER_S, create_app
from clauses.web.settings import Settings
from tests.databases import database
from tests.web.conftest import Browser, text_of

FRENCH = "Le service ne peut pas enregistrer en ce moment (base de données indisponible ou pleine)"


def refusing(engine: Engine, statement: str) -> Any:
    """Every new connection of ``engine`` runs ``statement`` first (the pool is emptied)."""

    def connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()

    event.listen(engine, "connect", connect)
    engine.dispose()
    return connect


def restored(engine: Engine, listener: Any) -> None:
    event.remove(engine, "connect", listener)
    engine.dispose()


def assert_refused_in_french(response: Any) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(RETRY_AFTER_S)
    assert FRENCH in text_of(response.text)


@pytest.fixture
def own_app(tmp_path: Any) -> Iterator[FastAPI]:
    with database("sqlite", tmp_path) as url:
        app = create_app(Settings(database_url=url, data_dir=tmp_path, secret_key="s"))  # type: ignore[arg-type]
        yield app
        app.state.ctx.engine.dispose()


def test_a_full_disk_answers_503_and_healthz_says_so_until_a_write_succeeds(
    own_app: FastAPI,
) -> None:
    """SQLite's own « database or disk is full », from a file that may not grow."""
    engine = own_app.state.ctx.engine
    with TestClient(own_app) as client:
        browser = Browser(client)
        dossier = browser.new_dossier()
        assert client.get("/healthz").status_code == 200
        full = refusing(engine, "PRAGMA max_page_count = 1")  # no page more than it has
        answer = {"version": "1", "action": "save", "title": "Entretien " * 900}
        assert_refused_in_french(browser.post(f"/dossiers/{dossier}/etapes/marche", answer))
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["database"] == "indisponible"
        restored(engine, full)
        assert browser.post(f"/dossiers/{dossier}/etapes/marche", answer).status_code == 303
        assert client.get("/healthz").status_code == 200


def test_a_read_only_database_answers_503_to_every_write(app: FastAPI) -> None:
    engine = app.state.ctx.engine
    statement = (
        "PRAGMA query_only = ON"
        if engine.dialect.name == "sqlite"
        else "SET default_transaction_read_only = on"
    )
    with TestClient(app) as client:
        browser = Browser(client)
        dossier = browser.new_dossier()
        refusal = refusing(engine, statement)
        try:
            save = {"version": "1", "action": "save", "title": "Lecture seule"}
            assert_refused_in_french(browser.post(f"/dossiers/{dossier}/etapes/marche", save))
            assert_refused_in_french(browser.post("/dossiers", {"title": "Refusé"}))
            assert client.get("/healthz").status_code == 503
            assert browser.get(f"/dossiers/{dossier}").status_code == 200  # it still reads
        finally:
            restored(engine, refusal)
        assert browser.post(f"/dossiers/{dossier}/etapes/marche", save).status_code == 303
        assert client.get("/healthz").status_code == 200


def test_healthz_fails_when_the_databases_disk_is_nearly_full(
    own_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(own_app) as client:
        assert client.get("/healthz").status_code == 200
        nearly_full = shutil._ntuple_diskusage(10**12, 10**12 - 1024, 1024)  # type: ignore[attr-defined]
        monkeypatch.setattr(db.shutil, "disk_usage", lambda _path: nearly_full)
        assert client.get("/healthz").status_code == 503
