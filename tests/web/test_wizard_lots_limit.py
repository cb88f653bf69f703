"""The wizard's lots step at the profile's maximum of lots: no lot added past it, none lost, and
a long list advised and rendered off the event loop."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from clauses.profile import MAX_LOTS
from clauses.web.routes.dossiers import steps
from tests.web.conftest import Browser, text_of


def test_lots_stop_at_the_profiles_maximum_and_say_so(browser: Browser) -> None:
    dossier = browser.new_dossier()
    lots = {f"lots-{i}-title": f"Lot {i + 1}" for i in range(MAX_LOTS - 1)}
    response = browser.answer(
        dossier, "lots", action="add_lot", **{"lots-count": str(MAX_LOTS - 1), **lots}
    )
    location = response.headers["location"]  # the last one is added, and focused
    assert "notice=lots-max" not in location and f"focus=lots-{MAX_LOTS - 1}-title" in location
    page = browser.get(f"/dossiers/{dossier}/etapes/lots").text
    assert f'id="lots-{MAX_LOTS - 1}-title"' in page
    lots[f"lots-{MAX_LOTS - 1}-title"] = "Dernier lot"
    for headers in ({}, {"HX-Request": "true"}):
        data = {"version": str(browser.version(dossier)), "action": "add_lot"}
        data |= {"lots-count": str(MAX_LOTS), **lots}
        response = browser.post(f"/dossiers/{dossier}/etapes/lots", data, headers=headers)
        page = browser.get(response.headers["location"]).text if not headers else response.text
        assert f"Un marché compte au plus {MAX_LOTS} lots" in text_of(page)
        saved = browser.get(f"/dossiers/{dossier}/etapes/lots").text
        assert f'id="lots-{MAX_LOTS}-title"' not in saved  # none added
        assert 'value="Dernier lot"' in saved and 'value="Lot 1"' in saved  # none lost


def test_a_long_list_of_lots_is_answered_off_the_event_loop(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 1 MB form of 200 lots took hundreds of milliseconds to advise and render: on the event
    # loop, every other request waited meanwhile.
    on_loop: list[bool] = []
    view = steps.wizard_view

    def watched(*args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return view(*args, **kwargs)

    monkeypatch.setattr(steps, "wizard_view", watched)
    dossier = browser.new_dossier()
    lots = {f"lots-{i}-title": f"Lot {i + 1}" for i in range(MAX_LOTS)}
    for fields in ({"title": "Travaux"}, {"lots-count": str(MAX_LOTS), **lots}):
        data = {"version": str(browser.version(dossier)), "action": "save", **fields}
        step = "lots" if "lots-count" in fields else "marche"
        response = browser.post(
            f"/dossiers/{dossier}/etapes/{step}", data, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
    assert on_loop == [True, False]  # a short form stays on the loop, where it is faster
