"""Two typical tenders driven through the wizard in a real browser, from a blank dossier to the
downloaded Word file, as a buyer would: a cleaning contract in 3 lots whose CPV code is found by
the search, and a works contract without lots.

Shared by ``tests/e2e/test_wizard_journeys.py`` (which asserts) and ``bench/journey.py`` (which
records the counts): every answer the buyer gives and every request the browser sends to the
application are counted, and every page is checked for horizontal overflow as it is shown.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

WIDTHS = (1280, 390)
# Raw identifiers that must never reach a page (field names of the profile or of the DECP).
JARGON = re.compile(
    r"considerations?Sociales?|considerationEnvironnementale|estimated_amount_eur|"
    r"labour_share|insertion_rate|hourly_cost_eur|duration_months|region_code"
)


@dataclass
class Run:
    """What one journey cost the buyer, and what it showed."""

    answers: int = 0
    requests: int = 0
    pages: list[str] = field(default_factory=list)  # each page state checked, by address
    overflows: list[str] = field(default_factory=list)  # « address: width > viewport »
    jargon: list[str] = field(default_factory=list)
    filename: str = ""


class Buyer:
    """A page driven like a buyer: each answer counted, each page state checked."""

    def __init__(self, page: Any, base_url: str, *, javascript: bool) -> None:
        self.page = page
        self.javascript = javascript
        self.base_url = base_url
        self.run = Run()
        page.on("request", self._count)

    def _count(self, request: Any) -> None:
        if request.url.startswith(self.base_url) and request.resource_type in (
            "document",
            "xhr",
            "fetch",
        ):
            self.run.requests += 1

    def check(self) -> None:
        """The page as it is now: no wider than the viewport, no raw field name."""
        page = self.page
        page.wait_for_load_state()
        width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.evaluate("window.innerWidth")
        url = page.url.removeprefix(self.base_url)
        self.run.pages.append(url)
        if width > viewport:
            self.run.overflows.append(f"{url}: {width} > {viewport}")
        found = JARGON.search(page.locator("body").inner_text())
        if found:
            self.run.jargon.append(f"{url}: {found.group(0)}")

    def fill(self, locator: Any, value: str) -> None:
        locator.fill(value)
        locator.dispatch_event("change")  # as leaving the field does (htmx saves on change)
        self.run.answers += 1

    def check_box(self, locator: Any) -> None:
        locator.check()
        self.run.answers += 1

    def select(self, locator: Any, value: str) -> None:
        locator.select_option(value)
        self.run.answers += 1

    def press(self, name: str | re.Pattern[str], then: str | None = None) -> None:
        """A button pressed (not an answer); ``then``: the address expected after it."""
        self.page.get_by_role("button", name=name).first.click()
        if then:
            expect(self.page).to_have_url(re.compile(then))
        self.check()

    def settle(self) -> None:
        """Wait for htmx's requests to end (nothing to wait for without JavaScript)."""
        self.page.wait_for_load_state("networkidle")


def start(buyer: Buyer) -> None:
    page = buyer.page
    page.goto(buyer.base_url + "/")
    buyer.check()
    buyer.press("Commencer", r"/etapes/marche")


def cleaning(buyer: Buyer) -> None:
    """Nettoyage des lycées, 3 lots, the CPV code found by the search."""
    page = buyer.page
    start(buyer)
    buyer.fill(page.get_by_label("Objet du marché"), "Nettoyage des lycées du Morbihan")
    buyer.check_box(page.get_by_label("Services", exact=True))
    buyer.fill(page.get_by_label("Montant total estimé"), "1 800 000")
    buyer.settle()
    # The search, typed after other answers: « Rechercher » must keep them.
    buyer.fill(page.get_by_label("Trouver un code par mots-clés"), "nettoyage de locaux")
    buyer.press("Rechercher")
    expect(page.locator("#cpv-results")).to_contain_text("90911000-6")
    assert page.get_by_label("Objet du marché").input_value() == "Nettoyage des lycées du Morbihan"
    assert page.get_by_label("Montant total estimé").input_value() == "1 800 000"
    expect(page.get_by_label("Services", exact=True)).to_be_checked()
    page.get_by_role("button", name="Choisir 90911000-6").click()
    buyer.run.answers += 1
    expect(page.get_by_label("Code CPV principal")).to_have_value("90911000-6")
    # The code chosen gets the focus once htmx has settled the swap (20 ms after it): typing in
    # another field before that would send the keys to the code (CI saw « 4890911000-6 »).
    expect(page.get_by_label("Code CPV principal")).to_be_focused()
    buyer.check()
    assert page.get_by_label("Objet du marché").input_value() == "Nettoyage des lycées du Morbihan"
    buyer.fill(page.get_by_label("Durée du marché"), "48")
    buyer.settle()
    buyer.press("Suivant", r"/etapes/acheteur")

    buyer.select(page.get_by_label("Région d’exécution"), "53")
    buyer.check_box(page.get_by_role("group", name=re.compile("facilitateur")).get_by_label("Oui"))
    buyer.settle()
    buyer.press("Suivant", r"/etapes/lots")

    for i, (title, amount) in enumerate(
        [("Bureaux et salles", "1 000 000"), ("Vitrerie", "300 000"), ("Gymnases", "500 000")]
    ):
        buyer.press("Ajouter un lot")
        page.locator(f"#lots-{i}-title").wait_for()
        buyer.fill(page.locator(f"#lots-{i}-title"), title)
        buyer.fill(page.locator(f"#lots-{i}-estimated_amount_eur"), amount)
        buyer.settle()
    buyer.press("Suivant", r"/etapes/heures")

    buyer.fill(page.get_by_label("Heures mensuelles du personnel repris"), "900")
    buyer.settle()
    if not buyer.javascript:  # the effect is shown once saved
        buyer.press("Enregistrer", r"notice=enregistre")
    expect(page.locator("#sizing-explained")).to_contain_text("Effet de vos réponses")
    buyer.check()
    buyer.press("Suivant", r"/etapes/offre-locale")

    group = page.get_by_role("group", name=re.compile("SIAE"))
    buyer.check_box(group.get_by_label("Quelques structures"))
    buyer.settle()
    buyer.press("Voir la synthèse", r"/dossiers/[0-9a-f-]{36}$")
    download(buyer)


def works(buyer: Buyer) -> None:
    """Réhabilitation d’un gymnase, travaux sans lots, the code typed."""
    page = buyer.page
    start(buyer)
    buyer.fill(page.get_by_label("Objet du marché"), "Réhabilitation du gymnase du lycée")
    buyer.check_box(page.get_by_label("Travaux"))
    buyer.fill(page.get_by_label("Code CPV principal"), "45214220-8")
    buyer.fill(page.get_by_label("Montant total estimé"), "2 500 000")
    buyer.fill(page.get_by_label("Durée du marché"), "18")
    buyer.settle()
    buyer.press("Suivant", r"/etapes/acheteur")
    buyer.select(page.get_by_label("Région d’exécution"), "52")
    buyer.settle()
    buyer.press("Suivant", r"/etapes/lots")
    buyer.press("Suivant", r"/etapes/heures")
    buyer.press("Suivant", r"/etapes/offre-locale")
    buyer.press("Voir la synthèse", r"/dossiers/[0-9a-f-]{36}$")
    download(buyer)


def download(buyer: Buyer) -> None:
    """From the review page to the Word file on disk."""
    page = buyer.page
    button = page.get_by_role("button", name=re.compile("^Générer")).first
    if "télécharger" in (button.text_content() or ""):  # generated and downloaded in one click
        with page.expect_download() as info:
            button.click()
    else:  # generated, then downloaded from the list of documents
        buyer.press(re.compile("^Générer"))
        with page.expect_download() as info:
            page.locator("a[download]").first.click()
    saved = info.value
    buyer.run.filename = saved.suggested_filename
    with zipfile.ZipFile(io.BytesIO(Path(saved.path()).read_bytes())) as package:
        assert "word/document.xml" in package.namelist()
    buyer.check()


JOURNEYS: dict[str, Callable[[Buyer], None]] = {"cleaning": cleaning, "works": works}


def run_journey(
    chromium: Any,
    base_url: str,
    name: str,
    *,
    javascript: bool,
    width: int,
    credentials: tuple[str, str] | None = None,
) -> Run:
    """One journey in a new browser context; with ``credentials`` (e-mail, password), the buyer
    first signs in through the form, on a page of its own (not counted in the journey)."""
    context = chromium.new_context(
        java_script_enabled=javascript,
        accept_downloads=True,
        locale="fr-FR",
        viewport={"width": width, "height": 800},
    )
    try:
        if credentials is not None:
            sign_in = context.new_page()
            sign_in.goto(f"{base_url}/connexion")
            sign_in.get_by_label("Adresse électronique").fill(credentials[0])
            sign_in.get_by_label("Mot de passe").fill(credentials[1])
            sign_in.get_by_role("button", name="Se connecter").click()
            sign_in.wait_for_url(lambda url: "/connexion" not in url)
            sign_in.close()
        buyer = Buyer(context.new_page(), base_url, javascript=javascript)
        JOURNEYS[name](buyer)
        return buyer.run
    finally:
        context.close()
