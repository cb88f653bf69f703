"""Hostile bodies are refused with a clear French error, never a server error: JSON nested or
numbered to exhaust the parser, bodies streamed past the size limit, files posted to the API.

The web app accepts no Word template (no upload, no template parameter): templates that are not
Word files, zip bombs and XML with external entities are refused by the drafter, see
tests/drafting/test_template.py. Here: the same files posted to the API are not even opened.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from clauses import french
from clauses.library import load_library
from clauses.web.app import API_TOO_LARGE
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
        (b'{"a": ' * 80_000, "JSON invalide : imbrication trop profonde"),  # under the limit
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


def largest_profile() -> dict[str, object]:
    """The largest plausible profile: 200 lots whose titles have 1 000 characters (the DECP's
    most for an ``objet``), every optional key, and a strategy retaining each mechanism of the
    library on every lot with every key of its own filled in."""
    text = (
        "Réhabilitation énergétique et désamiantage des lycées ; clause d’insertion – « chantier »."
    )
    title = (text * 12)[:1000]
    lots = [{"title": title, "cpv": "45262500-6", "estimated_amount_eur": 12_345_678.9}] * 200
    mechanisms = [
        {"id": m, "lots": list(range(1, 201)), "weight_percent": 10.0}
        for m in load_library().mechanisms
    ]
    return {
        "title": title,
        "nature": "works",
        "cpv": "45214220-8",
        "estimated_amount_eur": 2_469_135_780.0,
        "duration_months": 48,
        "launch_date": "2026-10-05",
        "buyer_kind": "region",
        "region_code": "52",
        "lots": [lot | {"labour_share": 0.45} for lot in lots],
        "labour_share": 0.45,
        "insertion_rate": 0.07,
        "hourly_cost_eur": 31.5,
        "transferred_staff_monthly_hours": 1200.5,
        "facilitator_available": True,
        "local_offer": {"insertion": "many", "disability": "some"},
        "strategy": {
            "mechanisms": mechanisms,
            "hours_override": {str(lot): 12_345 for lot in range(1, 201)},
            "hours_override_reason": title,
            "penalty_eur_per_hour": 45.0,
            "facilitator": {"name": title[:200], "organisation": title[:200]},
            "ccap_article": title[:200],
            "derogation": {"ground": title[:200], "justification": title * 2},
        },
    }


def test_the_largest_plausible_profile_fits_the_api_limit_with_room(
    api: TestClient, settings: Settings
) -> None:
    body = largest_profile()
    # As Python writes it by default (accents escaped: about 340 kB), with 40 % to spare; and
    # indented by two spaces (about 365 kB). The examples' profiles take 1 to 2 kB.
    compact, indented = json.dumps(body).encode(), json.dumps(body, indent=2).encode()
    assert len(compact) * 1.4 < settings.max_api_body_bytes, len(compact)
    assert len(indented) < settings.max_api_body_bytes, len(indented)
    response = api.post("/api/v1/advice", content=json.dumps(body, indent=2), headers=JSON)
    assert response.status_code != 413
    # Read whole: an answer on the profile (the strategy's refusals name its keys).
    assert response.status_code == 200 or all(
        p["field"].startswith("strategy") for p in response.json()["detail"]
    ), response.text


def test_an_api_body_over_its_limit_gets_413_naming_the_limit(
    api: TestClient, browser: Browser, settings: Settings
) -> None:
    assert settings.max_api_body_bytes < settings.max_body_bytes
    size = settings.max_api_body_bytes + 1
    for content in (b" " * size, chunks(size)):  # announced, then streamed
        response = api.post("/api/v1/advice", content=content, headers=JSON)
        assert response.status_code == 413
        limit = french.number(settings.max_api_body_bytes)
        assert response.json() == {"detail": API_TOO_LARGE.format(limit=limit)}
        assert "taille autorisée pour l’API est de 500" in response.json()["detail"]
    # A form of that size is not the API's: the pages keep their own limit.
    dossier = browser.new_dossier()
    page = browser.post(
        f"/dossiers/{dossier}/etapes/marche", {"version": "1", "title": "x" * (size - 1000)}
    )
    assert page.status_code != 413


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
