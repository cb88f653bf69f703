"""A hand-computed follow-up: two lots, 1 000 and 300 hours owed, 50 € per hour missing."""

from __future__ import annotations

import datetime as dt

from clauses.advisor.model import Level
from clauses.followup import FollowUp, HoursRecord, NonImputable, PeopleCount
from clauses.library.models import MechanismId, StructureKind
from clauses.profile import TenderProfile
from clauses.strategy.model import HoursLine, ResolvedMechanism, ResolvedStrategy
from tests.conftest import make_profile

Q1 = (dt.date(2027, 4, 1), dt.date(2027, 6, 30))
Q2 = (dt.date(2027, 7, 1), dt.date(2027, 9, 30))


def profile() -> TenderProfile:
    return make_profile(
        lots=[
            {"title": "Gros œuvre", "estimated_amount_eur": 600_000},
            {"title": "Peinture", "estimated_amount_eur": 400_000},
        ]
    )


def strategy(penalty: float | None = 50) -> ResolvedStrategy:
    return ResolvedStrategy(
        mechanisms=[
            ResolvedMechanism(
                id=MechanismId.insertion_clause,
                title="Clause d’insertion",
                level=Level.recommended,
                legal_basis=["L2112-2"],
            )
        ],
        hours=[
            HoursLine(lot=1, title="Gros œuvre", estimated_amount_eur=600_000, hours=1000),
            HoursLine(lot=2, title="Peinture", estimated_amount_eur=400_000, hours=300),
        ],
        penalty_eur_per_hour=penalty,
        decp_social=["Clause sociale"],
    )


def followup() -> FollowUp:
    return FollowUp(
        records=[
            HoursRecord(
                lot=1, period_start=Q1[0], period_end=Q1[1], way="direct_hiring", hours=400.5,
                people=[
                    PeopleCount(public="rsa", contract_type="cdd", count=2, outcome="employment"),
                ],
            ),
            HoursRecord(
                lot=1, period_start=Q2[0], period_end=Q2[1], way="provision",
                structure=StructureKind.etti, hours=250,
                people=[PeopleCount(public="rqth", contract_type="assignment", count=1)],
            ),
            HoursRecord(
                lot=2, period_start=Q1[0], period_end=Q1[1], way="subcontracting",
                structure=StructureKind.ei, hours=320,
            ),
        ],
        non_imputable=[
            NonImputable(lot=1, hours=120, justification="Chantier suspendu par l’acheteur en mai"),
            NonImputable(lot=2, hours=50, justification="Lot réduit par avenant n° 1"),
        ],
    )  # fmt: skip
