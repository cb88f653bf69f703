from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from clauses.library import Library, load_library
from clauses.profile import TenderProfile, parse_profile
from tests.libreoffice import LibreOffice

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


def require_cpv_file() -> Path:
    """The CPV nomenclature the settings point at (``CLAUSES_CPV_FILE``, ../shared/data by
    default); in CI its absence is a failure, not a skip."""
    from clauses.web.settings import Settings

    path = Settings().cpv_file
    if not path.is_file():
        if IN_CI:
            pytest.fail(f"CPV nomenclature required in CI ({path})")
        pytest.skip(f"CPV nomenclature absent ({path})")
    return path


def under_load(seconds: float, most: float = 10.0) -> float:
    """A deadline of ``seconds`` on a machine with a core free, stretched by the machine's load
    per core (the last minute's average) when it is busier, up to ``most`` times: the fixed 30 s
    given to a server to start failed the SIGKILL test while several runs shared two cores."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    return seconds * min(max(1.0, load), most)


@pytest.fixture
def libreoffice(tmp_path: Path) -> LibreOffice:
    """LibreOffice with a profile of the test's own; asking for it puts the test in the
    ``libreoffice`` tier."""
    return LibreOffice(require_tool("soffice"), tmp_path / "lo-profile")


# --- Tiers ----------------------------------------------------------------------------------
#
# Every test has exactly one tier, the kind of machine it needs (README, « Tests par niveau »):
#   core         the pure core: Python alone, no server, browser or LibreOffice (SQLite
#                files at most)
#   web          the web application without a browser (Starlette's TestClient, or a server
#                process spoken to by HTTP)
#   browser      tests/e2e: a live `clauses serve`, driven by Debian's chromium through
#                Playwright (a few files by raw sockets or processes: slow clients, SIGKILL)
#   libreoffice  converts documents with LibreOffice (asks for the `libreoffice` fixture)
#   consumers    runs the DECP consumers' own pipeline (../shared/consumers, builds a
#                virtualenv from the package registry the first time)
# and `postgres` on top of it for the PostgreSQL variant of a test (the `postgres` case of
# tests.databases.BACKENDS, or marked by hand): the one combination allowed.
#
# Set here, in this order: a tier marked by hand (`@pytest.mark.web`, `pytestmark`); the
# `libreoffice` fixture; the test's folder below tests/ (FOLDER_TIERS). A test in a folder not
# listed, or with two tiers, stops the collection: a new folder says which tier it is.
TIERS = ("core", "web", "browser", "libreoffice", "consumers")
FOLDER_TIERS = {
    "": "core",  # the files directly in tests/
    "advisor": "core",
    "decp": "core",
    "drafting": "core",
    "followup": "core",
    "library": "core",
    "questionnaire": "core",
    "spaser": "core",
    "store": "core",
    "strategy": "core",
    "web": "web",
    "e2e": "browser",
}


def tier_problem(item: pytest.Item) -> str | None:
    """Why the test's tiers are not exactly one (None when they are)."""
    tiers = sorted({mark.name for mark in item.iter_markers() if mark.name in TIERS})
    if len(tiers) == 1:
        return None
    return f"{item.nodeid}: {' + '.join(tiers) if tiers else 'no tier'}"


@pytest.hookimpl(tryfirst=True)  # before -m selects on the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    for item in items:
        if any(mark.name in TIERS for mark in item.iter_markers()):
            continue
        if "libreoffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)
            continue
        if not item.path.is_relative_to(tests):
            continue  # not one of ours (a path given outside tests/): no tier to give
        folder = item.path.relative_to(tests).parent.as_posix()
        tier = FOLDER_TIERS.get("" if folder == "." else folder.split("/")[0])
        if tier is not None:
            item.add_marker(getattr(pytest.mark, tier))
    problems = [p for p in map(tier_problem, items) if p is not None]
    if problems:
        raise pytest.UsageError(
            "each test needs exactly one tier among "
            f"{', '.join(TIERS)} (tests/conftest.py, FOLDER_TIERS):\n  "
            + "\n  ".join(problems[:20])
            + (f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else "")
        )
