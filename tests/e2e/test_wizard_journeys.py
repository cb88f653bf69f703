"""The buyer's ten minutes: the two typical journeys (tests/e2e/journeys.py), with and without
JavaScript, on a desktop and on a phone. Every page state fits the screen, no raw field name is
shown, a CPV search loses no answer (asserted in the journey), and the Word file is downloaded."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Server
from tests.e2e.journeys import JOURNEYS, WIDTHS, run_journey

# What a typical tender may cost the buyer (issue: ≤ 20 answers).
MAX_ANSWERS = 20


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("name", list(JOURNEYS))
def test_journey(chromium: Any, server: Server, name: str, javascript: bool, width: int) -> None:
    run = run_journey(chromium, server.url, name, javascript=javascript, width=width)
    assert run.filename.endswith(".docx")
    assert not run.overflows, run.overflows
    assert not run.jargon, run.jargon
    assert len(run.pages) >= 8
    assert 0 < run.answers <= MAX_ANSWERS
    assert run.requests > 0
