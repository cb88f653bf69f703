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
