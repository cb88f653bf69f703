"""The insertion hours owed, per lot the clause is retained on, from the advice's sizing and the
buyer's overrides."""

from __future__ import annotations

from clauses import french
from clauses.advisor.model import Advice
from clauses.library.models import MechanismId
from clauses.profile import TenderProfile
from clauses.strategy.model import KEY, HoursLine, ResolvedMechanism, Strategy, StrategyError

M = MechanismId
TOTAL = "total"
MAX_HOURS = 10_000_000


def hours_owed(
    profile: TenderProfile,
    advice: Advice,
    strategy: Strategy,
    retained: list[ResolvedMechanism],
    errors: list[StrategyError],
) -> list[HoursLine]:
    """The insertion hours owed, per lot the clause is retained on (or for the whole contract),
    from the advice's sizing, with the buyer's overrides."""
    override = strategy.hours_override or {}
    key = f"{KEY}.hours_override"
    clause = next((m for m in retained if m.id is M.insertion_clause), None)
    if override and clause is None:
        errors.append(
            StrategyError(
                key=key, message="la clause d’insertion n’est pas retenue : pas d’heures."
            )
        )
        return []
    if override and not (strategy.hours_override_reason or "").strip():
        errors.append(
            StrategyError(
                key=f"{KEY}.hours_override_reason",
                message="indiquez pourquoi les heures calculées sont remplacées.",
            )
        )
    if clause is None:
        return []
    recommendation = advice.recommendation(M.insertion_clause)
    sized = recommendation.lots if recommendation else []
    if profile.lots:
        numbers = clause.lots or list(range(1, len(profile.lots) + 1))
        lines = [
            HoursLine(
                lot=n,
                title=sized[n - 1].title,
                estimated_amount_eur=sized[n - 1].estimated_amount_eur,
                hours=sized[n - 1].hours,
                hours_per_1000_eur=sized[n - 1].hours_per_1000_eur,
                minimum_eur=sized[n - 1].minimum_eur,
                hours_at_minimum=sized[n - 1].hours_at_minimum,
            )
            for n in numbers
        ]
    elif advice.sizing.agreement is not None:  # a framework agreement: a ratio (issue 22)
        agreement = advice.sizing.agreement
        lines = [
            HoursLine(
                lot=None,
                title=profile.title,
                estimated_amount_eur=profile.estimated_amount_eur,
                hours=agreement.hours_at_maximum,
                hours_per_1000_eur=agreement.hours_per_1000_eur or 0.0,
                minimum_eur=agreement.minimum_eur,
                hours_at_minimum=agreement.hours_at_minimum,
            )
        ]
    else:
        lines = [
            HoursLine(
                lot=None,
                title=profile.title,
                estimated_amount_eur=profile.estimated_amount_eur,
                hours=advice.insertion_hours,
            )
        ]
    if override and profile.agreement is not None:
        errors.append(
            StrategyError(
                key=key,
                message="accord-cadre : les heures dues suivent les commandes (heures par "
                "tranche de 1 000 € HT commandés) ; un total d’heures ne peut pas les remplacer.",
            )
        )
        return lines
    by_key = {TOTAL if line.lot is None else str(line.lot): i for i, line in enumerate(lines)}
    for name, value in override.items():
        if name not in by_key:
            where = (
                f"les lots où la clause est retenue ({', '.join(k for k in by_key)})"
                if profile.lots
                else f"« {TOTAL} » (marché non alloti)"
            )
            errors.append(
                StrategyError(key=f"{key}.{name}", message=f"clé inconnue : indiquez {where}.")
            )
        elif not 0 <= value <= MAX_HOURS:
            errors.append(
                StrategyError(
                    key=f"{key}.{name}",
                    message=f"doit être compris entre 0 et {french.number(MAX_HOURS)} heures.",
                )
            )
        else:
            i = by_key[name]
            lines[i] = lines[i].model_copy(update={"hours": value, "overridden": True})
    return lines
