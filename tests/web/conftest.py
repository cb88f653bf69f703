"""One app per test module and database backend (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clauses.web.app import create_app
from clauses.web.settings import Settings
from tests.databases import BACKENDS, database

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A test client that behaves like a browser without JavaScript: it keeps its cookies and
    sends the page's CSRF token with every form."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.token = ""

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response = self.client.get(url, **kwargs)
        match = TOKEN_RE.search(response.text)
        if match:
            self.token = match.group(1)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        if not self.token:
            self.get("/")
        kwargs.setdefault("follow_redirects", False)
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def new_dossier(self, title: str = "Essai") -> str:
        response = self.post("/dossiers", {"title": title})
        assert response.status_code == 303
        return response.headers["location"].split("/")[2]

    def version(self, dossier_id: str) -> int:
        page = self.get(f"/dossiers/{dossier_id}/renommer").text
        return int(re.search(r'name="version" value="(\d+)"', page).group(1))  # type: ignore[union-attr]

    def answer(
        self, dossier_id: str, step: str, action: str = "save", **fields: Any
    ) -> httpx.Response:
        data = {"version": str(self.version(dossier_id)), "action": action, **fields}
        return self.post(f"/dossiers/{dossier_id}/etapes/{step}", data)


@pytest.fixture(scope="module", params=BACKENDS)
def settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    folder = tmp_path_factory.mktemp("web")
    with database(request.param, folder) as url:
        yield Settings(database_url=url, data_dir=folder, secret_key="secret de test")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.ctx.engine.dispose()


@pytest.fixture
def browser(app: FastAPI) -> Iterator[Browser]:
    with TestClient(app) as client:
        yield Browser(client)


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def text_of(html: str) -> str:
    """The visible text, spaces normalised (for assertions on French wording)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
