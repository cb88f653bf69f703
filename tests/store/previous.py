"""The reports as they were computed before the figures were kept (main at c603587,
``clauses.store.stages``): every record of the period read and validated from its snapshot, then
the core's :func:`clauses.spaser.indicators` and :func:`clauses.decp.decp_batch`. Kept as the
reference the kept figures must equal (tests/store/test_reports.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import Text, cast
from sqlalchemy import select as rows_of
from sqlmodel import Session, col

from clauses.decp import Contract
from clauses.decp.award import parse_award
from clauses.followup import FollowUp, HoursRecord
from clauses.lifecycle import Published
from clauses.spaser import ContractRecord
from clauses.store.models import Dossier, FollowupEntry, FollowupKind, Stage

AWARDED = (Stage.awarded, Stage.in_execution, Stage.closed)
# Read as plain rows, not ORM objects: a year's report reads a few thousand snapshots, and
# objects kept in the session's identity map (each with its decoded JSON) made every garbage
# collection walk them all (bench/after_db.py: 1 752 records read in 1.9 s, 0.4 s as rows).
# The snapshot is read as its JSON text and validated from it (Published.from_text).
_RECORD_COLUMNS = (
    col(Dossier.id),
    col(Dossier.title),
    cast(col(Dossier.published), Text),
    col(Dossier.award),
)


def _awarded(organisation_id: uuid.UUID, start: dt.date, end: dt.date) -> Any:
    """The organisation's awarded dossiers with a contract notified from ``start`` to ``end``."""
    return (
        rows_of(*_RECORD_COLUMNS)
        .where(
            col(Dossier.organisation_id) == organisation_id,
            col(Dossier.stage).in_([s.value for s in AWARDED]),
            col(Dossier.notified_on) <= end,
            col(Dossier.notified_until) >= start,
        )
        .order_by(col(Dossier.notified_on), col(Dossier.id))
    )


def _snapshot(text: str | None) -> Published | None:
    return None if text is None or text == "null" else Published.from_text(text)


def _contract(title: str, published: str | None, award: Any) -> Contract | None:
    snapshot = _snapshot(published)
    if snapshot is None or award is None:
        return None
    return Contract(
        label=title,
        profile=snapshot.profile,
        strategy=snapshot.strategy,
        award=parse_award(award),
    )


def contracts_between(
    *, session: Session, organisation_id: uuid.UUID, start: dt.date, end: dt.date
) -> list[Contract]:
    """The organisation's contracts notified in the period (for the DECP batch)."""
    rows = session.execute(_awarded(organisation_id, start, end))
    found = (_contract(title, published, award) for _, title, published, award in rows)
    return [c for c in found if c is not None]


def contract_records(
    *, session: Session, organisation_id: uuid.UUID, year: int
) -> list[ContractRecord]:
    """What the SPASER indicators of the year read: the contracts notified in the year, and
    those of other years with hours recorded for a period ending in the year (their hours
    count in the year that performed them; they come without their tender, which declares no
    contract in the year)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    entries = session.execute(
        rows_of(col(FollowupEntry.dossier_id), cast(col(FollowupEntry.data), Text)).where(
            col(FollowupEntry.organisation_id) == organisation_id,
            col(FollowupEntry.period_end) >= start,
            col(FollowupEntry.period_end) <= end,
            col(FollowupEntry.kind) == FollowupKind.hours,
        )
    )
    lines: defaultdict[uuid.UUID, list[HoursRecord]] = defaultdict(list)
    for dossier_id, data in entries:
        lines[dossier_id].append(HoursRecord.model_validate_json(data))
    records: list[ContractRecord] = []
    seen: set[uuid.UUID] = set()

    for dossier_id, title, published, award in session.execute(
        _awarded(organisation_id, start, end)
    ):
        seen.add(dossier_id)
        snapshot = _snapshot(published)
        if snapshot is None:
            continue
        records.append(
            ContractRecord(
                organisation=str(organisation_id),
                label=title,
                profile=snapshot.profile,
                advice=snapshot.advice,
                strategy=snapshot.strategy,
                award=None if award is None else parse_award(award),
                followup=FollowUp(records=lines.get(dossier_id, [])),
            )
        )
    # The contracts of other years count for their hours only: their tender is not read.
    others = set(lines) - seen
    if others:
        for dossier_id, title in session.execute(
            rows_of(col(Dossier.id), col(Dossier.title)).where(
                col(Dossier.id).in_(others), col(Dossier.organisation_id) == organisation_id
            )
        ):
            records.append(
                ContractRecord(
                    organisation=str(organisation_id),
                    label=title,
                    followup=FollowUp(records=lines[dossier_id]),
                )
            )
    return records
