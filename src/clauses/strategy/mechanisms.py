"""The mechanisms a strategy retains: the buyer's list (or the planner's default) checked
against the advice, the tender's lots, the options of « Autre condition sociale » and the
library's compatibility rules."""

from __future__ import annotations

from clauses.advisor.compatibility import Selection, conflicts, lots_text
from clauses.advisor.model import LEVEL_LABELS, Advice, Level, Recommendation
from clauses.library import Library
from clauses.library.models import MechanismId
from clauses.profile import TenderProfile
from clauses.strategy.model import (
    KEY,
    ResolvedMechanism,
    RetainedMechanism,
    Strategy,
    StrategyError,
)
from clauses.strategy.values import parameter_problem

M = MechanismId
# A weighting of 0 % is no criterion, one of 100 % leaves no room for price or cost.
WEIGHT_MIN, WEIGHT_MAX = 0.0, 100.0


def default_mechanisms(advice: Advice) -> list[RetainedMechanism]:
    """What a strategy without ``mechanisms`` retains: the planner's default strategy (one
    coherent set of levers per lot, DOMAIN §9). A snapshot made before the planner keeps what
    it retained then: every « recommandé » mechanism, on the lots the advice applied it to."""
    if advice.plan is not None:
        return [
            RetainedMechanism(id=m.id, lots=m.lots, option=m.option) for m in advice.plan.mechanisms
        ]
    return [
        RetainedMechanism(id=r.mechanism, lots=list(r.applies_to_lots) or None)
        for r in advice.recommendations
        if r.level is Level.recommended and r.mechanism is not M.lots_division
    ]


RANK = {Level.recommended: 2, Level.possible: 1, Level.discouraged: 0}


def _level_on(recommendation: Recommendation, lots: list[int]) -> tuple[Level, list[str]]:
    """The advice's level where the mechanism is retained — the lowest of its lots' — and, where
    it is « déconseillé », the reasons."""
    if not lots or not recommendation.per_lot:
        discouraged = recommendation.level is Level.discouraged
        return recommendation.level, list(recommendation.reasons) if discouraged else []
    on = [a for a in recommendation.per_lot if a.lot in lots]
    if not on:
        return recommendation.level, []
    worst = min(on, key=lambda a: RANK[a.level])
    reasons = [
        r for a in on if a.level is Level.discouraged for r in recommendation.reasons_on(a.lot)
    ]
    return worst.level, reasons


def _why(advice: Advice, mechanism: MechanismId, option: str | None, lots: list[int]) -> list[str]:
    """The planner's reasons for this lever on these perimeters, when it retains it there."""
    if advice.plan is None:
        return []
    where = set(lots) if lots else {p.lot for p in advice.plan.perimeters}
    return [
        text
        for p in advice.plan.perimeters
        if p.lot in where
        for lever in p.levers
        if lever.mechanism is mechanism and lever.option == option
        for text in lever.why
    ]


def retained_mechanisms(
    profile: TenderProfile,
    advice: Advice,
    strategy: Strategy,
    library: Library,
    errors: list[StrategyError],
) -> list[ResolvedMechanism]:
    chosen = strategy.mechanisms if strategy.mechanisms is not None else default_mechanisms(advice)
    excluded = {e.mechanism: e for e in advice.excluded}
    lot_count = len(profile.lots)
    kept: list[tuple[int, ResolvedMechanism]] = []  # (1-based position in the list, resolved)
    seen: set[tuple[MechanismId, str | None]] = set()
    for n, item in enumerate(chosen, start=1):
        key = f"{KEY}.mechanisms[{n}]"
        title = library.mechanisms[item.id].short_title
        recommendation = advice.recommendation(item.id)
        if item.id is M.lots_division:
            errors.append(
                StrategyError(
                    key=f"{key}.id",
                    message="l’allotissement est un fait du marché (ses lots, décrits dans le "
                    "profil), pas un mécanisme à retenir : retirez-le de la stratégie.",
                )
            )
            continue
        if (item.id, item.option) in seen or (
            item.id is not M.other_social_condition and any(s[0] is item.id for s in seen)
        ):
            errors.append(StrategyError(key=f"{key}.id", message=f"« {title} » est déjà retenu."))
            continue
        seen.add((item.id, item.option))
        if item.id in excluded:
            why = " ".join(excluded[item.id].reasons)
            errors.append(
                StrategyError(
                    key=f"{key}.id",
                    message=f"« {title} » est exclu pour ce marché{' : ' + why if why else '.'}",
                )
            )
            continue
        if recommendation is None:
            errors.append(
                StrategyError(
                    key=f"{key}.id",
                    message=f"« {title} » n’est pas proposé par le conseil pour ce marché.",
                )
            )
            continue
        lots = sorted(set(item.lots or ()))
        if item.lots is not None and not item.lots:
            errors.append(
                StrategyError(
                    key=f"{key}.lots",
                    message=f"« {title} » ne porte sur aucun lot : cochez les lots visés, ou "
                    "choisissez « tout le marché ».",
                )
            )
            continue
        if lots and not lot_count:
            errors.append(
                StrategyError(
                    key=f"{key}.lots",
                    message="le marché n’est pas alloti : omettez les lots (tout le marché).",
                )
            )
            continue
        unknown = [lot for lot in lots if not 1 <= lot <= lot_count]
        if unknown:
            errors.append(
                StrategyError(
                    key=f"{key}.lots",
                    message=f"lot{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(map(str, unknown))} inexistant{'s' if len(unknown) > 1 else ''} : "
                    f"le marché compte {lot_count} lot{'s' if lot_count > 1 else ''} "
                    f"(numéros 1 à {lot_count}).",
                )
            )
            continue
        if item.weight_percent is not None and item.id is not M.insertion_criterion:
            errors.append(
                StrategyError(
                    key=f"{key}.weight_percent",
                    message="une pondération ne s’applique qu’au critère d’insertion.",
                )
            )
            continue
        if item.weight_percent is not None and not WEIGHT_MIN < item.weight_percent < WEIGHT_MAX:
            errors.append(
                StrategyError(
                    key=f"{key}.weight_percent",
                    message="la pondération doit être strictement comprise entre 0 et 100 %.",
                )
            )
            continue
        option_title = _option_title(item, recommendation, lots, library, key, errors)
        if option_title is False:
            continue
        parameters = _option_parameters(item, library, key, errors)
        if parameters is None:
            continue
        level, discouraged = _level_on(recommendation, lots)
        warnings = [
            f"« {title} » est {LEVEL_LABELS[Level.discouraged]} pour ce marché : {reason}"
            for reason in discouraged
        ]
        kept.append(
            (
                n,
                ResolvedMechanism(
                    id=item.id,
                    title=recommendation.title,
                    level=level,
                    legal_basis=list(recommendation.legal_basis),
                    lots=lots,
                    weight_percent=item.weight_percent,
                    warnings=warnings,
                    option=item.option,
                    option_title=option_title or None,
                    parameters=parameters,
                    why=_why(advice, item.id, item.option, lots),
                ),
            )
        )
    selections = [Selection(mechanism=m.id, lots=tuple(m.lots)) for _, m in kept]
    refused = set()
    for conflict in conflicts(selections, library):
        n, mechanism = kept[conflict.index]
        refused.add(conflict.index)
        errors.append(StrategyError(key=_conflict_key(n, mechanism), message=conflict.message))
    refused |= _overlapping_options(kept, errors)
    return [m for i, (_, m) in enumerate(kept) if i not in refused]


def _option_title(
    item: RetainedMechanism,
    recommendation: Recommendation,
    lots: list[int],
    library: Library,
    key: str,
    errors: list[StrategyError],
) -> str | bool:
    """The option's title; "" without an option; False (and an error) when it does not fit."""
    if item.option is None:
        return ""
    if item.id is not M.other_social_condition:
        errors.append(
            StrategyError(
                key=f"{key}.option",
                message="une option ne s’applique qu’à « Autre condition sociale ».",
            )
        )
        return False
    options = {o.id: o for o in library.mechanisms[M.other_social_condition].options}
    option = options.get(item.option)
    if option is None:
        errors.append(
            StrategyError(
                key=f"{key}.option",
                message=f"option « {item.option} » inconnue ; options : "
                + ", ".join(options)
                + ".",
            )
        )
        return False
    where: list[int | None] = list(lots) or [None]
    unfit = [lot for lot in where if item.option not in recommendation.options_on(lot)]
    if unfit:
        place = (
            "ce marché" if unfit == [None] else lots_text([lot for lot in unfit if lot is not None])
        )
        errors.append(
            StrategyError(
                key=f"{key}.option",
                message=f"l’option « {option.title} » ne convient pas à {place} "
                "(nature, secteur, ou réservée aux marchés et lots réservés).",
            )
        )
        return False
    return option.title


SHARED = frozenset({"contract_title", "reporting_frequency"})  # filled by the dossier or a key


def _option_parameters(
    item: RetainedMechanism, library: Library, key: str, errors: list[StrategyError]
) -> dict[str, int | float | str] | None:
    """The option clause's values the buyer gives, checked against their declared types; None
    (and an error) when one does not fit."""
    given = item.parameters or {}
    if not given:
        return {}
    option = next((o for o in library.mechanisms[item.id].options if o.id == item.option), None)
    if option is None:
        errors.append(
            StrategyError(
                key=f"{key}.parameters",
                message="des paramètres ne s’appliquent qu’à une option d’« Autre condition "
                "sociale » (clé option).",
            )
        )
        return None
    declared = {p.name: p for p in option.clause.parameters if p.name not in SHARED}
    ok: dict[str, int | float | str] = {}
    for name, value in given.items():
        where = f"{key}.parameters.{name}"
        parameter = declared.get(name)
        if parameter is None:
            names = ", ".join(declared) or "aucun"
            errors.append(
                StrategyError(key=where, message=f"paramètre inconnu ; permis : {names}.")
            )
            continue
        problem = parameter_problem(parameter.type, value)
        if problem:
            errors.append(StrategyError(key=where, message=problem))
            continue
        ok[name] = value
    return ok if len(ok) == len(given) else None


def _overlapping_options(
    kept: list[tuple[int, ResolvedMechanism]], errors: list[StrategyError]
) -> set[int]:
    """Two options of « Autre condition sociale » may not bear on the same perimeter."""
    refused: set[int] = set()
    taken: list[tuple[int, ResolvedMechanism]] = []
    for i, (n, m) in enumerate(kept):
        if m.id is not M.other_social_condition:
            continue
        clash = next(
            (
                other
                for _, other in taken
                if not other.lots or not m.lots or set(other.lots) & set(m.lots)
            ),
            None,
        )
        if clash is not None:
            refused.add(i)
            errors.append(
                StrategyError(
                    key=f"{KEY}.mechanisms[{n}].lots",
                    message="« Autre condition sociale » est déjà retenue sur "
                    + (lots_text(sorted(set(m.lots) & set(clash.lots))) if m.lots and clash.lots
                       else "le marché entier")
                    + " avec une autre option : une seule option par lot.",
                )
            )  # fmt: skip
            continue
        taken.append((n, m))
    return refused


def _conflict_key(n: int, mechanism: ResolvedMechanism) -> str:
    """A conflict is about where the mechanism applies when it is a reservation (a whole contract
    reserved twice) or on lots; otherwise about the mechanism itself."""
    reservation = mechanism.id.value.startswith("reserved_")
    field = "lots" if mechanism.lots or reservation else "id"
    return f"{KEY}.mechanisms[{n}].{field}"
