"""The DECP file of a period, from the stored ``marche`` (a dossier that cannot declare them as
they stand is declared as before, from its snapshot)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Text, cast, select
from sqlmodel import Session, col

from clauses.decp import Contract
from clauses.decp.award import parse_award
from clauses.decp.batch import OncePerBuyer, batch_json, declared_between
from clauses.profile import ProfileError
from clauses.store.models import ContractFigures, DeclaredContract, Dossier
from clauses.store.reports.figures import (
    DECLARED,
    STREAM,
    Scope,
    current_figures,
    dossier_key,
    published_snapshot,
)


@dataclass(frozen=True)
class DecpPeriod:
    dossiers: int  # awarded dossiers of the period (with their tender)
    marches: int  # ``marche`` in the file
    left_out: list[str]  # « dossier : award.key : message »


def decp_period(session: Session, scope: Scope) -> DecpPeriod:
    """What the period's DECP file holds, without writing it out."""
    dossiers = marches = 0
    left_out: list[str] = []
    for found, problems in _declared(session, scope, False):
        dossiers += 1
        marches += len(found)
        left_out += problems
    return DecpPeriod(dossiers, marches, left_out)


def decp_json(session: Session, scope: Scope) -> Iterator[str]:
    """The period's DECP file: :func:`clauses.decp.decp_batch`'s document as
    ``json.dumps(document, ensure_ascii=False, indent=2)`` writes it, piece by piece."""
    return batch_json(marche for found, _ in _declared(session, scope, True) for marche in found)


def _declared(
    session: Session, scope: Scope, bodies: bool
) -> Iterator[tuple[list[Any], list[str]]]:
    """Each awarded dossier of the period with its tender, in the order of their first
    notification: its ``marche`` notified in the period (without ``bodies``, as many Nones)
    and why it cannot be declared. One ``marche`` per (buyer SIRET, ``id``): a later one that
    repeats the pair is left out and said (:class:`clauses.decp.batch.OncePerBuyer`)."""
    # One buyer's file: a scope of every organisation (None) would match no declared contract.
    assert scope.organisation_id is not None, "a DECP file is one organisation's"
    current = current_figures(session, scope)
    period = (
        col(DeclaredContract.organisation_id) == scope.organisation_id,
        col(DeclaredContract.notified_on) >= scope.start,
        col(DeclaredContract.notified_on) <= scope.end,
    )
    marche = DECLARED.c.marche
    keys: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
    for dossier_id, position, buyer, contract_id in session.execute(
        select(
            dossier_key(col(DeclaredContract.dossier_id)),
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
                dossier_key(col(DeclaredContract.dossier_id)),
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
            found, problems = _as_before(session, uuid.UUID(dossier_id), scope)
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
    session: Session, dossier_id: uuid.UUID, scope: Scope
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
    return declared_between(contract, scope.start, scope.end, scope.library, scope.schema)


def _contract(title: str, published: str | None, award: Any) -> Contract | None:
    """A dossier's contract as the DECP reads it: its published tender and its award."""
    snapshot = published_snapshot(published)
    if snapshot is None or award is None:
        return None
    return Contract(
        label=title, profile=snapshot.profile, strategy=snapshot.strategy, award=parse_award(award)
    )
