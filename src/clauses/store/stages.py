"""The store's side of the life after the draft (:mod:`clauses.lifecycle`): a move recorded on the
dossier and the follow-up lines of a contract (the reports read them: :mod:`clauses.store.reports`).

A move is rare next to a wizard save: it is written here, in one transaction with its audit
rows (field-level: the stage, each date, each key of the award), with the same optimistic
locking as every change (``UPDATE … WHERE version = expected``: a dossier changed meanwhile
raises :class:`StaleVersion`). The wizard's writer never writes these columns, so a save and
a move cannot undo each other (each one raises the version).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import CursorResult, delete, func, update
from sqlmodel import Session, col, select

from clauses.advisor.hours import hours_on_orders
from clauses.followup import FollowUp, HoursRecord, NonImputable, OrderedAmount
from clauses.lifecycle import Published
from clauses.store.crud import DossierNotFound, StaleVersion, get_dossier
from clauses.store.db import writing
from clauses.store.models import (
    NAME_MAX,
    STAGE_LABELS,
    AuditEvent,
    Dossier,
    FollowupEntry,
    FollowupKind,
    FollowupPeople,
    Stage,
    utcnow,
)
from clauses.store.writer import audit_text

Actor = tuple[uuid.UUID, str]  # the user's id and e-mail
MOVE_COLUMNS = (
    "stage",
    "published",
    "award",
    "published_on",
    "notified_on",
    "notified_until",
    "started_on",
    "closed_on",
)


def _fields(before: Dossier, values: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """The fields a move sets to another value: each key of the award apart; the published
    snapshot by its date and library version only (the tender itself is the answers')."""
    fields: list[tuple[str, Any, Any]] = []
    for name, new in values.items():
        old = getattr(before, name)
        if name == "stage":
            fields.append(("stage", STAGE_LABELS[Stage(old)], STAGE_LABELS[Stage(new)]))
        elif name == "award":
            old_award, new_award = old or {}, new or {}
            fields += [
                (f"award.{key}", old_award.get(key), new_award.get(key))
                for key in sorted(set(old_award) | set(new_award))
            ]
        elif name == "published":
            for key in ("publication_date", "library_version"):
                fields.append((f"published.{key}", (old or {}).get(key), (new or {}).get(key)))
        else:
            fields.append((name, old, new))
    return [(n, o, v) for n, o, v in fields if audit_text(o) != audit_text(v)]


def _event(
    dossier: Dossier,
    actor: Actor,
    action: str,
    field: str,
    old: Any,
    new: Any,
    *,
    at: dt.datetime | None = None,
) -> AuditEvent:
    return AuditEvent(
        at=at or utcnow(),
        action=action,
        organisation_id=dossier.organisation_id,
        dossier_id=dossier.id,
        user_id=actor[0],
        actor=actor[1],
        field=field,
        old=audit_text(old),
        new=audit_text(new),
    )


def record_move(
    *,
    session: Session,
    dossier_id: uuid.UUID,
    expected_version: int,
    values: dict[str, Any],
    actor: Actor,
    action: str,
    check: Callable[[Session], None] | None = None,
) -> Dossier:
    """Write a move's columns (those of :data:`MOVE_COLUMNS`) and their trail, if the dossier is
    still at that version; else :class:`StaleVersion` (or :class:`DossierNotFound`). ``check``
    runs in the write transaction, before the write: what it raises leaves nothing written (the
    award's ids checked against the buyer's other contracts, under the buyer's lock)."""
    if not values or not set(values) <= set(MOVE_COLUMNS):
        raise ValueError(f"a move sets some of {MOVE_COLUMNS}, not {sorted(values)}")
    before = get_dossier(session=session, dossier_id=dossier_id)
    if before.version != expected_version:
        raise StaleVersion(before)
    now = utcnow()
    trail = [
        _event(before, actor, action, name, old, new, at=now)
        for name, old, new in _fields(before, values)
    ]
    with writing(session):
        if check is not None:
            try:
                check(session)
            except BaseException:
                session.rollback()
                raise
        result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(Dossier)
            .where(col(Dossier.id) == dossier_id, col(Dossier.version) == expected_version)
            .values({**values, "version": col(Dossier.version) + 1, "updated_at": now})
        )
        if result.rowcount == 0:
            session.rollback()
            raise StaleVersion(get_dossier(session=session, dossier_id=dossier_id))
        session.add_all(trail)
        session.commit()
    return get_dossier(session=session, dossier_id=dossier_id)


def published_of(dossier: Dossier) -> Published | None:
    return None if dossier.published is None else Published.from_json(dossier.published)


# Follow-up lines.


class FollowupFull(Exception):
    """The contract's follow-up would hold more than :data:`MAX_FOLLOWUP_LINES` lines."""

    def __init__(self, existing: int) -> None:
        super().__init__(f"{existing} lines already")
        self.existing = existing


MAX_FOLLOWUP_LINES = 3_000  # a contract's lines (its page lists them all)
FOLLOWUP_BATCH = 200  # lines per transaction: the write lock is never held for long


def add_followup(
    *,
    session: Session,
    dossier: Dossier,
    followup: FollowUp,
    actor: Actor,
    author_name: str,
    action: str = "suivi",
) -> list[FollowupEntry]:
    """Add the lines (checked by the caller against the vocabularies and the lots), each with
    its audit row, :data:`FOLLOWUP_BATCH` at a time, each batch in its own transaction (an
    import of a whole statement never holds the write lock long); :class:`FollowupFull` if the
    contract would then hold more than :data:`MAX_FOLLOWUP_LINES` lines."""
    entries = [
        _entry(dossier, FollowupKind.hours, record.period_end, record, actor, author_name)
        for record in followup.records
    ] + [
        _entry(dossier, FollowupKind.non_imputable, case.period_end, case, actor, author_name)
        for case in followup.non_imputable
    ]
    if followup.orders:  # a framework agreement: the hours owed at the published ratio
        published = published_of(dossier)
        ratios = {
            line.lot: line.hours_per_1000_eur or 0.0
            for line in (published.strategy.hours if published else [])
            if line.framework
        }
        for order in followup.orders:
            entry = _entry(
                dossier, FollowupKind.orders, order.period_end, order, actor, author_name
            )
            entry.hours = hours_on_orders(order.amount_eur, ratios.get(order.lot, 0.0))
            entries.append(entry)
    existing = session.exec(
        select(func.count())
        .select_from(FollowupEntry)
        .where(FollowupEntry.dossier_id == dossier.id)
    ).one()
    if existing + len(entries) > MAX_FOLLOWUP_LINES:
        raise FollowupFull(existing)
    records = dict(zip((id(e) for e in entries), followup.records, strict=False))  # hours first
    for start in range(0, len(entries), FOLLOWUP_BATCH):
        batch = entries[start : start + FOLLOWUP_BATCH]
        with writing(session):
            session.add_all(batch)
            session.flush()
            session.add_all(
                _event(dossier, actor, action, f"suivi.{entry.id}", None, entry.data)
                for entry in batch
            )
            for entry in batch:
                record = records.get(id(entry))
                if record is None:
                    continue
                assert entry.id is not None  # flushed
                session.add_all(
                    FollowupPeople(entry_id=entry.id, **values)
                    for values in people_of(dossier.organisation_id, record)
                )
            session.commit()
    for entry in entries:
        session.refresh(entry)
    return entries


def _entry(
    dossier: Dossier,
    kind: FollowupKind,
    period_end: dt.date | None,
    line: HoursRecord | NonImputable | OrderedAmount,
    actor: Actor,
    author_name: str,
) -> FollowupEntry:
    return FollowupEntry(
        dossier_id=dossier.id,
        organisation_id=dossier.organisation_id,
        kind=kind,
        period_end=period_end,
        data=line.model_dump(mode="json", exclude_none=True),
        author_id=actor[0],
        author_name=author_name[:NAME_MAX],  # given and usual names: up to twice that
        hours=line.hours if isinstance(line, HoursRecord) else None,
    )


def people_of(organisation_id: uuid.UUID | None, record: HoursRecord) -> list[dict[str, Any]]:
    """The ``followup_people`` rows of a line of hours (but their line's id): what it declares,
    with the line's organisation and period, which the year's report sums by index."""
    return [
        {
            "organisation_id": organisation_id,
            "period_end": record.period_end,
            "public": people.public,
            "outcome": people.outcome,
            "count": people.count,
        }
        for people in record.people
    ]


def followup_entries(*, session: Session, dossier_id: uuid.UUID) -> Sequence[FollowupEntry]:
    """The contract's lines, in the order they were recorded."""
    query = (
        select(FollowupEntry)
        .where(FollowupEntry.dossier_id == dossier_id)
        .order_by(col(FollowupEntry.id))
    )
    return session.exec(query).all()


class NotTheAuthor(Exception):
    """The line was entered by someone else than the one who may remove only their own."""


def delete_followup(
    *,
    session: Session,
    dossier: Dossier,
    entry_id: int,
    actor: Actor,
    own_only: bool = False,
) -> FollowupEntry:
    """Remove one line (a mistake), with its audit row; :class:`DossierNotFound` if the line is
    not the dossier's; with ``own_only``, :class:`NotTheAuthor` if the actor did not enter it."""
    entry = session.get(FollowupEntry, entry_id)
    if entry is None or entry.dossier_id != dossier.id:
        raise DossierNotFound(str(entry_id))
    if own_only and entry.author_id != actor[0]:
        raise NotTheAuthor(str(entry_id))
    with writing(session):
        session.execute(delete(FollowupEntry).where(col(FollowupEntry.id) == entry_id))
        session.add(_event(dossier, actor, "suivi supprimé", f"suivi.{entry_id}", entry.data, None))
        session.commit()
    return entry


def followup_from(entries: Iterable[FollowupEntry]) -> FollowUp:
    records, cases, orders = [], [], []
    for entry in entries:
        if entry.kind == FollowupKind.hours:
            records.append(HoursRecord.model_validate(entry.data))
        elif entry.kind == FollowupKind.orders:
            orders.append(OrderedAmount.model_validate(entry.data))
        else:
            cases.append(NonImputable.model_validate(entry.data))
    return FollowUp(records=records, non_imputable=cases, orders=orders)


def followup_of(*, session: Session, dossier_id: uuid.UUID) -> FollowUp:
    return followup_from(followup_entries(session=session, dossier_id=dossier_id))
