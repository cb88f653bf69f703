"""The dossier's life (list, rename, duplicate, archive, delete with confirmation) and its
generated documents (sections chosen, stored with the advice snapshot and library version)."""

from __future__ import annotations

import io
import re
import zipfile

from fastapi import FastAPI
from fastapi.testclient import TestClient

from clauses.library import Library
from tests.openxml import assert_valid_office
from tests.web.conftest import Browser, text_of
from tests.web.stages import MARKET

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_list_rename_duplicate_archive(browser: Browser) -> None:
    dossier = browser.new_dossier("Premier")
    assert "Premier" in browser.get("/dossiers").text
    form = browser.get(f"/dossiers/{dossier}/renommer").text
    assert '<label for="title">' in form
    empty = browser.post(f"/dossiers/{dossier}/renommer", {"version": "1", "title": " "})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text
    renamed = browser.post(f"/dossiers/{dossier}/renommer", {"version": "1", "title": "Deuxième"})
    assert renamed.status_code == 303
    assert "Deuxième" in browser.get(f"/dossiers/{dossier}").text

    copy = browser.post(f"/dossiers/{dossier}/dupliquer")
    assert copy.status_code == 303
    copy_id = copy.headers["location"].split("/")[2].split("?")[0]
    assert copy_id != dossier
    assert "Copie de Deuxième" in browser.get(f"/dossiers/{copy_id}").text

    archived = browser.post(f"/dossiers/{dossier}/archiver", {"version": "2"})
    assert archived.status_code == 303
    assert f"/dossiers/{dossier}" not in browser.get("/dossiers").text
    assert f"/dossiers/{dossier}" in browser.get("/dossiers?statut=archived").text
    browser.post(f"/dossiers/{dossier}/archiver", {"version": "3"})
    assert f"/dossiers/{dossier}" in browser.get("/dossiers").text


def test_delete_asks_for_confirmation(browser: Browser) -> None:
    dossier = browser.new_dossier("À jeter")
    confirm = browser.get(f"/dossiers/{dossier}/supprimer")
    assert confirm.status_code == 200
    assert "Supprimer définitivement" in confirm.text and 'method="post"' in confirm.text
    assert browser.get(f"/dossiers/{dossier}").status_code == 200  # nothing deleted by a GET
    deleted = browser.post(f"/dossiers/{dossier}/supprimer", {"version": "1"})
    assert deleted.status_code == 303 and deleted.headers["location"] == "/dossiers?notice=supprime"
    assert browser.get(f"/dossiers/{dossier}").status_code == 404


def test_generate_download_and_keep_documents(browser: Browser, library: Library) -> None:
    dossier = browser.new_dossier("Lycée")
    browser.answer(dossier, "marche", **MARKET)
    review = browser.get(f"/dossiers/{dossier}").text
    for section in ("summary", "rc", "ccap", "annexes", "practices", "references"):
        assert f'name="sections" value="{section}" checked' in review
    generated = browser.post(f"/dossiers/{dossier}/documents", {"sections": ["summary", "ccap"]})
    assert generated.status_code == 303
    listing = browser.get(generated.headers["location"]).text
    assert library.version in listing
    link = re.search(rf'href="(/dossiers/{dossier}/documents/[0-9a-f-]+)" download', listing)
    assert link
    docx = browser.get(link.group(1))
    assert docx.status_code == 200
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in docx.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(docx.content)) as package:
        assert "word/document.xml" in package.namelist()
    assert_valid_office(docx.content, "telechargement.docx")
    snapshot = browser.get(link.group(1) + "/conseil.json").json()
    assert snapshot["library_version"] == library.version
    assert snapshot["insertion_hours"] > 0
    assert "Synthèse" in text_of(listing) and "Extrait du CCAP" in text_of(listing)

    browser.answer(dossier, "marche", estimated_amount_eur="7 000 000")
    again = browser.get(link.group(1))
    assert again.content == docx.content  # what was issued is kept as issued
    # Issue 23: the page after generating starts the download by itself (no JavaScript);
    # the list read again later does not.
    assert f'<meta http-equiv="refresh" content="0;url={link.group(1)}">' in listing
    assert "Le téléchargement de" in text_of(listing)
    assert 'http-equiv="refresh"' not in browser.get(f"/dossiers/{dossier}/documents").text


def test_generation_needs_a_complete_dossier_and_a_section(browser: Browser) -> None:
    dossier = browser.new_dossier()
    incomplete = browser.post(f"/dossiers/{dossier}/documents", {"sections": ["summary"]})
    assert incomplete.status_code == 422
    assert "Le dossier est incomplet" in text_of(incomplete.text)
    assert f'href="/dossiers/{dossier}/etapes/marche#title"' in incomplete.text
    browser.answer(dossier, "marche", **MARKET)
    no_section = browser.post(f"/dossiers/{dossier}/documents", {})
    assert no_section.status_code == 422
    assert "Cochez au moins une section" in no_section.text


def test_documents_of_another_dossier_are_not_served(browser: Browser) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    listing = browser.get(
        browser.post(f"/dossiers/{dossier}/documents", {"sections": ["summary"]}).headers[
            "location"
        ]
    ).text
    document = re.search(r"/documents/([0-9a-f-]{36})", listing).group(1)  # type: ignore[union-attr]
    other = browser.new_dossier()
    assert browser.get(f"/dossiers/{other}/documents/{document}").status_code == 404


def test_the_councils_word_template_is_checked_stored_and_used(
    browser: Browser, app: FastAPI
) -> None:
    from tests.drafting.test_template import HEADER_TEXT, council_template

    dossier = browser.new_dossier("Lycée modèle")
    browser.answer(dossier, "marche", **MARKET)
    url = f"/dossiers/{dossier}/documents/modele"
    # A setting of the organisation: its admin's; an acheteur gets no form and a 403.
    assert 'enctype="multipart/form-data"' not in browser.get(f"/dossiers/{dossier}/documents").text
    upload = {"modele": ("charte-region.docx", council_template(), DOCX)}
    assert browser.post(url, files=upload).status_code == 403
    other = Browser(TestClient(app), "other")
    assert other.post(url, files=upload).status_code == 404
    buyer, browser = browser, Browser(TestClient(app), "admin")
    page = browser.get(f"/dossiers/{dossier}/documents").text
    assert 'enctype="multipart/form-data"' in page and '<label for="modele">' in page

    refused = browser.post(url, files={"modele": ("modele.docx", b"pas un zip", DOCX)})
    assert refused.status_code == 422
    assert "Modèle Word : modèle Word refusé : ce n’est pas un document Word" in text_of(
        refused.text
    )
    assert 'aria-invalid="true"' in refused.text
    wrong_kind = browser.post(url, files={"modele": ("modele.doc", council_template(), DOCX)})
    assert wrong_kind.status_code == 422 and ".docx ou .dotx attendu" in text_of(wrong_kind.text)

    stored = browser.post(url, files={"modele": ("charte-region.docx", council_template(), DOCX)})
    assert stored.status_code == 303
    assert "Modèle Word enregistré" in browser.get(stored.headers["location"]).text
    assert "charte-region.docx" in browser.get(f"/dossiers/{dossier}/documents").text
    # Used for the organisation's drafts, whoever drafts them.
    generated = buyer.post(f"/dossiers/{dossier}/documents", {"sections": ["ccap"]})
    listing = buyer.get(generated.headers["location"]).text
    link = re.search(rf'href="(/dossiers/{dossier}/documents/[0-9a-f-]+)" download', listing)
    assert link
    drafted = buyer.get(link.group(1)).content
    assert_valid_office(drafted, "sur-modele.docx")
    with zipfile.ZipFile(io.BytesIO(drafted)) as package:
        headers = [n for n in package.namelist() if n.startswith("word/header")]
        assert any(HEADER_TEXT in package.read(n).decode() for n in headers)

    removed = browser.post(f"/dossiers/{dossier}/documents/modele/supprimer")
    assert removed.status_code == 303
    assert "charte-region.docx" not in browser.get(f"/dossiers/{dossier}/documents").text
