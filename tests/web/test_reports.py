"""The organisation's reports on the web: the SPASER dashboard shows the core's indicators of the
year (and an empty year without failing), its workbook and report download and open, the DECP
batch of a period is one valid file that names the dossiers it leaves out (both backends)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
from pathlib import Path

import docx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from clauses import french
from clauses.spaser import indicators
from clauses.store import accounts, crud, stages
from clauses.store.db import new_session
from clauses.store.models import Stage
from tests.libreoffice import LibreOffice
from tests.moves import example, move_in, schema
from tests.openxml import assert_valid_office
from tests.store import previous
from tests.web.conftest import Browser, people_of, text_of

NBSP = french.NBSP


def awarded(app: FastAPI, browser: Browser, name: str, stage: Stage = Stage.awarded) -> str:
    dossier = browser.new_dossier(name)
    ctx = app.state.ctx
    move_in(ctx.engine, ctx.library, dossier, name, stage)
    return dossier


def organisation_id(app: FastAPI) -> uuid.UUID:
    with new_session(app.state.ctx.engine) as session:
        membership = accounts.membership_of(session, people_of(app).referent.id)
        assert membership is not None
        return membership.organisation_id


@pytest.fixture(scope="module")
def contracts(app: FastAPI) -> list[str]:
    """Two contracts of « Région Test » notified in 2026 (one with hours), one elsewhere."""
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        buyer = Browser(client)
        works = awarded(app, buyer, "lycee-rehabilitation", Stage.in_execution)
        cleaning = awarded(app, buyer, "nettoyage-lycees")
        line = {
            "lot": "1",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
            "way": "direct_hiring",
            "hours": "640",
            "people-0-public": "rsa",
            "people-0-contract_type": "cdd",
            "people-0-count": "3",
        }
        assert buyer.post(f"/dossiers/{works}/suivi/heures", line).status_code == 303
        awarded(app, Browser(client, "other"), "espaces-verts")
    return [works, cleaning]


def test_the_dashboard_shows_the_indicators_of_the_year(
    app: FastAPI, browser: Browser, contracts: list[str]
) -> None:
    referent = Browser(browser.client, "referent")
    page = referent.get("/rapports/spaser?annee=2026")
    assert page.status_code == 200
    with new_session(app.state.ctx.engine) as session:
        org = organisation_id(app)
        records = previous.contract_records(session=session, organisation_id=org, year=2026)
    expected = indicators(records, str(org), 2026, app.state.ctx.library)
    assert expected.contracts.count == 5  # the works' four lots awarded (not lot 4), the cleaning
    text = text_of(page.text).replace(NBSP, " ")
    assert "Rapport SPASER 2026" in text and "Région Test" in text
    summary = text.split("Synthèse", 1)[1]
    assert (
        f"Marchés notifiés (chaque lot attribué compte pour un marché) {expected.contracts.count}"
        in summary
    )
    assert f"Montant total HT {french.eur(expected.contracts.value)}".replace(NBSP, " ") in summary
    assert f"Heures d’insertion réalisées dans l’année {french.number(640)}" in summary
    assert "Bénéficiaire du RSA 3" in text
    # Each chart says its values in words, and its data table follows it.
    charts = re.findall(r'<div class="chart" role="img" aria-label="([^"]+)">', page.text)
    assert len(charts) == 4  # social, hours, publics, environmental
    assert any(c.startswith("Graphique en barres, Heures d’insertion (heures)") for c in charts)
    for chart in page.text.split('class="chart" role="img"')[1:]:
        assert "<table" in chart.split("</section>", 1)[0]
    # The national comparison and the L2112-2-1 compliance.
    assert "Repères nationaux" in text and "Ensemble des acheteurs (2023) 18,7 %" in text
    # The organisation's two shares each say which contracts they count (a referent read 80 %
    # and 100 % for the same Région as a contradiction).
    national = text.split("Repères nationaux", 1)[1]
    assert re.search(
        r"\(2026\) : marchés d’au moins 90 000 € HT avec une clause sociale, "
        r"sur \d+ marchés? d’au moins 90 000 € HT",
        national,
    ), national[:600]
    assert (
        "avec une considération sociale (clause, critère ou réservation), tous montants, sur"
        in (national)
    )
    assert "Objectif national 2025, même mesure 30 %" in national
    assert "Obligation de considération sociale (L2112-2-1)" in text
    assert "Dossiers sans considération sociale ni dérogation" in text
    # Another organisation's contract is not counted.
    assert "espaces-verts" not in text
    assert 'href="/rapports/spaser.xlsx?annee=2026"' in page.text


def test_a_year_without_contract_is_an_empty_state(browser: Browser, contracts: list[str]) -> None:
    referent = Browser(browser.client, "referent")
    page = referent.get("/rapports/spaser?annee=2019")
    assert page.status_code == 200
    assert "Aucun marché notifié en 2019" in text_of(page.text)
    assert referent.get("/rapports/spaser.xlsx?annee=2019").status_code == 200
    assert referent.get("/rapports/spaser.docx?annee=2019").status_code == 200
    # The default year: the last complete one (nothing in it here), else the current one.
    assert referent.get("/rapports/spaser").status_code == 200
    refused = referent.get("/rapports/spaser?annee=deux-mille")
    assert refused.status_code == 422
    assert "Année : indiquez une année sur quatre chiffres" in text_of(refused.text)
    assert referent.get("/rapports/spaser.xlsx?annee=deux-mille").status_code == 422


def test_the_header_offers_the_reports_to_referents_only(browser: Browser) -> None:
    assert 'href="/rapports/spaser"' not in browser.get("/dossiers").text
    assert browser.get("/rapports/spaser").status_code == 403
    referent = Browser(browser.client, "referent")
    assert 'href="/rapports/spaser"' in referent.get("/dossiers").text


def test_the_workbook_and_the_report_hold_the_figures(
    browser: Browser, contracts: list[str]
) -> None:
    referent = Browser(browser.client, "referent")
    workbook = referent.get("/rapports/spaser.xlsx?annee=2026")
    assert workbook.status_code == 200
    assert workbook.headers["content-disposition"] == 'attachment; filename="spaser-2026.xlsx"'
    assert_valid_office(workbook.content, "spaser-2026.xlsx")
    sheets = load_workbook(io.BytesIO(workbook.content))
    assert "Synthèse" in sheets.sheetnames
    assert sheets["Synthèse"]["A1"].value == "Synthèse – Région Test, 2026"
    report = referent.get("/rapports/spaser.docx?annee=2026")
    assert_valid_office(report.content, "spaser-2026.docx")
    document = docx.Document(io.BytesIO(report.content))
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Heures d’insertion réalisées dans l’année", "640"] in cells


def test_libreoffice_opens_the_downloads(
    browser: Browser, contracts: list[str], tmp_path: Path, libreoffice: LibreOffice
) -> None:
    referent = Browser(browser.client, "referent")
    files = {
        "spaser.xlsx": referent.get("/rapports/spaser.xlsx?annee=2026").content,
        "spaser.docx": referent.get("/rapports/spaser.docx?annee=2026").content,
        "suivi.docx": referent.get(f"/dossiers/{contracts[0]}/suivi/rapport.docx").content,
    }
    for name, data in files.items():
        source = tmp_path / name
        source.write_bytes(data)
        pdf = libreoffice.convert(source)
        assert pdf.read_bytes().startswith(b"%PDF-"), name
        assert pdf.stat().st_size > 5_000, name


def test_the_decp_batch_is_one_valid_file_naming_what_it_leaves_out(
    app: FastAPI, browser: Browser, contracts: list[str]
) -> None:
    referent = Browser(browser.client, "referent")
    broken = awarded(app, browser, "impression")
    _, award = example("impression")
    with new_session(app.state.ctx.engine) as session:
        dossier = crud.get_dossier(session=session, dossier_id=uuid.UUID(broken))
        stages.record_move(
            session=session,
            dossier_id=dossier.id,
            expected_version=dossier.version,
            values={"award": {k: v for k, v in award.items() if k != "holders"}},
            actor=(people_of(app).referent.id, "referent@region.test"),
            action="attribution",
        )
    form = referent.get("/rapports/decp")
    assert form.status_code == 200 and 'name="du"' in form.text
    # The period the form proposes is the SPASER's year: 2025 holds no contract, 2026 does.
    spaser = referent.get("/rapports/spaser")
    assert "Rapport SPASER 2026" in spaser.text
    assert 'value="2026-01-01"' in form.text
    au = re.search(r'name="au"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="au"', form.text)
    assert au is not None and (au[1] or au[2]) <= dt.date.today().isoformat()  # no future date
    page = referent.get("/rapports/decp?du=01/01/2026&au=2026-12-31")
    assert page.status_code == 200
    text = text_of(page.text)
    # The works' four contracts and the cleaning one; the printing contract lacks its holders.
    assert "5 marchés dans le fichier, à partir de 3 dossiers attribués" in text
    left_out = text.split("Dossiers laissés de côté", 1)[1]
    assert left_out.startswith(
        " impression : award.holders : champ obligatoire des données essentielles (DECP) manquant"
    ), left_out[:200]
    download = referent.get("/rapports/decp.json?du=2026-01-01&au=2026-12-31")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == (
        'attachment; filename="decp-2026-01-01-2026-12-31.json"'
    )
    document = json.loads(download.content)
    schema().check(document)
    assert len(document["marches"]["marche"]) == 5
    empty = referent.get("/rapports/decp?du=2030-01-01&au=2030-12-31")
    assert "0 marché dans le fichier, à partir de 0 dossier attribué." in text_of(empty.text)


def test_bad_dates_are_refused_in_french(browser: Browser) -> None:
    referent = Browser(browser.client, "referent")
    page = referent.get("/rapports/decp?du=31/02/2027&au=")
    assert page.status_code == 422
    text = text_of(page.text)
    assert "Du : date attendue (JJ/MM/AAAA), « 31/02/2027 » ne se lit pas." in text
    assert "Au : date obligatoire." in text
    assert 'value="31/02/2027"' in page.text
    assert re.search(r'id="du"[^>]*aria-invalid="true"', page.text)
    reversed_period = referent.get("/rapports/decp?du=2027-12-31&au=2027-01-01")
    assert "Au : la fin de la période précède son début." in text_of(reversed_period.text)
    assert referent.get("/rapports/decp.json?du=2027-12-31&au=2027-01-01").status_code == 422
