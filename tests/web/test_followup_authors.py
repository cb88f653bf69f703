"""The facilitator invited to a contract corrects only the follow-up lines he entered; the
buyer's lines (they drive the penalty) are the buyer's (issue 20, finding 9)."""

from __future__ import annotations

import re
import uuid

from fastapi import FastAPI

from clauses.store import stages
from clauses.store.db import new_session
from clauses.store.models import DossierGrant, Stage
from tests.moves import HOURS_LINE_FORM as LINE
from tests.moves import move_in
from tests.web.conftest import Browser, people_of, text_of

ENTRY = re.compile(r'name="entry" value="(\d+)"')


def test_the_facilitator_deletes_his_own_lines_only(app: FastAPI, browser: Browser) -> None:
    dossier = browser.new_dossier("Réhabilitation du lycée")
    ctx = app.state.ctx
    move_in(ctx.engine, ctx.library, dossier, "lycee-rehabilitation", Stage.in_execution)
    facilitator = people_of(app).facilitator
    with new_session(ctx.engine) as session:
        session.add(DossierGrant(user_id=facilitator.id, dossier_id=uuid.UUID(dossier)))
        session.commit()
    assert browser.post(f"/dossiers/{dossier}/suivi/heures", LINE).status_code == 303
    buyers = ENTRY.findall(browser.get(f"/dossiers/{dossier}/suivi").text)
    helper = Browser(browser.client, "facilitator")
    assert helper.post(f"/dossiers/{dossier}/suivi/heures", LINE).status_code == 303
    page = helper.get(f"/dossiers/{dossier}/suivi").text
    offered = ENTRY.findall(page)
    assert len(buyers) == 1 and buyers[0] not in offered and len(offered) == 1
    refused = helper.post(f"/dossiers/{dossier}/suivi/supprimer", {"entry": buyers[0]})
    assert refused.status_code == 403
    assert "Un facilitateur ne supprime que les lignes qu’il a saisies" in text_of(refused.text)
    assert (
        helper.post(f"/dossiers/{dossier}/suivi/supprimer", {"entry": offered[0]}).status_code
        == 303
    )
    with new_session(ctx.engine) as session:
        left = stages.followup_entries(session=session, dossier_id=uuid.UUID(dossier))
    assert [str(entry.id) for entry in left] == buyers
    buyer = Browser(browser.client, "acheteur")  # the buyer corrects every line
    assert (
        buyer.post(f"/dossiers/{dossier}/suivi/supprimer", {"entry": buyers[0]}).status_code == 303
    )
