"""The sizing step explains each default and each answer's effect from one advice: a save of
the hours step does not advise again per answer to show what it changes."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from clauses.advisor import advise as original
from tests.web.conftest import Browser

CLEANING = {
    "title": "Nettoyage des lycées",
    "nature": "services",
    "cpv": "90910000-9",
    "estimated_amount_eur": "1 200 000",
    "duration_months": "36",
}
SIZING = {
    "labour_share": "70",
    "insertion_rate": "7",
    "hourly_cost_eur": "26",
    "transferred_staff_monthly_hours": "900",
}


def count_advise(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every call of ``advise()``, under whatever name a module imported it."""
    calls = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("clauses") and getattr(module, "advise", None) is original:
            monkeypatch.setattr(module, "advise", counted)
    return calls


def test_one_save_of_the_hours_step_advises_at_most_twice(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **CLEANING)
    browser.answer(dossier, "heures", **SIZING)
    calls = count_advise(monkeypatch)
    data = {
        "version": str(browser.version(dossier)),
        "action": "save",
        **SIZING,
        "insertion_rate": "8",
    }
    saved = browser.post(f"/dossiers/{dossier}/etapes/heures", data, headers={"HX-Request": "true"})
    assert saved.status_code == 200
    # Every answer is explained: its default, and what it changes to the hours.
    assert saved.text.count("Sans réponse\u00a0:") == len(SIZING)
    assert "aucun personnel repris" in saved.text
    assert calls[0] <= 2, calls[0]
