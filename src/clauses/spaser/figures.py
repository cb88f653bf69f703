"""What one awarded dossier declares, as the reports count it: its contracts (one per awarded lot,
as in the DECP) with their amount, considerations, planned hours and reserved lots, and what
the L2112-2-1 compliance reads (the obligation, a derogation).

A pure function of the dossier's tender and award, computed once per change of the dossier and
kept by the store (:mod:`clauses.store.reports`): a year's SPASER indicators are then sums over
these narrow rows, and the DECP batch the contracts' stored objects, instead of validating every
stored snapshot at each report. :func:`clauses.spaser.indicators.indicators` computes the same
figures from records in memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from clauses.advisor.model import Advice
from clauses.decp.award import Award
from clauses.decp.document import DecpError, decp_marches
from clauses.library import Library
from clauses.library.models import MechanismId, ObligationId
from clauses.profile import TenderProfile
from clauses.strategy.model import Derogation, ResolvedStrategy

RESERVATIONS = frozenset(
    {
        MechanismId.reserved_disability,
        MechanismId.reserved_insertion,
        MechanismId.reserved_both,
        MechanismId.reserved_prison,
        MechanismId.reserved_ess,
    }
)


@dataclass(frozen=True)
class Declared:
    """One contract (a DECP ``marche``): an awarded lot, or the contract without lots."""

    lot: int | None
    notified_on: dt.date
    amount: float  # HT, as awarded
    social: list[str]  # its DECP ``considerationSociale`` values
    environmental: list[str]
    hours_planned: int  # the strategy's insertion hours on that lot
    reserved_lots: int  # the reservations retained on that lot (0 or 1, unless inconsistent)


@dataclass(frozen=True)
class DossierFigures:
    declared: list[Declared] = field(default_factory=list)
    # The DECP object of each contract, in the same order (empty when read for the indicators).
    marches: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # « award.key : message »: not declarable
    obligation_applies: bool = False  # L2112-2-1, for the whole contract (all lots)
    reserved_whole: int = 0  # reservations retained on the whole contract
    derogation: Derogation | None = None


def dossier_figures(
    profile: TenderProfile,
    advice: Advice,
    strategy: ResolvedStrategy,
    award: Award,
    library: Library,
) -> DossierFigures:
    """The dossier's contracts and compliance figures; only ``problems`` (and the compliance)
    when its award cannot be declared."""
    compliance: dict[str, Any] = {
        "obligation_applies": any(
            o.applies
            for o in advice.obligations
            if o.id is ObligationId.social_consideration_above_eu_threshold
        ),
        "reserved_whole": sum(
            1 for m in strategy.mechanisms if m.id in RESERVATIONS and not m.lots
        ),
        "derogation": strategy.derogation,
    }
    try:
        marches = decp_marches(profile, award, strategy, library)
    except DecpError as exc:
        return DossierFigures(problems=[str(error) for error in exc.errors], **compliance)
    lots = _lots(award, marches)
    declared = [
        Declared(
            lot=lot,
            notified_on=dt.date.fromisoformat(marche["dateNotification"]),
            amount=float(marche["montant"]),
            social=list(marche["considerationsSociales"]["considerationSociale"]),
            environmental=list(
                marche["considerationsEnvironnementales"]["considerationEnvironnementale"]
            ),
            # A framework agreement owes no fixed hours: its hours owed follow the year's
            # orders (issue 22, Indicators.hours_owed_on_orders).
            hours_planned=sum(
                line.hours for line in strategy.hours if line.lot == lot and not line.framework
            ),
            reserved_lots=sum(
                1
                for m in strategy.mechanisms
                if m.id in RESERVATIONS and m.lots and lot is not None and lot in m.lots
            ),
        )
        for marche, lot in zip(marches, lots, strict=True)
    ]
    return DossierFigures(declared=declared, marches=marches, **compliance)


def _lots(award: Award, marches: list[dict[str, Any]]) -> list[int | None]:
    """The lot number of each ``marche`` (None for a contract without lots)."""
    if award.lots is None:
        return [None] * len(marches)
    by_id = {a.id: a.lot for a in award.lots}
    return [by_id[m["id"]] for m in marches]
