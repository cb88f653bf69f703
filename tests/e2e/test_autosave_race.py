"""The autosave race of the wizard, in the browser (issue 23): a save of the same person that
lands after the next page was shown is no conflict; the form's own version and base travel with
every save, with htmx and without."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.test_strategy import works_dossier


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_late_autosave_does_not_make_the_buyer_conflict_with_himself(
    chromium: Any, server: Server, javascript: bool
) -> None:
    dossier = works_dossier(server, f"Course {'js' if javascript else 'sans js'}")
    context = chromium.new_context(java_script_enabled=javascript, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/dossiers/{dossier}/etapes/lots")
        form = page.locator("#step-form")
        shown = form.locator("input[name=version]").input_value()
        fields = {
            name: form.locator(f"input[name={name}]").input_value()
            for name in ("csrf_token", "base")
        }
        # The autosave of the previous step, sent before and landing after this page was shown.
        late = page.request.post(
            f"{server.url}/dossiers/{dossier}/etapes/marche",
            form={**fields, "version": shown, "action": "save", "title": "Titre tardif"},
            max_redirects=0,
        )
        assert late.status == 303, late.text()[:300]
        lots_before = page.locator("input[id$='-title'][id^='lots-']").count()
        page.get_by_role("button", name="Ajouter un lot").click()
        expect(page.locator("input[id$='-title'][id^='lots-']")).to_have_count(lots_before + 1)
        expect(page.locator("main")).not_to_contain_text("modifié entre-temps")
        page.goto(f"{server.url}/dossiers/{dossier}/etapes/marche")
        expect(page.get_by_label("Objet du marché")).to_have_value("Titre tardif")
    finally:
        context.close()


def test_generate_clicked_while_an_autosave_is_in_flight_still_downloads(
    chromium: Any, server: Server
) -> None:
    """CI found it: a choice's autosave still on its way when « Générer » is clicked swapped the
    form's inside; the submit htmx queued behind it lost its button and came as a plain save (no
    download). The autosave is held here until the click is made."""
    dossier = works_dossier(server, "Générer pendant un enregistrement")
    context = chromium.new_context(accept_downloads=True, locale="fr-FR")
    page = context.new_page()
    held: list[Any] = []

    def hold_first_autosave(route: Any) -> None:
        if not held and "action=generate" not in (route.request.post_data or ""):
            held.append(route)  # answered after the click
        else:
            route.continue_()

    try:
        page.goto(f"{server.url}/dossiers/{dossier}")
        page.route(f"**/dossiers/{dossier}/strategie", hold_first_autosave)
        page.get_by_text("Sections du document").click()
        page.get_by_label("Fiches de bonnes pratiques").uncheck()  # an autosave, held
        for _ in range(200):  # until the autosave reaches the route (10 s at most)
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the autosave was sent"
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Générer et télécharger le document Word").first.click()
            held[0].continue_()
        assert download_info.value.suggested_filename.endswith(".docx")
    finally:
        context.close()
