"""The DECP object of every example, byte for byte: ``tests/decp/golden/NAME.decp.json``.

What the contract publishes must not move by accident (a refactor of how the award's fields are
declared, say). Regenerate after a deliberate change with
`UPDATE_GOLDEN=1 pytest tests/decp/test_golden.py`, then read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from clauses.decp import DecpSchema
from clauses.demo import seed
from clauses.library import Library
from tests.conftest import AS_OF
from tests.decp.test_decp import NAMES, SCHEMA_PATH, build, example

GOLDEN = Path(__file__).parent / "golden"


def decp_text(name: str, library: Library, schema: DecpSchema) -> str:
    """The example's DECP object as ``clauses decp`` prints it."""
    document = build(example(name), library, schema)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


@pytest.fixture(scope="module")
def schema() -> DecpSchema:
    return DecpSchema.load(SCHEMA_PATH)


@pytest.mark.parametrize("name", NAMES)
def test_example_decp_is_the_golden_one(name: str, library: Library, schema: DecpSchema) -> None:
    produced = decp_text(name, library, schema)
    golden = GOLDEN / f"{name}.decp.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_every_golden_file_has_its_example() -> None:
    assert sorted(p.name.removesuffix(".decp.json") for p in GOLDEN.glob("*.decp.json")) == NAMES


def test_the_seeds_awards_are_the_golden_ones(library: Library, schema: DecpSchema) -> None:
    """The demonstration data's awards (clauses.demo.seed), two per example."""
    planned = seed.plan(
        library,
        count=2 * len(NAMES),
        years=[AS_OF.year - 1, AS_OF.year],
        organisations=seed.demo_organisations(2),
        as_of=AS_OF,
        schema=schema,
    )
    produced = json.dumps([p.award for p in planned], ensure_ascii=False, indent=1) + "\n"
    golden = GOLDEN / "seed-awards.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")
