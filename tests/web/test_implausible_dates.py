"""Dates no one can mean are refused, naming their field (issue 20, finding 9: 0001-01-01 was
accepted as a publication date, a follow-up period and a notification date)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from clauses.store.models import Stage
from tests.moves import HOURS_LINE_FORM as LINE
from tests.moves import move_in
from tests.web.conftest import Browser, text_of
from tests.web.stages import AWARD_FORM, place_at

ANCIENT, FAR = "0001-01-01", "9999-12-31"


def test_a_publication_date_of_year_one_is_refused(app: FastAPI, browser: Browser) -> None:
    dossier = browser.new_dossier()
    place_at(app, dossier, Stage.draft)
    version = str(browser.version(dossier))
    refused = browser.post(
        f"/dossiers/{dossier}/publier", {"version": version, "publication_date": ANCIENT}
    )
    assert refused.status_code == 422
    assert "date invraisemblable (attendue à partir du 01/01/2000)" in text_of(refused.text)


@pytest.mark.parametrize("day", [ANCIENT, FAR])
def test_an_award_notified_in_year_one_or_9999_is_refused(
    app: FastAPI, browser: Browser, day: str
) -> None:
    dossier = browser.new_dossier()
    place_at(app, dossier, Stage.published)
    version = str(browser.version(dossier))
    form = {**AWARD_FORM, "version": version, "notification_date": day}
    refused = browser.post(f"/dossiers/{dossier}/attribution", form)
    assert refused.status_code == 422
    page = text_of(refused.text)
    assert "Date de notification" in page and "date invraisemblable (attendue entre le" in page


@pytest.mark.parametrize(("name", "day"), [("period_start", ANCIENT), ("period_end", FAR)])
def test_a_followup_period_from_year_one_or_to_9999_is_refused(
    app: FastAPI, browser: Browser, name: str, day: str
) -> None:
    dossier = browser.new_dossier()
    ctx = app.state.ctx
    move_in(ctx.engine, ctx.library, dossier, "lycee-rehabilitation", Stage.in_execution)
    refused = browser.post(f"/dossiers/{dossier}/suivi/heures", {**LINE, name: day})
    assert refused.status_code == 422
    label = {"period_start": "Début de la période", "period_end": "Fin de la période"}[name]
    assert f"{label} : date invraisemblable (attendue entre le 01/01/2000" in text_of(refused.text)
    csv = f"lot;debut;fin;modalite;heures\n1;{ANCIENT};2027-06-30;direct_hiring;10\n"
    imported = browser.post(
        f"/dossiers/{dossier}/suivi/import",
        files={"releve": ("releve.csv", csv.encode(), "text/csv")},
    )
    assert imported.status_code == 422
    assert "date invraisemblable" in text_of(imported.text)
