"""Dossiers put at a stage of their life for the tests, as the web does it: an example published
(:func:`clauses.lifecycle.publish`), awarded with its example award (``examples/award``,
:func:`clauses.lifecycle.check_award`), then started or closed, each move written by
:func:`clauses.store.stages.record_move`."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine
from sqlmodel import Session

from clauses import lifecycle
from clauses.advisor import advise
from clauses.decp import DecpSchema
from clauses.library import Library
from clauses.profile import parse_profile
from clauses.store import crud, stages
from clauses.store.db import new_session
from clauses.store.models import Dossier, DossierCreate, Stage
from clauses.strategy.choose import resolved_or_raise

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ACTOR = (uuid.uuid4(), "acheteuse@region.test")
TODAY = dt.date(2027, 12, 1)
# Before every example's notification (the earliest, 12 October 2026), after 21 August 2026.
PUBLISHED_ON = dt.date(2026, 9, 1)
STARTED_ON = dt.date(2027, 4, 1)
CLOSED_ON = dt.date(2027, 11, 30)
# The follow-up page's hours form as a facilitator fills it for lot 1 (an ETTI's provision).
HOURS_LINE_FORM = {
    "lot": "1",
    "period_start": "2027-04-01",
    "period_end": "2027-06-30",
    "way": "provision",
    "structure": "ETTI",
    "hours": "1 200,5",
    "people-0-public": "rsa",
    "people-0-contract_type": "assignment",
    "people-0-count": "2",
    "people-0-outcome": "employment",
}
ORDER = (Stage.draft, Stage.published, Stage.awarded, Stage.in_execution, Stage.closed)


def example(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The example's profile data and its award data."""
    profile = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text("utf-8"))
    award = yaml.safe_load((EXAMPLES / "award" / f"{name}.yaml").read_text("utf-8"))["award"]
    return profile, award


def published(
    library: Library, name: str, on: dt.date, strategy: dict[str, Any] | None = None
) -> lifecycle.Published:
    """The example as published on ``on``, with the buyer's ``strategy`` (None: the default)."""
    data, _ = example(name)
    profile = parse_profile(data)
    advice = advise(profile, library, on)
    resolved = resolved_or_raise(profile, advice, strategy, library)
    return lifecycle.publish(profile, advice, resolved, library, on, TODAY)


def move_to(
    session: Session,
    library: Library,
    schema: DecpSchema,
    dossier_id: uuid.UUID,
    name: str,
    stage: Stage,
    actor: tuple[uuid.UUID, str] = ACTOR,
    strategy: dict[str, Any] | None = None,
) -> Dossier:
    """A draft dossier taken to ``stage`` with the example ``name`` as its published tender."""
    dossier = crud.get_dossier(session=session, dossier_id=dossier_id)
    snapshot = published(library, name, PUBLISHED_ON, strategy)
    _, award_data = example(name)
    moves: list[tuple[Stage, str, dict[str, Any]]] = [
        (
            Stage.published,
            "publication",
            {"published": snapshot.to_json(), "published_on": snapshot.publication_date},
        )
    ]
    awarded = lifecycle.check_award(snapshot, award_data, library, schema, TODAY)
    moves.append(
        (
            Stage.awarded,
            "attribution",
            {
                "award": awarded.data,
                "notified_on": awarded.first_notified,
                "notified_until": awarded.last_notified,
            },
        )
    )
    moves.append((Stage.in_execution, "exécution", {"started_on": STARTED_ON}))
    moves.append((Stage.closed, "clôture", {"closed_on": CLOSED_ON}))
    for target, action, values in moves[: ORDER.index(stage)]:
        dossier = stages.record_move(
            session=session,
            dossier_id=dossier.id,
            expected_version=dossier.version,
            values={"stage": target, **values},
            actor=actor,
            action=action,
        )
    return dossier


def to_award(
    session: Session, library: Library, schema: DecpSchema, name: str, org: uuid.UUID
) -> Dossier:
    """A dossier of that example, published then awarded."""
    dossier = crud.create_dossier(
        session=session, dossier_in=DossierCreate(title=name), organisation_id=org
    )
    return move_to(session, library, schema, dossier.id, name, Stage.awarded)


def schema() -> DecpSchema:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = DecpSchema.load()
    return _SCHEMA


_SCHEMA: DecpSchema | None = None


def move_in(
    engine: Engine,
    library: Library,
    dossier_id: uuid.UUID | str,
    name: str,
    stage: Stage,
    strategy: dict[str, Any] | None = None,
) -> Dossier:
    """:func:`move_to` in a session of its own (for the web tests, on the app's engine)."""
    with new_session(engine) as session:
        return move_to(
            session, library, schema(), uuid.UUID(str(dossier_id)), name, stage,
            strategy=strategy,
        )  # fmt: skip
