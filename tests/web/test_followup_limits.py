"""The import of a facilitator's statement is bounded (issue 20, finding 7: 500 kB of valid rows
stored ~10 300 lines; 100 000 invalid rows gave a 22 MB page; a 128 KiB cell gave a 500): rows
per file, lines per contract, bytes in the organisation's quota; the errors listed are the
first 50, the others counted."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clauses.followup.statement import MAX_ROWS
from clauses.store import accounts, stages
from clauses.store.db import new_session
from clauses.store.models import Stage
from clauses.web.app import create_app
from clauses.web.routes.dossiers.followup import IMPORT_ERRORS_SHOWN
from clauses.web.settings import Settings
from tests.moves import HOURS_LINE_FORM as LINE
from tests.moves import move_in
from tests.web.conftest import Browser, people_of, text_of

HEADER = "lot;debut;fin;modalite;heures;justification\n"
GOOD_ROW = "1;2027-04-01;2027-06-30;direct_hiring;10;\n"


def followed(app: FastAPI, browser: Browser) -> str:
    dossier = browser.new_dossier("Réhabilitation du lycée")
    ctx = app.state.ctx
    move_in(ctx.engine, ctx.library, dossier, "lycee-rehabilitation", Stage.in_execution)
    return dossier


def send(browser: Browser, dossier: str, text: str) -> object:
    return browser.post(
        f"/dossiers/{dossier}/suivi/import",
        files={"releve": ("releve.csv", text.encode(), "text/csv")},
    )


def lines(app: FastAPI, dossier: str) -> int:
    with new_session(app.state.ctx.engine) as session:
        return len(stages.followup_entries(session=session, dossier_id=uuid.UUID(dossier)))


def test_a_statement_of_more_rows_than_allowed_stores_nothing(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed(app, browser)
    refused = send(browser, dossier, HEADER + GOOD_ROW * (MAX_ROWS + 1))
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "relevé trop long : 1 000 lignes au plus" in text_of(refused.text)  # type: ignore[attr-defined]
    assert lines(app, dossier) == 0


def test_a_file_of_bad_rows_lists_the_first_fifty_and_counts_the_others(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed(app, browser)
    bad = 900
    refused = send(browser, dossier, HEADER + "²;hier;demain;?;x;\n" * bad)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    page = refused.text  # type: ignore[attr-defined]
    report = page.split('id="import-report"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r"<tr>", report)) == IMPORT_ERRORS_SHOWN + 1  # and the header
    assert f"0 ligne(s) enregistrée(s), {bad} erreur(s)" in text_of(page)
    assert f"Et {bad - IMPORT_ERRORS_SHOWN}\u00a0autres erreurs, non détaillées" in page
    assert len(page) < 100_000


def test_a_cell_longer_than_the_csv_reader_takes_is_reported(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed(app, browser)
    long_cell = "x" * (128 * 1024 + 1)
    refused = send(
        browser,
        dossier,
        HEADER + GOOD_ROW + f"1;2027-04-01;2027-06-30;non_imputable;5;{long_cell}\n",
    )
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "3 — ligne illisible (cellule trop longue" in text_of(refused.text)  # type: ignore[attr-defined]
    assert lines(app, dossier) == 1  # the row before it is kept


def test_a_contracts_follow_up_is_capped(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier = followed(app, browser)
    monkeypatch.setattr(stages, "MAX_FOLLOWUP_LINES", 3)
    assert send(browser, dossier, HEADER + GOOD_ROW * 2).status_code == 303  # type: ignore[attr-defined]
    refused = send(browser, dossier, HEADER + GOOD_ROW * 2)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Le suivi de ce marché compte déjà 2 lignes : 3 au plus" in text_of(refused.text)  # type: ignore[attr-defined]
    assert browser.post(f"/dossiers/{dossier}/suivi/heures", LINE).status_code == 303
    full = browser.post(f"/dossiers/{dossier}/suivi/heures", LINE)
    assert full.status_code == 409 and "compte déjà 3 lignes" in text_of(full.text)
    assert lines(app, dossier) == 3


def test_follow_up_lines_count_in_the_organisations_storage_quota(
    app: FastAPI, settings: Settings
) -> None:
    with TestClient(app) as client:
        browser = Browser(client, "acheteur")
        dossier = followed(app, browser)
        with new_session(app.state.ctx.engine) as session:
            membership = accounts.membership_of(session, people_of(app).acheteur.id)
            assert membership is not None
            before = accounts.usage(session, membership.organisation_id).stored_bytes
        assert send(browser, dossier, HEADER + GOOD_ROW * 5).status_code == 303
        with new_session(app.state.ctx.engine) as session:
            after = accounts.usage(session, membership.organisation_id).stored_bytes
        assert after > before
    full = create_app(settings.model_copy(update={"max_stored_bytes": after}))
    with TestClient(full) as client:
        refused = send(Browser(client, "acheteur"), dossier, HEADER + GOOD_ROW)
        assert refused.status_code == 403  # type: ignore[attr-defined]
        assert "quota d’espace" in text_of(refused.text)  # type: ignore[attr-defined]
    full.state.ctx.engine.dispose()
    assert lines(app, dossier) == 5
