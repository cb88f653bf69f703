"""Dossiers placed at a stage of their life for the tests that need one (the authorisation
matrix, the lifecycle tests): a complete tender, published, awarded, started or closed as the
moves would leave it, written straight to the store (the version stays as it was)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from fastapi import FastAPI

from clauses import lifecycle
from clauses.decp.document import DecpSchema
from clauses.store import crud
from clauses.store.db import new_session
from clauses.store.models import Stage
from clauses.web.routes.dossiers.common import assess

# The « marche » step answered: a tender ready to publish (no lots).
MARKET = {
    "title": "Réhabilitation du lycée",
    "nature": "works",
    "cpv": "45214220-8",
    "estimated_amount_eur": "6 200 000",
    "duration_months": "24",
    "launch_date": "2026-10-05",
}
# The « lots » step of that tender answered: two lots, the second with its own CPV code.
LOTS = {
    "lots-count": "2",
    "lots-0-title": "Gros œuvre",
    "lots-0-estimated_amount_eur": "4 000 000",
    "lots-1-title": "Peinture",
    "lots-1-cpv": "45442100-8",
    "lots-1-estimated_amount_eur": "2 200 000",
}
# An award of that tender (fictitious identifiers), complete for its DECP.
AWARD: dict[str, Any] = {
    "id": "2026-LYC-01",
    "buyer_siret": "23350001600040",
    "notification_date": "2026-11-20",
    "publication_date": "2026-11-25",
    "procedure": "Appel d'offres ouvert",
    "techniques": ["Sans objet"],
    "execution_modalities": ["Sans objet"],
    "offers_received": 4,
    "amount_eur": 5_900_000,
    "price_form": "Forfaitaire",
    "price_types": ["Définitif révisable"],
    "place": {"code": "35", "type": "Code département"},
    "holders": [{"id_type": "SIRET", "id": "41234567000019", "name": "Bâtir Ensemble SCOP"}],
    "grouping": "Pas de groupement",
    "subcontracting_declared": False,
    "advance_payment": False,
    "innovative": False,
    "environmental_considerations": ["Pas de considération environnementale"],
}
# The award form as a buyer fills it for a contract without lots (AWARD, as typed).
AWARD_FORM: dict[str, Any] = {
    "id": "2026-LYC-01",
    "buyer_siret": "23350001600040",
    "notification_date": "2026-11-20",
    "publication_date": "25/11/2026",  # typed where the browser shows no calendar
    "procedure": "Appel d'offres ouvert",
    "techniques": "Sans objet",
    "execution_modalities": "Sans objet",
    "offers_received": "4",
    "amount_eur": "5 900 000",
    "price_form": "Forfaitaire",
    "price_types": "Définitif révisable",
    "place-code": "35",
    "place-type": "Code département",
    "holders-count": "1",
    "holders-1-id_type": "SIRET",
    "holders-1-id": "41234567000019",
    "holders-1-name": "Bâtir Ensemble SCOP",
    "grouping": "Pas de groupement",
    "subcontracting_declared": "false",
    "advance_payment": "false",
    "innovative": "false",
    "environmental_considerations": "Pas de considération environnementale",
    "action": "save",
}
PUBLISHED_ON = dt.date(2026, 10, 5)


def unique_id(seed: object) -> str:
    """A DECP ``id`` of its own for each dossier of the tests: a buyer never gives one ``id``
    to two contracts (the award page refuses the second)."""
    return "T-" + hashlib.sha1(str(seed).encode()).hexdigest()[:12]


STARTED_ON = dt.date(2026, 11, 25)
CLOSED_ON = dt.date(2026, 11, 30)
ORDER = list(Stage)


def place_at(app: FastAPI, dossier_id: uuid.UUID | str, stage: Stage) -> None:
    """Give the dossier the complete tender and the columns of ``stage``."""
    ctx = app.state.ctx
    assessment = assess(ctx, dict(MARKET))
    assert assessment.profile and assessment.advice and assessment.strategy
    with new_session(ctx.engine) as session:
        dossier = crud.get_dossier(session=session, dossier_id=uuid.UUID(str(dossier_id)))
        dossier.answers = dict(MARKET)
        dossier.stage = stage
        reached = ORDER.index(stage)
        if reached >= ORDER.index(Stage.published):
            published = lifecycle.publish(
                assessment.profile,
                assessment.advice,
                assessment.strategy,
                ctx.library,
                PUBLISHED_ON,
                PUBLISHED_ON,
            )
            dossier.published, dossier.published_on = published.to_json(), PUBLISHED_ON
            if reached >= ORDER.index(Stage.awarded):
                awarded = lifecycle.check_award(
                    published,
                    {**AWARD, "id": unique_id(dossier_id)},
                    ctx.library,
                    DecpSchema.load(),
                    ctx.today(),
                )
                dossier.award = awarded.data
                dossier.notified_on = awarded.first_notified
                dossier.notified_until = awarded.last_notified
            if reached >= ORDER.index(Stage.in_execution):
                dossier.started_on = STARTED_ON
            if stage is Stage.closed:
                dossier.closed_on = CLOSED_ON
        session.add(dossier)
        session.commit()
