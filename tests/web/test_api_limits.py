"""The API's answers to hostile bodies (the outside probe, issue 11, point 6): too many keys
refused while parsing, errors bounded and the rest counted, long keys not echoed whole, the
schema's types kept, and 503 at once past the requests it holds in memory. The latency of
``/healthz`` meanwhile is measured by ``bench/run.py`` (``healthz_hostile_*``)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clauses import french
from clauses.web.routes import api as api_routes
from clauses.web.routes.api import MAX_ERRORS, MAX_FIELD, MAX_KEYS
from clauses.web.settings import Settings

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
