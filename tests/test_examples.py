"""Golden advice for the example tenders: `examples/NAME.advice.json` is the reviewed output.

Regenerate after a deliberate change with `UPDATE_GOLDEN=1 pytest tests/test_examples.py`,
then read the diff before committing it.
"""

import json
import os
from pathlib import Path

import pytest

from clauses.advisor import advise
from clauses.library import Library
from clauses.profile import load_profile
from tests.conftest import AS_OF, EXAMPLES

PROFILES = sorted(EXAMPLES.glob("*.yaml"))


def test_at_least_eight_examples() -> None:
    assert len(PROFILES) >= 8


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_example_advice_matches_golden(path: Path, library: Library) -> None:
    advice = advise(load_profile(path), library, AS_OF)
    produced = json.loads(advice.model_dump_json(exclude_none=True))
    golden = path.with_suffix(".advice.json")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(
            json.dumps(produced, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    assert produced == json.loads(golden.read_text(encoding="utf-8"))
