"""Tables on a wide screen break no word across lines (issue 23: « Finistèr-e » at 1280 px);
on a phone they still fit the screen."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Server
from tests.web.conftest import Browser

# Three lots named after Brittany's départements: long words in narrow columns.
CLEANING = {
    "title": "Nettoyage des lycées publics de Bretagne",
    "nature": "services",
    "cpv": "90919300-5",
    "estimated_amount_eur": "3 600 000",
    "duration_months": "48",
    "launch_date": "2026-10-05",
}
DEPARTMENTS = ("du Finistère", "des Côtes-d’Armor", "du Morbihan", "d’Ille-et-Vilaine")
LOTS = {"lots-count": str(len(DEPARTMENTS))} | {
    key: value
    for i, name in enumerate(DEPARTMENTS)
    for key, value in (
        (f"lots-{i}-title", f"Nettoyage des lycées {name}"),
        (f"lots-{i}-cpv", "90919300-5"),
        (f"lots-{i}-estimated_amount_eur", "900 000"),
    )
}


def cleaning_dossier(server: Server, title: str) -> str:
    with httpx.Client(base_url=server.url) as client:
        http = Browser(client)  # type: ignore[arg-type]  # same interface as the TestClient
        dossier = http.new_dossier(title)
        http.answer(dossier, "marche", **CLEANING)
        http.answer(dossier, "acheteur", region_code="53", facilitator_available="true")
        http.answer(dossier, "lots", **LOTS)
        http.answer(dossier, "offre-locale", local_offer__disability="some")
    return dossier


# Each word of each table cell: split across two lines when its range has two boxes on
# different lines.
BROKEN_WORDS = """(cells = 'main table th, main table td') => {
  const broken = [];
  for (const cell of document.querySelectorAll(cells)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/[\\p{L}\\p{N}’']{4,}/gu)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_no_word_of_a_table_is_broken_on_a_wide_screen(
    chromium: Any, server: Server, width: int
) -> None:
    dossier = cleaning_dossier(server, f"Tableaux {width}")
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        for path in ("", "/etapes/heures"):
            page.goto(f"{server.url}/dossiers/{dossier}{path}")
            assert page.locator("main table").count() > 0, path
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
            if width >= 1280:
                assert page.evaluate(BROKEN_WORDS) == [], path
            elif path:  # on a phone, the lots' labour shares read as a list: no word cut
                rows = page.locator(".lot-shares tbody tr")
                assert rows.count() == len(DEPARTMENTS)
                assert rows.first.evaluate("row => getComputedStyle(row).display") == "block"
                cells = ".lot-shares tbody th, .lot-shares tbody td, .lot-shares caption"
                assert page.evaluate(BROKEN_WORDS, cells) == [], path
    finally:
        context.close()


def test_the_stylesheet_keeps_words_whole_in_a_crowded_wide_table(
    chromium: Any, server: Server
) -> None:
    """The case found: a short column beside long ones, where the old rule cut « Finistère »."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = context.new_page()
    long_cell = "x" * 20 + " texte long" * 30
    cells = "".join(f"<td>{text}</td>" for text in ["Lycées du Finistère", *[long_cell] * 3])
    try:
        page.goto(f"{server.url}/static/css/app.css")  # the server's origin, for its stylesheet
        page.set_content(
            f'<link rel="stylesheet" href="{server.url}/static/css/app.css">'
            f'<main><table style="width:1200px"><tr>{cells}</tr></table></main>'
        )
        page.wait_for_load_state("load")
        assert page.evaluate(BROKEN_WORDS) == []
    finally:
        context.close()
