"""Regression tests for the findings of the outside probe (issue 11, point 6). The latency of
``/healthz`` under hostile API bodies is measured by ``bench/run.py`` (``healthz_hostile_*``)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import json
import sys
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from clauses import french
from clauses.profile import MAX_LOTS
from clauses.web.app import create_app
from clauses.web.routes import api as api_routes
from clauses.web.routes.api import MAX_ERRORS, MAX_FIELD, MAX_KEYS
from clauses.web.routes.dossiers import steps
from clauses.web.settings import Settings
from tests.web.conftest import Browser, text_of

BASE: dict[str, Any] = {"title": "Travaux", "nature": "works", "estimated_amount_eur": 5e6}
VALID = {**BASE, "duration_months": 12}
PATHS = ["/api/v1/advice", "/api/v1/draft"]


def detail(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 422, response.text
    problems: list[dict[str, str]] = response.json()["detail"]
    return problems


def test_an_object_of_thousands_of_keys_is_refused_while_parsing(
    api: TestClient, settings: Settings
) -> None:
    body = json.dumps({f"k{i}": 0 for i in range(settings.max_api_body_bytes // 13)})
    assert len(body) <= settings.max_api_body_bytes
    for path in ("/api/v1/advice", "/api/v1/draft"):
        response = api.post(path, content=body, headers={"content-type": "application/json"})
        assert detail(response) == [
            {"field": "(corps)", "message": f"objet JSON de plus de {MAX_KEYS} clés"}
        ]


def test_errors_reported_are_bounded_and_the_rest_counted(api: TestClient) -> None:
    unknown = 39  # unknown keys per lot: many more errors than are reported
    lots = [{f"cle{k}": 1 for k in range(unknown)} for _ in range(200)]
    response = api.post("/api/v1/advice", json={**BASE, "lots": lots})
    problems = detail(response)
    # Per lot: the unknown keys, its title and its amount missing; and the duration missing.
    total = 200 * (unknown + 2) + 1
    assert len(problems) == MAX_ERRORS + 1
    assert len(response.content) < 20_000
    assert problems[0]["field"] == "duration_months"
    assert problems[-1] == {
        "field": "(profil)",
        "message": f"et {french.number(total - MAX_ERRORS)} autres erreurs non détaillées : "
        "corrigez d’abord celles-ci",
    }


def test_a_key_as_long_as_the_limit_allows_is_not_echoed_whole(
    api: TestClient, settings: Settings
) -> None:
    key = "a" * (settings.max_api_body_bytes - 200)
    problems = detail(api.post("/api/v1/advice", json={**VALID, key: 1}))
    assert [len(p["field"]) for p in problems] == [MAX_FIELD]
    assert problems[0]["field"] == "a" * (MAX_FIELD - 1) + "…"
    assert "clé inconnue" in problems[0]["message"]


def test_an_integer_cpv_is_refused_as_the_schema_says(api: TestClient) -> None:
    lot = {"title": "Lot", "estimated_amount_eur": 1000, "cpv": 45000000}
    problems = detail(api.post("/api/v1/advice", json={**VALID, "lots": [lot]}))
    assert problems == [{"field": "lots[1].cpv", "message": "texte attendu (code CPV du lot)"}]
    problems = detail(api.post("/api/v1/advice", json={**VALID, "cpv": 45000000}))
    assert problems == [{"field": "cpv", "message": "texte attendu (code CPV principal)"}]
    spec = api.get("/openapi.json").json()["components"]["schemas"]
    assert spec["Lot"]["properties"]["cpv"]["anyOf"][0]["type"] == "string"


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


def test_lots_stop_at_the_profiles_maximum_and_say_so(browser: Browser) -> None:
    dossier = browser.new_dossier()
    lots = {f"lots-{i}-title": f"Lot {i + 1}" for i in range(MAX_LOTS - 1)}
    response = browser.answer(
        dossier, "lots", action="add_lot", **{"lots-count": str(MAX_LOTS - 1), **lots}
    )
    location = response.headers["location"]  # the last one is added, and focused
    assert "notice=lots-max" not in location and f"focus=lots-{MAX_LOTS - 1}-title" in location
    page = browser.get(f"/dossiers/{dossier}/etapes/lots").text
    assert f'id="lots-{MAX_LOTS - 1}-title"' in page
    lots[f"lots-{MAX_LOTS - 1}-title"] = "Dernier lot"
    for headers in ({}, {"HX-Request": "true"}):
        data = {"version": str(browser.version(dossier)), "action": "add_lot"}
        data |= {"lots-count": str(MAX_LOTS), **lots}
        response = browser.post(f"/dossiers/{dossier}/etapes/lots", data, headers=headers)
        page = browser.get(response.headers["location"]).text if not headers else response.text
        assert f"Un marché compte au plus {MAX_LOTS} lots" in text_of(page)
        saved = browser.get(f"/dossiers/{dossier}/etapes/lots").text
        assert f'id="lots-{MAX_LOTS}-title"' not in saved  # none added
        assert 'value="Dernier lot"' in saved and 'value="Lot 1"' in saved  # none lost


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/", "GET"),
        ("GET", "/api/v1/advice", "POST"),
        ("DELETE", "/healthz", "GET"),
        ("PATCH", "/dossiers", "GET, POST"),  # two routes: Starlette named only the first
        ("PUT", f"/dossiers/{uuid.UUID(int=0)}/etapes/marche", "GET, POST"),
        ("PUT", "/static/css/app.css", "GET, HEAD"),  # static files named none
    ],
)
def test_405_says_which_methods_are_allowed(
    api: TestClient, method: str, path: str, allow: str
) -> None:
    response = api.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow


def test_only_the_allowed_host_names_are_answered(settings: Settings) -> None:
    assert Settings().allowed_hosts == ["testserver", "localhost", "127.0.0.1", "[::1]"]
    assert Settings.model_fields["allowed_hosts"].default == ["localhost", "127.0.0.1", "[::1]"]
    allowed = settings.model_copy(update={"allowed_hosts": ["clauses.region.fr", "*.region.fr"]})
    app = create_app(allowed)
    with TestClient(app, base_url="http://clauses.region.fr") as client:
        # The slash redirect builds its URL from Host: only ours are echoed.
        response = client.get("/dossiers/", follow_redirects=False)
        assert response.headers["location"] == "http://clauses.region.fr/dossiers"
        for host in ("evil.example", "clauses.region.fr.evil.example", "region.fr"):
            response = client.get("/dossiers/", headers={"host": host}, follow_redirects=False)
            assert response.status_code == 421
            assert "location" not in response.headers and host not in response.text
            assert "CLAUSES_ALLOWED_HOSTS" in text_of(response.text)
            api = client.post("/api/v1/advice", json=VALID, headers={"host": host})
            assert api.status_code == 421 and "ne répond pas sous ce nom" in api.json()["detail"]
        assert client.get("/", headers={"host": "www.region.fr:8000"}).status_code == 200
        # Probes reach /healthz by the bare address.
        assert client.get("/healthz", headers={"host": "10.0.0.7:8000"}).status_code == 200
    app.state.ctx.engine.dispose()


def test_allowed_hosts_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUSES_ALLOWED_HOSTS", " Clauses.Region.fr, localhost ,")
    assert Settings().allowed_hosts == ["clauses.region.fr", "localhost"]


def test_a_long_list_of_lots_is_answered_off_the_event_loop(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 1 MB form of 200 lots took hundreds of milliseconds to advise and render: on the event
    # loop, every other request waited meanwhile.
    on_loop: list[bool] = []
    view = steps.wizard_view

    def watched(*args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return view(*args, **kwargs)

    monkeypatch.setattr(steps, "wizard_view", watched)
    dossier = browser.new_dossier()
    lots = {f"lots-{i}-title": f"Lot {i + 1}" for i in range(MAX_LOTS)}
    for fields in ({"title": "Travaux"}, {"lots-count": str(MAX_LOTS), **lots}):
        data = {"version": str(browser.version(dossier)), "action": "save", **fields}
        step = "lots" if "lots-count" in fields else "marche"
        response = browser.post(
            f"/dossiers/{dossier}/etapes/{step}", data, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
    assert on_loop == [True, False]  # a short form stays on the loop, where it is faster


def test_api_requests_past_the_limit_in_progress_get_503_at_once(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One thread computes at a time; the requests in progress keep their body in memory.
    monkeypatch.setattr(api_routes, "MAX_IN_PROGRESS", 3)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await asyncio.gather(*(client.post(path, json=VALID) for path in PATHS * 6))

    # On a thread of its own: the module's other tests may leave this thread's loop running.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        responses = pool.submit(asyncio.run, burst()).result()
    statuses = [r.status_code for r in responses]
    assert statuses[:3] == [200, 200, 200] and 503 in statuses  # the first three were admitted
    busy = next(r for r in responses if r.status_code == 503)
    assert busy.headers["retry-after"] == "1"
    assert busy.json() == {"detail": api_routes.BUSY}
    assert api_routes._in_progress == 0  # every request counted out, refused or not
    operations = app.openapi()["paths"]
    assert all("503" in operations[path]["post"]["responses"] for path in PATHS)


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
