"""The figures kept per awarded dossier (:class:`~clauses.store.models.ContractFigures`,
:class:`~clauses.store.models.DeclaredContract`): computed by batches when missing or stamped
with another version of the dossier or of the library, and read as the reports read them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Text, and_, cast, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from clauses.decp import DecpSchema
from clauses.decp.award import parse_award
from clauses.decp.document import DecpError
from clauses.library import Library
from clauses.lifecycle import Published
from clauses.profile import ProfileError
from clauses.spaser.figures import dossier_figures
from clauses.store.db import writing
from clauses.store.models import ContractFigures, DeclaredContract, Dossier, Stage

AWARDED = (Stage.awarded.value, Stage.in_execution.value, Stage.closed.value)
BATCH = 200  # dossiers whose figures are computed and written per transaction
VALUES = "|"  # between the DECP values of a contract's considerations
STREAM = 1000  # rows fetched at a time
FIGURES = ContractFigures.__table__  # type: ignore[attr-defined]
DECLARED = DeclaredContract.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Scope:
    """What a report covers: the awarded dossiers of an organisation (of every one, with None)
    with a contract notified from ``start`` to ``end``, their figures computed with ``library``
    and ``schema``."""

    organisation_id: uuid.UUID | None
    start: dt.date
    end: dt.date
    library: Library
    schema: DecpSchema


def awarded(organisation_id: uuid.UUID | None, start: dt.date, end: dt.date) -> list[Any]:
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


def dossier_key(column: Any) -> Any:
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
    dossier_key(col(ContractFigures.dossier_id)),
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


def _stale(session: Session, scope: Scope) -> tuple[dict[str, int], dict[str, Any], list[str]]:
    """The awarded dossiers of the period and their versions (from an index: no dossier row is
    read), the figures kept for them, and those whose figures are missing or stamped with
    another version of the dossier or of the library."""
    versions: dict[str, int] = {
        dossier_id: version
        for dossier_id, version in session.execute(
            select(dossier_key(col(Dossier.id)), col(Dossier.version)).where(
                *awarded(scope.organisation_id, scope.start, scope.end)
            )
        )
    }
    kept = {
        row.dossier_id: row
        for row in session.execute(
            select(*KEPT).where(*_stamped(scope.organisation_id, scope.start, scope.end))
        )
    }
    stale = sorted(
        dossier_id
        for dossier_id, version in versions.items()
        if (row := kept.get(dossier_id)) is None
        or row.version != version
        or row.library_version != scope.library.version
    )
    session.rollback()  # the reads end here: each batch is written in a transaction of its own
    return versions, kept, stale


def refresh(
    session: Session, scope: Scope, progress: Callable[[int, int], None] | None = None
) -> int:
    """Compute the figures of the scope's dossiers that have none for their version and the
    library; their number."""
    _, _, stale = _stale(session, scope)
    _compute(session, [uuid.UUID(key) for key in stale], scope.library, scope.schema, progress)
    return len(stale)


def current_figures(session: Session, scope: Scope) -> dict[str, Any]:
    """The kept figures of the organisation's awarded dossiers of the period (:data:`KEPT`), in
    the order of their first notification, once those they lacked are computed. A report reads
    only these dossiers' contracts."""
    versions, kept, stale = _stale(session, scope)
    ids = [uuid.UUID(key) for key in stale]
    _compute(session, ids, scope.library, scope.schema, None)
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
        if versions.get(dossier_id) == row.version and row.library_version == scope.library.version
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
            kept, declared = figures_rows(published_snapshot(published), award, library, schema)
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


def published_snapshot(text: str | None) -> Published | None:
    return None if text is None or text == "null" else Published.from_text(text)
