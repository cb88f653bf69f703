"""``/healthz``, what the probes ask: it fails when the database takes no write, and the server
process hands the GIL over often enough to answer it while the API parses a large body (the
outside probe, issue 11, point 6)."""

from __future__ import annotations

import gc
import sys
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from clauses.web.app import create_app
from clauses.web.settings import Settings


def test_healthz_fails_when_the_database_takes_no_write(settings: Settings) -> None:
    app = create_app(settings)
    engine = app.state.ctx.engine
    read_only = (
        "PRAGMA query_only = ON"
        if engine.dialect.name == "sqlite"
        else "SET default_transaction_read_only = on"
    )

    def connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(read_only)
        cursor.close()
        dbapi_connection.commit()  # PostgreSQL: a SET rolled back would be undone

    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        event.listen(engine, "connect", connect)
        engine.dispose()  # the next connections are read-only
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["database"] == "indisponible"
        assert client.get("/").status_code == 200  # it still reads
    engine.dispose()


def test_the_server_process_hands_the_gil_over_often_and_freezes_its_start_up_objects(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """/healthz waits for the GIL while the API's thread parses a body: the server's factory
    shortens Python's switch interval (5 ms), keeps the garbage collector's full passes off
    the objects built at start-up and collects the young generation less often; the tests'
    apps keep Python's defaults."""
    from clauses.web import app as app_module

    monkeypatch.setenv("CLAUSES_DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("CLAUSES_DATA_DIR", str(tmp_path))
    before = sys.getswitchinterval()
    thresholds = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    try:
        app = app_module.create_app_from_env()
        assert sys.getswitchinterval() == pytest.approx(app_module.SWITCH_INTERVAL_S)
        assert app_module.SWITCH_INTERVAL_S < 0.005
        assert gc.get_freeze_count() > 100_000  # the library, the CPV codes, the templates
        # The young generation is not scanned for every 700 objects of the requests in flight.
        assert gc.get_threshold() == (app_module.YOUNG_GC_THRESHOLD, *thresholds[1:])
        assert thresholds[0] < app_module.YOUNG_GC_THRESHOLD
        app.state.ctx.engine.dispose()
    finally:
        sys.setswitchinterval(before)
        gc.set_threshold(*thresholds)
        gc.unfreeze()
