"""What the reports read (DESIGN §6): the SPASER indicators of a year and the DECP batch of a
period, from figures kept per awarded dossier and from indexes, rather than from every stored
snapshot parsed and validated at each report (5.6 to 9 s and 630 to 830 MB at 100 000
dossiers before; bench/scale.py).

Each awarded dossier's figures (:class:`~clauses.store.models.ContractFigures`) and contracts
(:class:`~clauses.store.models.DeclaredContract`, one per DECP ``marche``, the ``marche``
included) are computed by :func:`clauses.spaser.figures.dossier_figures` from its published
tender and its award, and stamped with the dossier's version (and its organisation, title and
dates at that version) and the library's version. A report first reads the awarded dossiers of
its period and their versions from an index, computes the figures that are missing or stamped
otherwise (dossiers awarded, corrected or moved since the last report, or all of them after a
library update; ``clauses serve`` computes them all before it serves), then reads only figures
of those dossiers at those versions, never a dossier's row:

- SPASER (:func:`spaser`): the year's contracts as narrow rows, dossier by dossier, summed by
  :func:`clauses.spaser.indicators.indicators_of`; the hours and people of the year's follow-up
  lines summed by the database over their indexes (kept apart from each line's JSON when it is
  added: :func:`clauses.store.stages.add_followup`).
- DECP (:func:`decp_period`, :func:`decp_json`): the stored ``marche`` of the period, as they
  come. A dossier whose contracts are not declarable as they stand (a problem of its award, or
  contracts the schema refuses: only when data or schema changed behind the application) is
  declared as before, from its snapshot, so that what is left out, and why, is the same.

Rows are streamed and figures computed by batches: memory does not grow with the dossiers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import String, Text, and_, cast, delete, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from clauses.decp import Contract, DecpSchema
from clauses.decp.award import parse_award
from clauses.decp.document import DecpError, OncePerBuyer, batch_json, declared_between
from clauses.library import Library
from clauses.lifecycle import Published
from clauses.profile import ProfileError
from clauses.spaser import Indicators
from clauses.spaser.figures import Declared, DossierFigures, dossier_figures
from clauses.spaser.indicators import Performed, indicators_of
from clauses.store.db import writing
from clauses.store.models import (
    ContractFigures,
    DeclaredContract,
    Dossier,
    FollowupEntry,
    FollowupKind,
    FollowupPeople,
    Stage,
)
from clauses.strategy.model import Derogation

AWARDED = (Stage.awarded.value, Stage.in_execution.value, Stage.closed.value)
BATCH = 200  # dossiers whose figures are computed and written per transaction
VALUES = "|"  # between the DECP values of a contract's considerations
STREAM = 1000  # rows fetched at a time
FIGURES = ContractFigures.__table__  # type: ignore[attr-defined]
DECLARED = DeclaredContract.__table__  # type: ignore[attr-defined]


def _awarded(organisation_id: uuid.UUID | None, start: dt.date, end: dt.date) -> list[Any]:
    """The organisation's awarded dossiers with a contract notified from ``start`` to ``end``
    (every organisation's, with None)."""
    where = [
        col(Dossier.stage).in_(AWARDED),
        col(Dossier.notified_on) <= end,
        col(Dossier.notified_until) >= start,
    ]
    if organisation_id is not None:
        where.append(col(Dossier.organisation_id) == organisation_id)
    return where


def _key(column: Any) -> Any:
    """A dossier's id as the reports key it: its text (SQLite's hex, PostgreSQL's dashed form),
    ordered as the id; turning tens of thousands into UUID objects took a fifth of a report."""
    return cast(column, String).label("dossier_id")


def _stamped(organisation_id: uuid.UUID | None, start: dt.date, end: dt.date) -> list[Any]:
    """Figures whose dossier, as they were computed, had a contract notified in the period."""
    where = [col(ContractFigures.notified_on) <= end, col(ContractFigures.notified_until) >= start]
    if organisation_id is not None:
        where.append(col(ContractFigures.organisation_id) == organisation_id)
    return where


# A dossier's kept figures, as the reports read them.
KEPT = (
    _key(col(ContractFigures.dossier_id)),
    col(ContractFigures.version),
    col(ContractFigures.library_version),
    col(ContractFigures.notified_on),
    col(ContractFigures.title),
    col(ContractFigures.tender),
    and_(col(ContractFigures.valid), col(ContractFigures.problems).is_(None)).label("declarable"),
    col(ContractFigures.problems),
    col(ContractFigures.obligation_applies),
    col(ContractFigures.reserved_whole),
    col(ContractFigures.derogation_ground),
    col(ContractFigures.derogation_justification),
)


def _stale(
    session: Session,
    organisation_id: uuid.UUID | None,
    start: dt.date,
    end: dt.date,
    library: Library,
) -> tuple[dict[str, int], dict[str, Any], list[str]]:
    """The awarded dossiers of the period and their versions (from an index: no dossier row is
    read), the figures kept for them, and those whose figures are missing or stamped with
    another version of the dossier or of the library."""
    versions: dict[str, int] = {
        dossier_id: version
        for dossier_id, version in session.execute(
            select(_key(col(Dossier.id)), col(Dossier.version)).where(
                *_awarded(organisation_id, start, end)
            )
        )
    }
    kept = {
        row.dossier_id: row
        for row in session.execute(select(*KEPT).where(*_stamped(organisation_id, start, end)))
    }
    stale = sorted(
        dossier_id
        for dossier_id, version in versions.items()
        if (row := kept.get(dossier_id)) is None
        or row.version != version
        or row.library_version != library.version
    )
    session.rollback()  # the reads end here: each batch is written in a transaction of its own
    return versions, kept, stale


def refresh(
    session: Session,
    *,
    organisation_id: uuid.UUID | None,
    start: dt.date,
    end: dt.date,
    library: Library,
    schema: DecpSchema,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute the figures of the awarded dossiers of the period that have none for their
    version and the library (of the organisation; of all with None); their number."""
    _, _, stale = _stale(session, organisation_id, start, end, library)
    _compute(session, [uuid.UUID(key) for key in stale], library, schema, progress)
    return len(stale)


def _current(
    session: Session,
    organisation_id: uuid.UUID,
    start: dt.date,
    end: dt.date,
    library: Library,
    schema: DecpSchema,
) -> dict[str, Any]:
    """The kept figures of the organisation's awarded dossiers of the period (:data:`KEPT`), in
    the order of their first notification, once those they lacked are computed. A report reads
    only these dossiers' contracts."""
    versions, kept, stale = _stale(session, organisation_id, start, end, library)
    ids = [uuid.UUID(key) for key in stale]
    _compute(session, ids, library, schema, None)
    for done in range(0, len(ids), BATCH):
        computed = select(*KEPT).where(
            col(ContractFigures.dossier_id).in_(ids[done : done + BATCH])
        )
        for row in session.execute(computed):
            kept[row.dossier_id] = row
            versions[row.dossier_id] = row.version  # changed meanwhile: read as computed
    current = [
        (dossier_id, row)
        for dossier_id, row in kept.items()
        if versions.get(dossier_id) == row.version and row.library_version == library.version
    ]
    return dict(sorted(current, key=lambda item: (item[1].notified_on, item[0])))


def _compute(
    session: Session,
    ids: list[uuid.UUID],
    library: Library,
    schema: DecpSchema,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Compute and write the dossiers' figures, by batches."""
    for done in range(0, len(ids), BATCH):
        batch = ids[done : done + BATCH]
        rows = session.execute(
            select(
                col(Dossier.id),
                col(Dossier.version),
                col(Dossier.organisation_id),
                col(Dossier.title),
                col(Dossier.notified_on),
                col(Dossier.notified_until),
                cast(col(Dossier.published), Text),
                col(Dossier.award),
            ).where(col(Dossier.id).in_(batch))
        ).all()
        session.rollback()
        figures: list[dict[str, Any]] = []
        contracts: list[dict[str, Any]] = []
        for dossier_id, version, organisation, title, first, last, published, award in rows:
            kept, declared = figures_rows(_snapshot(published), award, library, schema)
            figures.append(
                {"dossier_id": dossier_id, "version": version, "organisation_id": organisation}
                | {"title": title, "notified_on": first, "notified_until": last}
                | kept
            )
            contracts += [
                {"dossier_id": dossier_id, "organisation_id": organisation, **contract}
                for contract in declared
            ]
        _write(session, batch, figures, contracts)
        if progress is not None:
            progress(done + len(batch), len(ids))


def figures_rows(
    tender: Published | None, award: Any, library: Library, schema: DecpSchema | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A dossier's ``contract_figures`` values (but its id and version) and its contracts'
    (but their dossier and organisation), from its published tender and its award as stored.
    Its contracts are checked against the ``schema``; None: the caller knows they pass it
    (about a millisecond a dossier: the seeding builds its awards within the format)."""
    kept: dict[str, Any] = {
        "library_version": library.version,
        "tender": tender is not None and award is not None,
        "problems": None,
        "valid": True,
        "obligation_applies": False,
        "reserved_whole": 0,
        "derogation_ground": None,
        "derogation_justification": None,
    }
    if tender is None or award is None:
        return kept, []
    try:
        found = dossier_figures(
            tender.profile, tender.advice, tender.strategy, parse_award(award), library
        )
    except ProfileError as exc:  # an award stored unreadable: named as the DECP names it
        return kept | {"problems": [str(error) for error in exc.errors]}, []
    if found.marches and schema is not None:
        try:
            schema.check({"marches": {"marche": found.marches}})
        except DecpError:
            kept["valid"] = False
    derogation = found.derogation
    kept |= {
        "problems": found.problems or None,
        "obligation_applies": found.obligation_applies,
        "reserved_whole": found.reserved_whole,
        "derogation_ground": derogation.ground if derogation else None,
        "derogation_justification": derogation.justification if derogation else None,
    }
    contracts = [
        {
            "position": position,
            "lot": contract.lot,
            "notified_on": contract.notified_on,
            "amount_eur": contract.amount,
            "social": VALUES.join(contract.social),
            "environmental": VALUES.join(contract.environmental),
            "hours_planned": contract.hours_planned,
            "reserved_lots": contract.reserved_lots,
            "marche": marche,
        }
        for position, (contract, marche) in enumerate(
            zip(found.declared, found.marches, strict=True)
        )
    ]
    return kept, contracts


def _write(
    session: Session,
    ids: list[uuid.UUID],
    figures: list[dict[str, Any]],
    contracts: list[dict[str, Any]],
) -> None:
    """Replace the dossiers' figures and contracts in one transaction. Two reports computing the
    same dossiers at once write the same rows: on a conflict the other's are kept."""
    with writing(session):
        try:
            session.execute(
                delete(DeclaredContract).where(col(DeclaredContract.dossier_id).in_(ids))
            )
            session.execute(delete(ContractFigures).where(col(ContractFigures.dossier_id).in_(ids)))
            for table, rows in ((FIGURES, figures), (DECLARED, contracts)):
                if rows:  # none when the dossiers were deleted meanwhile
                    session.execute(insert(table), rows)
            session.commit()
        except IntegrityError:
            session.rollback()


def _snapshot(text: str | None) -> Published | None:
    return None if text is None or text == "null" else Published.from_text(text)


# SPASER.


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
    current = _current(session, organisation_id, start, end, library, schema)
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
        _key(col(DeclaredContract.dossier_id)),
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


def performed(
    session: Session, organisation_id: uuid.UUID, start: dt.date, end: dt.date
) -> Performed:
    """The hours of the organisation's follow-up lines for periods ending in the period, and
    the people they declare by public and by outcome: sums over two indexes."""
    hours = session.execute(
        select(func.sum(col(FollowupEntry.hours))).where(
            col(FollowupEntry.organisation_id) == organisation_id,
            col(FollowupEntry.period_end) >= start,
            col(FollowupEntry.period_end) <= end,
            col(FollowupEntry.kind) == FollowupKind.hours.value,
        )
    ).scalar()
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
    owed = session.execute(
        select(func.sum(col(FollowupEntry.hours))).where(
            col(FollowupEntry.organisation_id) == organisation_id,
            col(FollowupEntry.period_end) >= start,
            col(FollowupEntry.period_end) <= end,
            col(FollowupEntry.kind) == FollowupKind.orders.value,
        )
    ).scalar()
    return Performed(float(hours or 0), publics, outcomes, float(owed or 0))


def active(session: Session, organisation_id: uuid.UUID, year: int) -> bool:
    """Whether the year has a contract notified or hours performed (the reports' default year
    is the last complete one when it has)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    notified = exists().where(*_awarded(organisation_id, start, end))
    followed = exists().where(
        col(FollowupEntry.organisation_id) == organisation_id,
        col(FollowupEntry.period_end) >= start,
        col(FollowupEntry.period_end) <= end,
        col(FollowupEntry.kind).in_([FollowupKind.hours.value, FollowupKind.orders.value]),
    )
    return bool(session.execute(select(or_(notified, followed))).scalar())


# DECP.


@dataclass(frozen=True)
class DecpPeriod:
    dossiers: int  # awarded dossiers of the period (with their tender)
    marches: int  # ``marche`` in the file
    left_out: list[str]  # « dossier : award.key : message »


def decp_period(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    start: dt.date,
    end: dt.date,
    library: Library,
    schema: DecpSchema,
) -> DecpPeriod:
    """What the period's DECP file holds, without writing it out."""
    dossiers = marches = 0
    left_out: list[str] = []
    for found, problems in _declared(session, organisation_id, start, end, library, schema, False):
        dossiers += 1
        marches += len(found)
        left_out += problems
    return DecpPeriod(dossiers, marches, left_out)


def decp_json(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    start: dt.date,
    end: dt.date,
    library: Library,
    schema: DecpSchema,
) -> Iterator[str]:
    """The period's DECP file: :func:`clauses.decp.decp_batch`'s document as
    ``json.dumps(document, ensure_ascii=False, indent=2)`` writes it, piece by piece."""
    return batch_json(
        marche
        for found, _ in _declared(session, organisation_id, start, end, library, schema, True)
        for marche in found
    )


def _declared(
    session: Session,
    organisation_id: uuid.UUID,
    start: dt.date,
    end: dt.date,
    library: Library,
    schema: DecpSchema,
    bodies: bool,
) -> Iterator[tuple[list[Any], list[str]]]:
    """Each awarded dossier of the period with its tender, in the order of their first
    notification: its ``marche`` notified in the period (without ``bodies``, as many Nones)
    and why it cannot be declared. One ``marche`` per (buyer SIRET, ``id``): a later one that
    repeats the pair is left out and said (:class:`clauses.decp.document.OncePerBuyer`)."""
    current = _current(session, organisation_id, start, end, library, schema)
    period = (
        col(DeclaredContract.organisation_id) == organisation_id,
        col(DeclaredContract.notified_on) >= start,
        col(DeclaredContract.notified_on) <= end,
    )
    marche = DECLARED.c.marche
    keys: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
    for dossier_id, position, buyer, contract_id in session.execute(
        select(
            _key(col(DeclaredContract.dossier_id)),
            col(DeclaredContract.position),
            marche[("acheteur", "id")].as_string(),
            marche["id"].as_string(),
        )
        .where(*period)
        .execution_options(yield_per=STREAM)
    ):
        keys[dossier_id].append((position, (str(buyer), str(contract_id))))
    once = OncePerBuyer()
    if bodies:  # the objects, streamed in the dossiers' order (that of ``current``)
        rows = session.execute(
            select(
                _key(col(DeclaredContract.dossier_id)),
                col(DeclaredContract.position),
                col(DeclaredContract.marche),
            )
            .join(
                ContractFigures, col(ContractFigures.dossier_id) == col(DeclaredContract.dossier_id)
            )
            .where(*period)
            .order_by(
                col(ContractFigures.notified_on),
                col(DeclaredContract.dossier_id),
                col(DeclaredContract.position),
            )
            .execution_options(yield_per=STREAM)
        )
        declarable = {dossier_id for dossier_id, row in current.items() if row.declarable}
        stream = groupby((row for row in rows if row[0] in declarable), key=itemgetter(0))
        pending = next(stream, None)
    for dossier_id, row in current.items():
        if not row.tender:
            continue
        if not row.declarable:
            found, problems = _as_before(
                session, uuid.UUID(dossier_id), start, end, library, schema
            )
            kept, repeated = once.keep(row.title, found)
            yield kept, problems + repeated
            continue
        dropped: set[int] = set()
        repeated = []
        for position, key in sorted(keys.get(dossier_id, [])):
            if key in once.seen:
                dropped.add(position)
                repeated.append(once.repeated(row.title, key, once.seen[key]))
            else:
                once.seen[key] = row.title
        if not bodies:
            yield [None] * (len(keys.get(dossier_id, [])) - len(dropped)), repeated
        elif pending is not None and pending[0] == dossier_id:
            yield [m for _, position, m in pending[1] if position not in dropped], repeated
            pending = next(stream, None)
        else:  # none notified in the period
            yield [], repeated


def _as_before(
    session: Session,
    dossier_id: uuid.UUID,
    start: dt.date,
    end: dt.date,
    library: Library,
    schema: DecpSchema,
) -> tuple[list[Any], list[str]]:
    """A dossier its stored contracts cannot declare, declared from its snapshot and award."""
    title, published, award = session.execute(
        select(col(Dossier.title), cast(col(Dossier.published), Text), col(Dossier.award)).where(
            col(Dossier.id) == dossier_id
        )
    ).one()
    try:
        contract = _contract(title, published, award)
    except ProfileError as exc:  # an award stored unreadable
        return [], [f"{title} : {error}" for error in exc.errors]
    if contract is None:
        return [], []
    return declared_between(contract, start, end, library, schema)


def _contract(title: str, published: str | None, award: Any) -> Contract | None:
    """A dossier's contract as the DECP reads it: its published tender and its award."""
    snapshot = _snapshot(published)
    if snapshot is None or award is None:
        return None
    return Contract(
        label=title, profile=snapshot.profile, strategy=snapshot.strategy, award=parse_award(award)
    )
