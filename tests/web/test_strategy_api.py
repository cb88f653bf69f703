"""The API body's ``strategy``: 422 naming the key for each kind of rule, and the resolved
strategy drafted."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.strategy.test_shells import RULES, with_strategy


@pytest.mark.parametrize(("strategy", "key"), RULES)
@pytest.mark.parametrize("path", ["/api/v1/advice", "/api/v1/strategy", "/api/v1/draft"])
def test_api_refuses_with_422_naming_the_key(
    api: TestClient, path: str, strategy: Any, key: str
) -> None:
    response = api.post(path, params={"as_of": "2026-11-22"}, json=with_strategy(strategy))
    assert response.status_code == 422
    assert key in {p["field"] for p in response.json()["detail"]}, response.json()


def test_api_resolves_and_drafts_the_strategy(api: TestClient) -> None:
    body = with_strategy({"mechanisms": [{"id": "insertion_clause", "lots": [2]}]})
    resolved = api.post("/api/v1/strategy", params={"as_of": "2026-11-22"}, json=body)
    assert resolved.status_code == 200
    assert [h["lot"] for h in resolved.json()["hours"]] == [2]
    assert api.post("/api/v1/advice", params={"as_of": "2026-11-22"}, json=body).status_code == 200
    drafted = api.post("/api/v1/draft", params={"as_of": "2026-11-22"}, json=body)
    assert drafted.status_code == 200 and drafted.content[:2] == b"PK"
