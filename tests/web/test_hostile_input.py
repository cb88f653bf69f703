"""Hostile bodies are refused with a clear French error, never a server error: JSON nested or
numbered to exhaust the parser, bodies streamed past the size limit, files posted to the API.

The web app accepts no Word template (no upload, no template parameter): templates that are not
Word files, zip bombs and XML with external entities are refused by the drafter, see
tests/drafting/test_template.py. Here: the same files posted to the API are not even opened.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from clauses.web.settings import Settings
from tests.web.conftest import Browser

JSON = {"content-type": "application/json"}
PROFILE = b'{"title": "x", "nature": "works", "estimated_amount_eur": %s, "duration_months": 6}'


@functools.cache
def zip_bomb() -> bytes:
    """50 MB of zeros in 50 kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<x/>")
        archive.writestr("word/document.xml", b"\x00" * 50_000_000)
    return out.getvalue()


XXE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 200_000, "JSON invalide : imbrication trop profonde"),
        (b'{"a": ' * 100_000, "JSON invalide : imbrication trop profonde"),
        (PROFILE % (b"9" * 5000), "JSON invalide"),  # past Python's limit on integer digits
        (b"title: Travaux\nnature: works\n", "JSON invalide"),  # YAML is for the command line
        ('{"title": "é"}'.encode("latin-1"), "JSON invalide"),
        (zip_bomb(), "JSON invalide"),
        (XXE, "JSON invalide"),
    ],
    ids=["deep list", "deep object", "huge integer", "yaml", "latin-1", "zip bomb", "xxe"],
)
@pytest.mark.parametrize("path", ["/api/v1/advice", "/api/v1/draft"])
def test_unreadable_bodies_get_422_naming_the_body(
    api: TestClient, path: str, body: bytes, message: str
) -> None:
    response = api.post(path, content=body, headers=JSON)
    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "(corps)", "message": message}]}


def chunks(total: int, size: int = 64_000) -> Iterator[bytes]:
    """A body streamed without Content-Length."""
    for start in range(0, total, size):
        yield b" " * min(size, total - start)


def test_a_body_streamed_past_the_limit_gets_413(api: TestClient, settings: Settings) -> None:
    response = api.post("/api/v1/draft", content=chunks(settings.max_body_bytes + 1), headers=JSON)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert "taille autorisée" in response.json()["detail"]


def test_a_file_posted_to_a_form_gets_the_french_413_page(
    browser: Browser, settings: Settings
) -> None:
    browser.get("/")
    for headers in ({}, {"HX-Request": "true"}):
        response = browser.client.post(
            "/dossiers",
            data={"csrf_token": browser.token},
            files={"modele": ("modele.docx", b"\x00" * settings.max_body_bytes)},
            headers=headers,
        )
        assert response.status_code == 413
        assert "Envoi trop volumineux" in response.text
        assert "Réduisez les textes saisis" in response.text


def test_the_api_takes_no_upload(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    for operations in spec["paths"].values():
        for operation in operations.values():
            assert set(operation.get("requestBody", {}).get("content", {})) <= {"application/json"}
            assert "template" not in {p["name"] for p in operation.get("parameters", [])}
