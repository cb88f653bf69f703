"""``default_strategy``: the strategy the advice suggests, for callers that have none yet.

Every « recommandé » mechanism, on the lots the advice applies it to, with the hours of the
advice's sizing; nothing the buyer alone decides (facilitator, penalty, weighting) is filled.
``choose()`` resolves the buyer's own strategy the same way and checks it; this is its
no-decision case, kept small so that the drafter can be driven before a strategy exists.
"""

from __future__ import annotations

from clauses.advisor.model import Advice, Level
from clauses.drafting.sanitize import one_line
from clauses.library import Library
from clauses.library.models import DecpSocial, MechanismId
from clauses.profile import TenderProfile
from clauses.strategy.model import HoursLine, ResolvedMechanism, ResolvedStrategy

DECP_ORDER = (DecpSocial.clause, DecpSocial.criterion, DecpSocial.reserved)


def default_strategy(profile: TenderProfile, advice: Advice, library: Library) -> ResolvedStrategy:
    mechanisms = [
        ResolvedMechanism(
            id=r.mechanism,
            title=r.title,
            level=r.level,
            legal_basis=r.legal_basis,
            lots=list(r.applies_to_lots),
        )
        for r in advice.recommendations
        if r.level is Level.recommended
    ]
    clause = next((m for m in mechanisms if m.id is MechanismId.insertion_clause), None)
    return ResolvedStrategy(
        mechanisms=mechanisms,
        hours=[] if clause is None else hours_lines(profile, advice, clause.lots),
        decp_social=decp_social(library, [m.id for m in mechanisms]),
    )


def hours_lines(profile: TenderProfile, advice: Advice, lots: list[int]) -> list[HoursLine]:
    """The advice's hours on ``lots`` (all lots when empty), or for the whole contract."""
    recommendation = advice.recommendation(MechanismId.insertion_clause)
    if not profile.lots or recommendation is None or not recommendation.lots:
        return [
            HoursLine(
                lot=None,
                title=one_line(profile.title),
                estimated_amount_eur=profile.estimated_amount_eur,
                hours=advice.sizing.hours,
            )
        ]
    wanted = set(lots) or set(range(1, len(recommendation.lots) + 1))
    return [
        HoursLine(
            lot=number,
            title=one_line(lot.title) or f"lot {number}",
            estimated_amount_eur=lot.estimated_amount_eur,
            hours=lot.hours,
        )
        for number, lot in enumerate(recommendation.lots, start=1)
        if number in wanted and lot.hours > 0
    ]


def decp_social(library: Library, retained: list[MechanismId]) -> list[str]:
    """DECP ``considerationSociale`` values of the retained mechanisms, in the schema's order."""
    values = {library.mechanisms[m].decp_value for m in retained}
    return [v.value for v in DECP_ORDER if v in values] or [DecpSocial.none.value]
