"""The test harness itself: the tiers (tests/conftest.py) and the deadlines under load."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests import conftest
from tests.conftest import FOLDER_TIERS, TIERS, tier_problem, under_load


def fake_item(*marks: str) -> Any:
    return SimpleNamespace(
        nodeid="tests/x/test_y.py::test_z",
        iter_markers=lambda: [SimpleNamespace(name=name) for name in marks],
    )


def test_a_test_has_exactly_one_tier_postgres_aside() -> None:
    assert tier_problem(fake_item("core")) is None
    assert tier_problem(fake_item("web", "postgres", "parametrize")) is None
    assert tier_problem(fake_item("postgres")) == "tests/x/test_y.py::test_z: no tier"
    assert tier_problem(fake_item("web", "libreoffice")) == (
        "tests/x/test_y.py::test_z: libreoffice + web"
    )


def test_every_folder_of_tests_has_a_tier(request: pytest.FixtureRequest) -> None:
    tests = request.config.rootpath / "tests"
    folders = {p.parent.name for p in tests.glob("*/test_*.py")}
    assert folders, f"no test folder below {tests}"
    assert folders <= set(FOLDER_TIERS), folders - set(FOLDER_TIERS)
    assert set(FOLDER_TIERS.values()) <= set(TIERS)


@pytest.mark.parametrize(
    ("load", "seconds"), [(0.1, 30), (2.0, 30), (4.0, 60), (9.0, 135), (100.0, 300)]
)
def test_deadlines_stretch_with_the_load_per_core(
    monkeypatch: pytest.MonkeyPatch, load: float, seconds: float
) -> None:
    monkeypatch.setattr(conftest.os, "getloadavg", lambda: (load, 0.0, 0.0))
    monkeypatch.setattr(conftest.os, "cpu_count", lambda: 2)
    assert under_load(30) == pytest.approx(seconds)
