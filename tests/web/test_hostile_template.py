"""A council's Word template with content from outside or content that runs (issue 20, finding
1): refused at upload, naming what was found; one stored before that check is drafted on
without it."""

from __future__ import annotations

import re
import uuid

from fastapi import FastAPI

from clauses.store import crud
from clauses.store.db import new_session
from tests.drafting.test_template import BEACON, external_and_active, hostile_template
from tests.openxml import assert_valid_office
from tests.web.conftest import Browser, text_of
from tests.web.stages import MARKET

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_hostile_template_is_refused_at_upload_naming_what_it_holds(
    app: FastAPI, browser: Browser
) -> None:
    dossier = browser.new_dossier()
    admin = Browser(browser.client, "admin")
    refused = admin.post(
        f"/dossiers/{dossier}/documents/modele",
        files={"modele": ("charte.docx", hostile_template(), DOCX)},
    )
    assert refused.status_code == 422
    page = text_of(refused.text)
    assert "Modèle Word : modèle Word refusé : il contient des éléments extérieurs" in page
    assert f"image externe « {BEACON} »" in page and "macros (VBA)" in page
    assert "charte.docx" not in admin.get(f"/dossiers/{dossier}/documents").text


def test_a_hostile_template_stored_earlier_gives_clean_drafts(
    app: FastAPI, browser: Browser
) -> None:
    dossier = browser.new_dossier()
    browser.answer(dossier, "marche", **MARKET)
    with new_session(app.state.ctx.engine) as session:
        organisation = crud.get_dossier(session=session, dossier_id=uuid.UUID(dossier))
        crud.set_word_template(
            session=session,
            organisation_id=organisation.organisation_id,
            filename="ancien.docx",
            content=hostile_template(),
        )
    try:
        generated = browser.post(f"/dossiers/{dossier}/documents", {"sections": ["references"]})
        assert generated.status_code == 303
        listing = browser.get(generated.headers["location"]).text
        link = re.search(rf'href="(/dossiers/{dossier}/documents/[0-9a-f-]+)" download', listing)
        assert link is not None
        drafted = browser.get(link.group(1)).content
        assert external_and_active(drafted) == []
        assert_valid_office(drafted, "sur-ancien-modele.docx")
    finally:
        with new_session(app.state.ctx.engine) as session:
            crud.delete_word_template(session=session, organisation_id=organisation.organisation_id)
