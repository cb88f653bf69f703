"""The trivial route: ``/robots.txt`` keeps search engines out of the dossiers (it is also the
reference route of the web benchmark, bench/run.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_robots_txt_disallows_everything(api: TestClient) -> None:
    response = api.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "User-agent: *\nDisallow: /\n"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in response.headers  # no session for robots
    assert "/robots.txt" not in api.get("/openapi.json").json()["paths"]
