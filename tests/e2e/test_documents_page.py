"""The documents page generates and downloads in one click, with and without JavaScript
(issue 23: the zip « downloaded nothing », and each click made a new version)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.test_strategy import works_dossier


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_zip_of_the_pieces_downloads_in_one_click(
    chromium: Any, server: Server, javascript: bool
) -> None:
    dossier = works_dossier(server, f"Pièces {'js' if javascript else 'sans js'}")
    context = chromium.new_context(
        java_script_enabled=javascript, accept_downloads=True, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto(f"{server.url}/dossiers/{dossier}/documents")
        page.get_by_label("Une pièce du DCE par document Word", exact=False).check()
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Générer le document Word").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".zip")
        with zipfile.ZipFile(Path(download.path())) as archive:
            names = archive.namelist()
        assert "02-ccap-article.docx" in names and all(n.endswith(".docx") for n in names)
        expect(page.locator(".notice")).to_contain_text("Le téléchargement de")
        expect(page.locator("tbody tr")).to_have_count(1)  # one click, one version
    finally:
        context.close()
