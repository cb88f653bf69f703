from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from clauses.library import Library, load_library
from clauses.profile import TenderProfile, parse_profile

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
AS_OF = dt.date(2026, 11, 22)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Starlette's test client calls itself « testserver »: the apps the tests build (whatever their
# settings) and the servers they start answer to it besides the default local names.
os.environ.setdefault("CLAUSES_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,[::1]")


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


def make_profile(**overrides: Any) -> TenderProfile:
    data: dict[str, Any] = {
        "title": "Travaux de rénovation du lycée",
        "nature": "works",
        "cpv": "45000000-7",
        "estimated_amount_eur": 1_000_000,
        "duration_months": 12,
        "launch_date": "2026-11-02",
    }
    data.update(overrides)
    return parse_profile({k: v for k, v in data.items() if v is not None})


def require_tool(name: str) -> str:
    """The path of a system tool the test needs; in CI its absence is a failure, not a skip."""
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is required in CI (installed by .ci/run)")
        pytest.skip(f"{name} is not installed (apt-get install it, or run .ci/run)")
    return path
