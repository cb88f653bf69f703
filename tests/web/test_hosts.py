"""The host names the server answers to (``CLAUSES_ALLOWED_HOSTS``): the others get 421, and
nothing built from their Host header."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from clauses.web.app import create_app
from clauses.web.settings import Settings
from tests.web.conftest import text_of
from tests.web.test_api_limits import VALID


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
