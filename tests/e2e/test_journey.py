"""A buyer's whole journey in a real browser, with and without JavaScript: a new dossier, every
step, the review, the Word download; and a dossier resumed after the server restarts."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import Server


def fill_journey(page: Any, server: Server, title: str) -> str:
    """Answer every step; returns the dossier's address."""
    page.goto(server.url + "/")
    page.get_by_label("Intitulé du dossier").fill(title)
    page.get_by_role("button", name="Commencer").click()
    expect(page).to_have_url(re.compile(r"/etapes/marche"))

    page.get_by_label("Objet du marché").fill("Réhabilitation du lycée Jules-Verne")
    page.get_by_label("Travaux").check()
    page.get_by_label("Code CPV principal").fill("45214220-8")
    page.get_by_label("Montant total estimé").fill("6 200 000")
    page.get_by_label("Durée du marché").fill("24")
    page.get_by_label("Date de lancement de la consultation").fill("2026-10-05")
    page.get_by_role("button", name="Suivant").click()
    expect(page).to_have_url(re.compile(r"/etapes/acheteur"))

    page.get_by_label("Région d’exécution").select_option("52")
    page.get_by_role("group", name=re.compile("facilitateur")).get_by_label("Oui").check()
    page.get_by_role("button", name="Suivant").click()
    expect(page).to_have_url(re.compile(r"/etapes/lots"))

    page.get_by_role("button", name="Ajouter un lot").click()
    page.locator("#lots-0-title").wait_for()
    page.locator("#lots-0-title").fill("Gros œuvre – maçonnerie")
    page.locator("#lots-0-estimated_amount_eur").fill("4 000 000")
    page.get_by_role("button", name="Ajouter un lot").click()
    page.locator("#lots-1-title").wait_for()
    page.locator("#lots-1-title").fill("Peinture intérieure")
    page.locator("#lots-1-cpv").fill("45442100-8")
    page.locator("#lots-1-estimated_amount_eur").fill("2 200 000")
    page.get_by_role("button", name="Suivant").click()
    expect(page).to_have_url(re.compile(r"/etapes/heures"))

    page.get_by_label("Taux d’insertion").fill("5")
    page.get_by_role("button", name="Suivant").click()
    expect(page).to_have_url(re.compile(r"/etapes/offre-locale"))

    page.get_by_role("group", name=re.compile("SIAE")).get_by_label("Nombreuses structures").check()
    page.get_by_role("button", name="Voir la synthèse").click()
    expect(page).to_have_url(re.compile(r"/dossiers/[0-9a-f-]{36}$"))
    return str(page.url)


def check_review_and_download(page: Any) -> None:
    review = page.locator("#review")
    for expected in (
        "Réhabilitation du lycée Jules-Verne",
        "Gros œuvre – maçonnerie",
        "Peinture intérieure",
        "Heures d’insertion par lot",
        "recommandé",
        "L2112-2",
    ):
        assert expected in review.inner_text(), expected
    page.get_by_text("Sections du document").click()  # a disclosure, closed by default
    page.get_by_label("Fiches de bonnes pratiques").uncheck()
    # One click: the choices are saved, the document drafted, stored and downloaded.
    answers: list[str] = []  # what the server answered meanwhile, to say why if none came
    page.on("response", lambda r: answers.append(f"{r.request.method} {r.url} {r.status}"))
    try:
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Générer et télécharger le document Word").first.click()
        download = download_info.value
    except PlaywrightTimeout as exc:
        shown = page.locator("main").inner_text()[:1500]
        raise AssertionError(f"no download; {page.url}\n{answers}\n{shown}") from exc
    assert download.suggested_filename.endswith("-v1.docx")
    content = Path(download.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert "word/document.xml" in package.namelist()
        assert "Fiches de bonnes pratiques" not in package.read("word/document.xml").decode()
    page.get_by_role("link", name=re.compile("Documents générés")).click()
    expect(page).to_have_url(re.compile(r"/documents$"))
    assert "2026." in page.locator("table").inner_text()  # library version listed


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_whole_journey(chromium: Any, server: Server, javascript: bool) -> None:
    context = chromium.new_context(
        java_script_enabled=javascript, accept_downloads=True, locale="fr-FR"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        fill_journey(page, server, f"Parcours {'avec' if javascript else 'sans'} JavaScript")
        check_review_and_download(page)
    finally:
        context.close()
    assert errors == []  # no CSP violation, no script error


def test_live_advice_with_javascript(chromium: Any, server: Server) -> None:
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        page.get_by_role("button", name="Commencer").click()
        expect(page).to_have_url(re.compile(r"/etapes/marche"))
        panel = page.locator("#advice-panel")
        assert "Les conseils s’afficheront" in panel.inner_text()
        page.get_by_label("Objet du marché").fill("Nettoyage des locaux")
        page.get_by_label("Services", exact=True).check()
        page.get_by_label("Montant total estimé").fill("1 800 000")
        page.get_by_label("Durée du marché").fill("48")
        page.get_by_label("Durée du marché").press("Tab")
        expect(panel).to_contain_text("Heures d’insertion")
        expect(panel).to_contain_text("Obligations")
        # The conditional question appears once the nature is « services ».
        expect(page.locator("#social_services")).to_have_count(1)
        # An invalid answer is flagged as it is given, without leaving the page.
        page.get_by_label("Durée du marché").fill("quatre")
        page.get_by_label("Durée du marché").press("Tab")
        expect(page.locator("#duration_months-error")).to_contain_text("nombre entier attendu")
        expect(page.locator("#duration_months")).to_have_attribute("aria-invalid", "true")
        # « Suivant » is refused: the error summary is announced and receives the focus.
        page.get_by_role("button", name="Suivant").click()
        expect(page.locator("#error-summary")).to_be_focused()
        expect(page.locator("#error-summary")).to_have_attribute("role", "alert")
        expect(page).to_have_url(re.compile(r"/etapes/marche"))
    finally:
        context.close()


def test_dossier_resumes_after_a_server_restart(chromium: Any, server: Server) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        page.get_by_label("Intitulé du dossier").fill("Reprise après redémarrage")
        page.get_by_role("button", name="Commencer").click()
        expect(page).to_have_url(re.compile(r"/etapes/marche"))
        page.get_by_label("Objet du marché").fill("Entretien des espaces verts")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page).to_have_url(re.compile(r"notice=enregistre"))
        address = page.url.split("?")[0]

        server.restart()

        page.goto(server.url + "/")
        page.get_by_role("link", name="Reprise après redémarrage").click()
        page.get_by_role("link", name=re.compile("Objet du marché")).click()
        assert page.url.startswith(address)
        assert page.get_by_label("Objet du marché").input_value() == "Entretien des espaces verts"
        # The same browser can still save: its session cookie survived the restart.
        page.get_by_label("Durée du marché").fill("36")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page).to_have_url(re.compile(r"notice=enregistre"))
    finally:
        context.close()
