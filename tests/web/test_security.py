"""CSRF on every form, size limits, error pages without traces, logs without answers."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clauses.store.db import make_engine
from clauses.web.settings import Settings
from tests.web.conftest import Browser, sign_in


def test_forms_without_the_token_are_refused(browser: Browser) -> None:
    dossier = browser.new_dossier()
    client = browser.client
    for url, data in (
        ("/dossiers", {"title": "x"}),
        (f"/dossiers/{dossier}/etapes/marche", {"version": "1", "title": "x"}),
        (f"/dossiers/{dossier}/renommer", {"version": "1", "title": "x"}),
        (f"/dossiers/{dossier}/dupliquer", {}),
        (f"/dossiers/{dossier}/archiver", {"version": "1"}),
        (f"/dossiers/{dossier}/supprimer", {"version": "1"}),
        (f"/dossiers/{dossier}/documents", {"sections": "summary"}),
    ):
        missing = client.post(url, data=data, follow_redirects=False)
        assert missing.status_code == 403, url
        assert "Formulaire expiré" in missing.text
        wrong = client.post(url, data={**data, "csrf_token": "faux"}, follow_redirects=False)
        assert wrong.status_code == 403, url
    assert browser.get(f"/dossiers/{dossier}").status_code == 200


def test_a_forged_cookie_is_refused(app: FastAPI) -> None:
    with TestClient(app) as client:
        client.cookies.set("clauses_csrf", "abc.def")
        anonymous = client.post("/connexion", data={"csrf_token": "abc"}, follow_redirects=False)
        assert anonymous.status_code == 403
        sign_in(client)
        response = client.post("/dossiers", data={"csrf_token": "abc"}, follow_redirects=False)
    assert response.status_code == 403


def test_every_page_form_carries_the_token(browser: Browser) -> None:
    dossier = browser.new_dossier()
    for url in (
        "/",
        f"/dossiers/{dossier}",
        f"/dossiers/{dossier}/etapes/lots",
        f"/dossiers/{dossier}/supprimer",
        f"/dossiers/{dossier}/renommer",
        f"/dossiers/{dossier}/documents",
    ):
        html = browser.get(url).text
        assert html.count('method="post"') == html.count('name="csrf_token"'), url


def test_oversized_bodies_get_413_in_french(
    browser: Browser, api: TestClient, settings: Settings
) -> None:
    big = "x" * (settings.max_body_bytes + 10)
    dossier = browser.new_dossier()
    page = browser.post(f"/dossiers/{dossier}/etapes/marche", {"version": "1", "title": big})
    assert page.status_code == 413
    assert "Envoi trop volumineux" in page.text
    response = api.post(
        "/api/v1/advice", content=big.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "taille autorisée" in response.json()["detail"]


def test_server_errors_show_a_french_page_without_trace(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from clauses.web.routes.dossiers import manage

    def broken(**_: object) -> None:
        raise RuntimeError("secret answer: Lycée Jules-Verne")

    monkeypatch.setattr(manage.crud, "list_page", broken)
    with (
        TestClient(app, raise_server_exceptions=False) as client,
        caplog.at_level(logging.ERROR, "clauses.web"),
    ):
        sign_in(client)
        response = client.get("/dossiers")
    assert response.status_code == 500
    assert "Erreur du service" in response.text
    assert "Traceback" not in response.text and "secret answer" not in response.text
    assert "Lycée Jules-Verne" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_answers_never_reach_sql_error_messages(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    assert engine.hide_parameters
    engine.dispose()


def test_healthz_reports_a_database_without_schema(tmp_path: object, settings: Settings) -> None:
    from clauses.web.app import create_app

    app = create_app(settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/empty.db"}))
    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "indisponible"
