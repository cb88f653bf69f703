"""A contract's life in a real browser, from a complete dossier: the buyer publishes the
consultation, records the award (a refused form first: nothing typed is lost), downloads the
contract's DECP, starts the execution; a referent closes it. Screenshots of the dossier page and
of the award form (1280 and 390 px) are left in ``CLAUSES_SCREENSHOTS`` (default: the test's
temporary folder) to be looked at."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect

from clauses.decp.document import DecpSchema
from tests.e2e.conftest import Server
from tests.e2e.test_accessibility import make_complete
from tests.web.conftest import Browser


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CLAUSES_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fill_award(page: Any) -> None:
    """The award of the two lots, as a buyer types it (the buyer's SIRET left for later): what
    the dossier knows is pre-filled (the procedure its regime suggests, an ordinary contract,
    its region, the environmental considerations its obligations require)."""
    expect(page.locator("#procedure")).to_have_value("Appel d'offres ouvert")
    techniques = page.get_by_role("group", name="Techniques d’achat")
    expect(techniques.get_by_label("Sans objet")).to_be_checked()
    modalities = page.get_by_role("group", name="Modalités d’exécution")
    expect(modalities.get_by_label("Sans objet")).to_be_checked()
    expect(page.locator("#place-code")).to_have_value("52")
    expect(page.locator("#place-type")).to_have_value("Code région")
    expect(page.get_by_label("Clause environnementale")).to_be_checked()
    expect(page.get_by_label("Critère environnemental")).to_be_checked()
    page.locator("#offers_received").fill("4")
    page.locator("#price_form").select_option("Forfaitaire")
    page.get_by_label("Définitif révisable").check()
    page.locator("#grouping").select_option("Pas de groupement")
    for name in ("subcontracting_declared", "advance_payment", "innovative"):
        page.locator(f"#{name}-no").check()
    page.locator("#lots-1-id").fill("2026-LJV-01")
    page.locator("#lots-1-amount_eur").fill("3 950 000")
    page.locator("#lots-1-holders-1-id").fill("41234567000019")
    page.locator("#lots-1-holders-1-name").fill("Bâtir Ensemble SCOP")
    page.locator("#lots-2-id").fill("2026-LJV-02")
    page.locator("#lots-2-amount_eur").fill("2 150 000")
    page.locator("#lots-2-holders-1-id").fill("51234567900025")
    page.locator("#lots-2-holders-1-name").fill("Peintures du Ponant")


def test_publish_award_decp_start_close(chromium: Any, server: Server, tmp_path: Path) -> None:
    folder = shots(tmp_path)
    with httpx.Client(base_url=server.url) as client:
        dossier = make_complete(Browser(client))  # type: ignore[arg-type]
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server.url}/dossiers/{dossier}")
    cycle = page.locator("#cycle")
    expect(cycle.get_by_role("heading")).to_have_text("Vie du marché : Brouillon")
    # Issue 23: « Publier » asks for confirmation, saying what it freezes.
    cycle.get_by_role("link", name="Publier la consultation…").click()
    expect(page.locator("#confirm-move")).to_contain_text("figés")
    today = page.locator("#publication_date").input_value()  # the server's today
    page.get_by_role("button", name="Publier la consultation").click()
    expect(page.get_by_role("status")).to_contain_text("Consultation publiée")
    expect(page.locator("#strategy-form")).to_have_count(0)
    cycle.screenshot(path=str(folder / "dossier-published-1280.png"))

    page.get_by_role("link", name="Enregistrer l’attribution").click()
    expect(page.locator("h1")).to_have_text("Enregistrer l’attribution")
    fill_award(page)
    page.locator("#notification_date").fill(today)
    page.locator("#publication_date").fill(today)
    # Two holders on lot 1 (a joint group): the second typed in the folded rows, by the
    # keyboard; a row more comes back with the form, as typed.
    page.get_by_text("Autres membres d’un groupement (Titulaires du lot 1)").focus()
    page.keyboard.press("Enter")
    page.locator("#lots-1-holders-2-id").fill("61234567800017")
    page.locator("#lots-1-holders-2-name").fill("Menuiseries de l’Erdre")
    page.get_by_role("button", name="Ajouter un titulaire (Titulaires du lot 1)").click()
    expect(page.locator("#lots-1-holders-4-id")).to_be_focused()
    expect(page.locator("#lots-1-amount_eur")).to_have_value("3 950 000")
    expect(page.locator("#lots-1-holders-2-name")).to_have_value("Menuiseries de l’Erdre")
    page.locator("#grouping").select_option("Conjoint")
    page.get_by_role("button", name="Enregistrer l’attribution").click()
    summary = page.locator("#award-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("SIRET de l’acheteur : champ obligatoire")
    expect(page.locator("#lots-2-holders-1-name")).to_have_value("Peintures du Ponant")
    page.screenshot(path=str(folder / "award-errors-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(folder / "award-errors-390.png"))
    page.locator("#lots-1").screenshot(path=str(folder / "award-lot-390.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    summary.get_by_role("link", name="SIRET de l’acheteur").click()
    expect(page.locator("#buyer_siret")).to_be_focused()
    page.locator("#buyer_siret").fill("23440003400026")
    page.get_by_role("button", name="Enregistrer l’attribution").click()
    expect(page.get_by_role("status")).to_contain_text("Attribution enregistrée")
    expect(cycle.get_by_role("heading")).to_have_text("Vie du marché : Attribué")

    with page.expect_download() as download_info:
        cycle.get_by_role("link", name="Télécharger les données essentielles").click()
    download = download_info.value
    assert download.suggested_filename.startswith("decp-lycee-jules-verne-")
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    DecpSchema.load().check(document)
    marches = document["marches"]["marche"]
    assert [m["id"] for m in marches] == ["2026-LJV-01", "2026-LJV-02"]
    assert len(marches[0]["titulaires"]) == 2
    assert marches[0]["acheteur"]["id"] == "23440003400026"

    cycle.get_by_role("button", name="Commencer l’exécution").click()
    expect(cycle.get_by_role("heading")).to_have_text("Vie du marché : En exécution")
    expect(cycle.get_by_role("link", name="Clore le marché…")).to_have_count(0)
    context.close()

    referent = chromium.new_context(signed_in="referent", viewport={"width": 1280, "height": 900})
    page = referent.new_page()
    page.goto(f"{server.url}/dossiers/{dossier}")
    cycle = page.locator("#cycle")
    # Issue 23: « Clore » names the hours missing and the penalty before it acts.
    cycle.get_by_role("link", name="Clore le marché…").click()
    expect(page.locator("#confirm-move")).to_contain_text("heures d’insertion manquent")
    page.get_by_role("button", name="Clore le marché").click()
    expect(cycle.get_by_role("heading")).to_have_text("Vie du marché : Clos")
    expect(cycle.locator(".moves-made")).to_contain_text("Marché clos")
    expect(cycle.get_by_role("button", name="Rouvrir le marché")).to_be_visible()
    page.screenshot(path=str(folder / "dossier-closed-1280.png"), full_page=False)
    page.goto(f"{server.url}/dossiers?etat=closed")
    expect(page.get_by_role("link", name="Lycée Jules-Verne")).to_be_visible()
    page.screenshot(path=str(folder / "list-closed-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(folder / "list-closed-390.png"))
    referent.close()
