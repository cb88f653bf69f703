"""An interim strategy for the DECP export and the follow-up, until ``choose()`` is merged.

DESIGN §3.4: the strategy the buyer leaves out is every « recommandé » mechanism of the advice,
on the lots the advice applies it to. This module does only that and reads the plain parameters
of the ``strategy`` key (penalty, facilitator…); checking the buyer's choices for consistency is
``choose()``'s work (another branch), which replaces :func:`resolve_strategy` at merge.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from clauses.advisor.model import Advice, Level
from clauses.decp.document import social_values
from clauses.library import Library
from clauses.library.models import MechanismId
from clauses.profile import FieldError, ProfileError, TenderProfile, describe_errors
from clauses.strategy.model import HoursLine, ResolvedMechanism, ResolvedStrategy, Strategy

KEY = "strategy"


def resolve_strategy(
    profile: TenderProfile, advice: Advice, library: Library, raw: Any
) -> ResolvedStrategy:
    """The strategy of ``raw`` (the ``strategy`` key, or None) resolved against the advice."""
    try:
        strategy = Strategy.model_validate(raw or {})
    except ValidationError as exc:
        raise ProfileError(
            [FieldError(f"{KEY}.{e.field}", e.message) for e in describe_errors(exc)]
        ) from exc
    offered = {r.mechanism: r for r in advice.recommendations}
    if strategy.mechanisms is None:
        wanted = [
            (r.mechanism, r.applies_to_lots)
            for r in advice.recommendations
            if r.level is Level.recommended
        ]
    else:
        wanted = [(m.id, m.lots or []) for m in strategy.mechanisms]
        for i, m in enumerate(strategy.mechanisms, start=1):
            if m.id not in offered:
                raise ProfileError(
                    [
                        FieldError(
                            f"{KEY}.mechanisms[{i}].id", "mécanisme non proposé pour ce marché"
                        )
                    ]
                )
    mechanisms = [
        ResolvedMechanism(
            id=mechanism,
            title=offered[mechanism].title,
            level=offered[mechanism].level,
            legal_basis=offered[mechanism].legal_basis,
            lots=sorted(lots),
        )
        for mechanism, lots in wanted
    ]
    resolved = ResolvedStrategy(
        mechanisms=mechanisms,
        hours=_overridden(_hours(profile, advice, mechanisms), strategy.hours_override or {}),
        hours_override_reason=strategy.hours_override_reason,
        penalty_eur_per_hour=strategy.penalty_eur_per_hour,
        facilitator=strategy.facilitator,
        ccap_article=strategy.ccap_article,
        derogation=strategy.derogation,
    )
    return resolved.model_copy(update={"decp_social": social_values(resolved, library, None)})


def _hours(
    profile: TenderProfile, advice: Advice, mechanisms: list[ResolvedMechanism]
) -> list[HoursLine]:
    clause = next((m for m in mechanisms if m.id is MechanismId.insertion_clause), None)
    recommendation = advice.recommendation(MechanismId.insertion_clause)
    if clause is None or recommendation is None:
        return []
    if not recommendation.lots:
        return [
            HoursLine(
                lot=None,
                title=profile.title,
                estimated_amount_eur=profile.estimated_amount_eur,
                hours=advice.insertion_hours,
            )
        ]
    return [
        HoursLine(
            lot=n, title=lot.title, estimated_amount_eur=lot.estimated_amount_eur, hours=lot.hours
        )
        for n, lot in enumerate(recommendation.lots, start=1)
        if not clause.lots or n in clause.lots
    ]


def _overridden(lines: list[HoursLine], overrides: dict[str, int]) -> list[HoursLine]:
    """The buyer's hours where the strategy overrides them (per lot number, or « total »)."""
    return [
        line.model_copy(update={"hours": overrides[key], "overridden": True})
        if (key := "total" if line.lot is None else str(line.lot)) in overrides
        else line
        for line in lines
    ]
