"""The JSON API against its own OpenAPI document, with schemathesis (in process, over ASGI):
whatever is sent, no server error, and every answer is documented (status code, content type,
body schema); data valid for the schema is accepted, data that is not is refused.

About 2,900 requests, the same ones on every run (derandomized)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from clauses.web.settings import Settings
from tests.databases import database

POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# Examples per operation and kind of data; drafting a Word file costs more than advising.
EXAMPLES = {
    ("POST /api/v1/advice", POSITIVE): 1000,
    ("POST /api/v1/advice", NEGATIVE): 400,  # invalid bodies are slow to generate
    ("POST /api/v1/draft", POSITIVE): 250,
    ("POST /api/v1/draft", NEGATIVE): 250,
    ("POST /api/v1/strategy", POSITIVE): 200,
    ("POST /api/v1/strategy", NEGATIVE): 100,
    ("POST /api/v1/decp", POSITIVE): 200,
    ("POST /api/v1/decp", NEGATIVE): 100,
    ("GET /api/v1/practices", POSITIVE): 600,
    ("GET /api/v1/practices", NEGATIVE): 400,
    ("GET /api/v1/mechanisms", POSITIVE): 1,  # no input: one request says it all
    ("GET /healthz", POSITIVE): 1,
}


@pytest.fixture(scope="module", name="settings")
def sqlite_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The API's answers do not depend on the database backend: SQLite only."""
    folder = tmp_path_factory.mktemp("schema")
    with database("sqlite", folder) as url:
        yield Settings(database_url=url, data_dir=folder, secret_key="secret de test")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def api_schema(app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_operation_is_fuzzed(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {op for op, _ in EXAMPLES}


@pytest.mark.parametrize(("operation", "mode"), list(EXAMPLES), ids=lambda v: str(v))
def test_api_conforms_to_its_schema(api_schema: Any, operation: str, mode: GenerationMode) -> None:
    method, path = operation.split(" ")
    sent = []

    @given(case=api_schema[path][method].as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[operation, mode],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        sent.append(case)
        # JSON Schema cannot say which lots exist or which mechanisms go together: a strategy
        # valid for the schema may still be refused, and then by its own keys only. Nor can it
        # say which award keys the DECP needs (all are optional while a dossier gathers them):
        # an award valid for the schema may lack some, named from ``award`` (or the CPV code,
        # optional in a profile, required in the DECP).
        strategy = isinstance(case.body, dict) and "strategy" in case.body
        decp = path == "/api/v1/decp"
        response = case.call_and_validate(
            excluded_checks=[positive_data_acceptance] if strategy or decp else None
        )
        if (strategy or decp) and mode is POSITIVE and response.status_code == 422:
            fields = [p["field"] for p in response.json()["detail"]]
            allowed = ("strategy", "award", "cpv", "lots[") if decp else ("strategy",)
            assert fields and all(f.startswith(allowed) for f in fields), fields

    check()
    assert len(sent) == EXAMPLES[operation, mode]  # every planned request was sent
