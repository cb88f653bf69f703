"""The SPASER indicators of a year, from the kept figures and the follow-up lines' indexes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlmodel import Session, col

from clauses.decp import DecpSchema
from clauses.library import Library
from clauses.spaser import Indicators
from clauses.spaser.figures import Declared, DossierFigures
from clauses.spaser.indicators import Performed, indicators_of
from clauses.store.models import DeclaredContract, FollowupEntry, FollowupKind, FollowupPeople
from clauses.store.reports.figures import VALUES, Scope, awarded, current_figures, dossier_key
from clauses.strategy.model import Derogation


def spaser(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    year: int,
    library: Library,
    schema: DecpSchema,
) -> Indicators:
    """The organisation's SPASER indicators of the year (its id as the organisation's name)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    current = current_figures(session, Scope(organisation_id, start, end, library, schema))
    dossiers = _year_dossiers(session, organisation_id, start, end, current)
    done = performed(session, organisation_id, start, end)
    return indicators_of(dossiers, done, str(organisation_id), year, library)


def _year_dossiers(
    session: Session,
    organisation_id: uuid.UUID,
    start: dt.date,
    end: dt.date,
    current: dict[str, Any],
) -> Iterator[tuple[str, DossierFigures]]:
    """Each dossier with contracts notified in the period, with those contracts (in the order
    of the dossiers' first notification), then each one that cannot be declared. The
    contracts are read from their index alone."""
    contracts = select(
        dossier_key(col(DeclaredContract.dossier_id)),
        col(DeclaredContract.position),
        col(DeclaredContract.lot),
        col(DeclaredContract.notified_on),
        col(DeclaredContract.amount_eur),
        col(DeclaredContract.social),
        col(DeclaredContract.environmental),
        col(DeclaredContract.hours_planned),
        col(DeclaredContract.reserved_lots),
    ).where(
        col(DeclaredContract.organisation_id) == organisation_id,
        col(DeclaredContract.notified_on) >= start,
        col(DeclaredContract.notified_on) <= end,
    )
    by_dossier: defaultdict[str, list[tuple[int, Declared]]] = defaultdict(list)
    for (
        dossier_id,
        position,
        lot,
        notified,
        amount,
        social,
        environmental,
        hours,
        reserved,
    ) in session.execute(contracts):
        if dossier_id in current:
            declared = Declared(
                lot, notified, amount, social.split(VALUES), environmental.split(VALUES), hours,
                reserved,
            )  # fmt: skip
            by_dossier[dossier_id].append((position, declared))
    for dossier_id, row in current.items():
        found = by_dossier.get(dossier_id)
        if found:
            yield (
                row.title,
                DossierFigures(
                    declared=[declared for _, declared in sorted(found, key=itemgetter(0))]
                    if len(found) > 1
                    else [found[0][1]],
                    obligation_applies=row.obligation_applies,
                    reserved_whole=row.reserved_whole,
                    derogation=None
                    if row.derogation_ground is None
                    else Derogation(
                        ground=row.derogation_ground,
                        justification=row.derogation_justification or "",
                    ),
                ),
            )
    for row in current.values():
        if row.problems is not None:
            yield row.title, DossierFigures(problems=row.problems)


def _lines(organisation_id: uuid.UUID, start: dt.date, end: dt.date) -> tuple[Any, ...]:
    """The organisation's follow-up lines for periods ending from ``start`` to ``end``."""
    return (
        col(FollowupEntry.organisation_id) == organisation_id,
        col(FollowupEntry.period_end) >= start,
        col(FollowupEntry.period_end) <= end,
    )


def _hours(
    session: Session, organisation_id: uuid.UUID, start: dt.date, end: dt.date, kind: FollowupKind
) -> float:
    """The hours of those lines of that kind (performed, or owed by the orders)."""
    query = select(func.sum(col(FollowupEntry.hours))).where(
        *_lines(organisation_id, start, end), col(FollowupEntry.kind) == kind.value
    )
    return float(session.execute(query).scalar() or 0)


def performed(
    session: Session, organisation_id: uuid.UUID, start: dt.date, end: dt.date
) -> Performed:
    """The hours of the organisation's follow-up lines for periods ending in the period, and
    the people they declare by public and by outcome: sums over two indexes."""
    hours = _hours(session, organisation_id, start, end, FollowupKind.hours)
    public, outcome = col(FollowupPeople.public), col(FollowupPeople.outcome)
    groups = session.execute(
        select(public, outcome, func.sum(col(FollowupPeople.count)))
        .where(
            col(FollowupPeople.organisation_id) == organisation_id,
            col(FollowupPeople.period_end) >= start,
            col(FollowupPeople.period_end) <= end,
        )
        .group_by(public, outcome)
        .order_by(public, outcome)
    )
    publics: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    for who, became, number in groups:
        publics[who] = publics.get(who, 0) + int(number)
        if became is not None:
            outcomes[became] = outcomes.get(became, 0) + int(number)
    owed = _hours(session, organisation_id, start, end, FollowupKind.orders)
    return Performed(hours, publics, outcomes, owed)


def active(session: Session, organisation_id: uuid.UUID, year: int) -> bool:
    """Whether the year has a contract notified or hours performed (the reports' default year
    is the last complete one when it has)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    notified = exists().where(*awarded(organisation_id, start, end))
    followed = exists().where(
        *_lines(organisation_id, start, end),
        col(FollowupEntry.kind).in_([FollowupKind.hours.value, FollowupKind.orders.value]),
    )
    return bool(session.execute(select(or_(notified, followed))).scalar())
