"""The buyer decides on the review page, in a real browser, with and without JavaScript: drop a
mechanism, reserve a lot, generate in one click, and the document says so; at 390 px nothing
is wider than the screen and the draft is reachable before the whole advice."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.test_accessibility import audit, report
from tests.web.conftest import Browser
from tests.web.stages import LOTS

MARKET = {
    "title": "Réhabilitation du lycée Jules-Verne",
    "nature": "works",
    "cpv": "45214220-8",
    "estimated_amount_eur": "6 200 000",
    "duration_months": "24",
    "launch_date": "2026-10-05",
}


def works_dossier(server: Server, title: str) -> str:
    with httpx.Client(base_url=server.url) as client:
        http = Browser(client)  # type: ignore[arg-type]  # same interface as the TestClient
        dossier = http.new_dossier(title)
        http.answer(dossier, "marche", **MARKET)
        http.answer(dossier, "acheteur", region_code="52", facilitator_available="true")
        http.answer(dossier, "lots", **LOTS)
        http.answer(dossier, "offre-locale", local_offer__insertion="many")
    return dossier


def document_text(path: str) -> str:
    with zipfile.ZipFile(io.BytesIO(Path(path).read_bytes())) as package:
        xml = package.read("word/document.xml").decode().replace("<w:noBreakHyphen/>", "-")
        return re.sub(r"<[^>]+>", "", xml)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_decide_reserve_a_lot_and_download(chromium: Any, server: Server, javascript: bool) -> None:
    dossier = works_dossier(server, f"Choix {'avec' if javascript else 'sans'} JavaScript")
    context = chromium.new_context(
        java_script_enabled=javascript, accept_downloads=True, locale="fr-FR"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{server.url}/dossiers/{dossier}")
        form = page.locator("#strategy-form")
        # The planner's plan is pre-filled (DOMAIN §9): the painting lot reserved to the SIAE,
        # the hours clause on the other lot only, and allotment is no lever to tick.
        expect(form.get_by_label(re.compile("Allotissement"))).to_have_count(0)
        reservation = form.locator(
            ".mechanism-choice", has=page.locator("#keep-reserved_insertion")
        )
        expect(reservation.get_by_label("Lot 2 : Peinture")).to_be_checked()
        expect(reservation.get_by_label("Lot 1 : Gros œuvre")).not_to_be_checked()
        expect(reservation.locator(".why")).to_contain_text("plutôt que couvert par une clause")
        clause = form.locator(".mechanism-choice", has=page.locator("#keep-insertion_clause"))
        expect(clause.get_by_label("Lot 1 : Gros œuvre")).to_be_checked()
        expect(clause.get_by_label("Lot 2 : Peinture")).not_to_be_checked()
        # The buyer adds the award criterion on lot 1, weighted 10 %.
        criterion = form.locator(".mechanism-choice", has=page.locator("#keep-insertion_criterion"))
        criterion.locator("#keep-insertion_criterion").check()
        criterion.get_by_label("Lot 1 : Gros œuvre").check()
        criterion.get_by_label(re.compile("^Pondération")).fill("10")
        # A bad penalty is named on its field (live with htmx, on saving without).
        penalty = form.locator("#penalty_eur_per_hour")
        expect(penalty).to_have_accessible_name(re.compile("^Pénalité par heure"))
        penalty.fill("beaucoup")
        if javascript:
            penalty.press("Tab")
        else:
            form.get_by_role("button", name="Enregistrer mes choix").first.click()
        expect(page.locator("#penalty_eur_per_hour-error")).to_contain_text("nombre")
        expect(page.locator("#strategy-errors")).to_contain_text("Pénalité")
        page.locator("#penalty_eur_per_hour").fill("50")
        if javascript:
            page.locator("#penalty_eur_per_hour").press("Tab")
            expect(page.locator("#strategy-errors")).to_have_count(0)
        summary = page.locator(".strategy-summary")
        if javascript:  # refreshed as the choices change
            expect(summary).to_contain_text("lot 2 (Peinture)")
            expect(summary).to_contain_text("pondération 10")
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Générer et télécharger le document Word").first.click()
        download = download_info.value
        assert re.search(r"-v1\.docx$", download.suggested_filename)
        text = document_text(download.path())
        assert "Peinture" in text and "est réservé aux structures d’insertion" in text
        assert "pondéré à 10" in text
        page.goto(f"{server.url}/dossiers/{dossier}")
        expect(page.locator("#keep-insertion_criterion")).to_be_checked()
        expect(page.locator("#lots-reserved_insertion-2")).to_be_checked()
        expect(page.locator("#penalty_eur_per_hour")).to_have_value("50")
    finally:
        context.close()
    assert errors == []


@pytest.mark.parametrize("path", ["", "/documents"])
def test_narrow_screen_has_no_horizontal_scroll(chromium: Any, server: Server, path: str) -> None:
    dossier = works_dossier(server, "Écran étroit")
    with httpx.Client(base_url=server.url) as client:
        http = Browser(client)  # type: ignore[arg-type]
        http.get(f"/dossiers/{dossier}")
        assert (
            http.post(f"/dossiers/{dossier}/documents", {"sections": "summary"}).status_code == 303
        )
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/dossiers/{dossier}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path or 'review'}: {width} px wide"
        if not path:
            button = page.get_by_role(
                "button", name="Générer et télécharger le document Word"
            ).first
            advice_top = page.locator("#advice-panel").bounding_box()["y"]
            assert button.bounding_box()["y"] < advice_top  # before the advice, not after it
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_unticking_every_lot_is_refused_and_the_plan_shows_each_lot(
    chromium: Any, server: Server, javascript: bool, width: int
) -> None:
    """Issue 19: « les lots cochés » with none ticked names the mechanism and saves nothing
    (it never reserves the whole contract in silence); the plan has one row per lot."""
    dossier = works_dossier(server, f"Périmètres {width} {'js' if javascript else 'sans js'}")
    context = chromium.new_context(
        java_script_enabled=javascript, viewport={"width": width, "height": 900}, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto(f"{server.url}/dossiers/{dossier}")
        shots = os.environ.get("CLAUSES_SCREENSHOTS")  # to look at the page as a buyer does
        if shots:
            page.locator("#strategy").screenshot(path=f"{shots}/plan-{width}-{javascript}.png")
        plan = page.locator("table.plan")
        expect(plan.locator("tbody tr")).to_have_count(2)
        expect(plan.locator("tbody tr").nth(1)).to_contain_text(
            "réservé aux structures d’insertion"
        )
        version = page.locator("#strategy-form input[name=version]").input_value()
        reservation = page.locator(
            ".mechanism-choice", has=page.locator("#keep-reserved_insertion")
        )
        expect(reservation.get_by_label("Les lots cochés")).to_be_checked()
        reservation.get_by_label("Lot 2 : Peinture").uncheck()  # the only one ticked
        if not javascript:
            page.get_by_role("button", name="Enregistrer mes choix").first.click()
        error = page.locator("#lots-reserved_insertion-error")
        expect(error).to_contain_text("ne porte sur aucun lot")
        expect(page.locator("#strategy-errors")).to_contain_text("Réservé SIAE")
        if javascript:  # keyboard: the error summary's link leads to the lots
            page.locator("#strategy-errors a").first.focus()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, overflow
        violations = audit(page, scripts=javascript)
        assert violations == [], report(violations)
        if shots:
            page.locator("#strategy").screenshot(path=f"{shots}/refused-{width}-{javascript}.png")
        # Nothing was saved: the stored decisions and the version are those of before.
        page.goto(f"{server.url}/dossiers/{dossier}")
        expect(page.locator("#strategy-form input[name=version]")).to_have_value(version)
        expect(page.locator("#lots-reserved_insertion-2")).to_be_checked()
    finally:
        context.close()
