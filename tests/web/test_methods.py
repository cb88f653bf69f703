"""A method a route does not take: 405, with every method it takes in ``Allow``."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient


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
