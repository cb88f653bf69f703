"""``choose(profile, advice, strategy, library)``: the buyer's decisions, checked and completed.

A pure function. What the buyer left out is filled from the advice (the planner's default
strategy: one coherent set of levers per lot, DOMAIN §9); what the buyer said is checked against the
advice (a mechanism the law excludes here, or the advice does not offer, is refused; a
« déconseillé » one is kept with its warning), against the tender (lot numbers), against the
library's compatibility rules (:func:`clauses.advisor.compatibility.conflicts`: exclusive
mechanisms and preconditions, not repeated here) and against L2112-2-1 (a social consideration
in the execution conditions, or a justified derogation). The result is a
:class:`ResolvedStrategy`, the drafter's only input of decisions, or the list of refusals, each
naming its key as DESIGN §3.4 does (``strategy.mechanisms[2].lots``, 1-based like the profile's
``lots[2].title``).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from clauses import french
from clauses.advisor.advise import decp_social
from clauses.advisor.compatibility import Selection, conflicts, lots_text
from clauses.advisor.model import LEVEL_LABELS, Advice, Level, ObligationResult, Recommendation
from clauses.library import Library
from clauses.library.models import MechanismId, ObligationId, ParameterType
from clauses.profile import TenderProfile, describe_errors
from clauses.strategy.model import (
    DraftValues,
    HoursLine,
    ResolvedMechanism,
    ResolvedStrategy,
    RetainedMechanism,
    Strategy,
    StrategyError,
)
from clauses.strategy.texts import SUBWEIGHTS, TEXT_PARAMETERS, TextParameter

M = MechanismId
KEY = "strategy"
TOTAL = "total"
# A weighting of 0 % is no criterion, one of 100 % leaves no room for price or cost.
WEIGHT_MIN, WEIGHT_MAX = 0.0, 100.0
MAX_HOURS = 10_000_000
MAX_PENALTY_EUR = 1_000_000
CCAP_ARTICLE = re.compile(r"[0-9A-Za-z][0-9A-Za-z .\-]{0,19}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_TEXT = 2_000


def parse_strategy(data: Any) -> Strategy | list[StrategyError]:
    """The ``strategy`` key of a profile file or an API body, or its errors named from
    ``strategy`` (unknown keys, wrong types), worded like the profile's."""
    if data is None:
        return Strategy()
    if not isinstance(data, dict):
        return [StrategyError(key=KEY, message="objet attendu (clés et valeurs)")]
    try:
        return Strategy.model_validate(data)
    except ValidationError as exc:
        return [
            StrategyError(
                key=f"{KEY}.{e.field}" if e.field != "(profil)" else KEY, message=e.message
            )
            for e in describe_errors(exc)
        ]


def choose(
    profile: TenderProfile, advice: Advice, strategy: Strategy | None, library: Library
) -> ResolvedStrategy | list[StrategyError]:
    strategy = strategy or Strategy()
    errors: list[StrategyError] = []
    retained = _retained(profile, advice, strategy, library, errors)
    hours = _hours(profile, advice, strategy, retained, errors)
    _check_parameters(strategy, errors)
    _check_texts(profile, strategy, errors)
    _check_social_obligation(advice, strategy, retained, library, errors)
    if errors:
        return errors
    texts = {key: getattr(strategy, key) for key in DraftValues.model_fields}
    return ResolvedStrategy(
        **texts,
        mechanisms=retained,
        hours=hours,
        hours_override_reason=strategy.hours_override_reason if strategy.hours_override else None,
        penalty_eur_per_hour=strategy.penalty_eur_per_hour,
        facilitator=strategy.facilitator,
        ccap_article=strategy.ccap_article,
        derogation=strategy.derogation,
        decp_social=decp_social((m.id for m in retained), library),
        plan_notes=[n.text for n in advice.plan.notes]
        if advice.plan is not None and strategy.mechanisms is None
        else [],
    )


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


def _retained(
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
        problem = _parameter_problem(parameter.type, value)
        if problem:
            errors.append(StrategyError(key=where, message=problem))
            continue
        ok[name] = value
    return ok if len(ok) == len(given) else None


def _parameter_problem(kind: ParameterType, value: int | float | str) -> str | None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    match kind:
        case ParameterType.text:
            if not isinstance(value, str) or not value.strip():
                return "texte attendu."
            if len(value) > MAX_TEXT:
                return f"{MAX_TEXT} caractères au plus."
        case ParameterType.integer:
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 10_000:
                return "nombre entier attendu, entre 1 et 10 000."
        case ParameterType.percent:
            if not number or not 0 < float(value) <= 1:
                return "part attendue, supérieure à 0 et au plus 1 (0,05 pour 5 %)."
        case _:
            if not number or not 0 < float(value) <= MAX_PENALTY_EUR:
                return f"montant attendu, supérieur à 0 et au plus {french.eur(MAX_PENALTY_EUR)}."
    return None


def _check_texts(profile: TenderProfile, strategy: Strategy, errors: list[StrategyError]) -> None:
    """The values of the texts (clauses.strategy.texts): bounds, choices, what they apply to."""
    for parameter in TEXT_PARAMETERS:
        if "." in parameter.key:
            continue  # the sub-criteria, checked together below
        value = getattr(strategy, parameter.key)
        if value is None:
            continue
        key = f"{KEY}.{parameter.key}"
        problem = _text_problem(parameter, value)
        if problem:
            errors.append(StrategyError(key=key, message=problem))
    lots = len(profile.lots)
    cap = strategy.max_lots_per_candidate
    if cap is not None and not lots:
        errors.append(
            StrategyError(
                key=f"{KEY}.max_lots_per_candidate",
                message="le marché n’est pas alloti : pas de nombre de lots par candidat.",
            )
        )
    elif cap is not None and cap > lots:
        errors.append(
            StrategyError(
                key=f"{KEY}.max_lots_per_candidate",
                message=f"au plus {lots} : le marché compte {lots} lots.",
            )
        )
    if strategy.order_floor_eur is not None and profile.agreement is None:
        errors.append(
            StrategyError(
                key=f"{KEY}.order_floor_eur",
                message="le marché n’est pas un accord-cadre : pas de seuil de commande.",
            )
        )
    if strategy.non_allotment_reason is not None and lots:
        errors.append(
            StrategyError(
                key=f"{KEY}.non_allotment_reason",
                message="le marché est alloti : pas de motivation du non-allotissement.",
            )
        )
    weights = strategy.criterion_subweights
    if weights is not None:
        values = [getattr(weights, name) for name in SUBWEIGHTS]
        if any(not 0 <= v <= 100 for v in values):
            total = ""
        elif abs(sum(values) - 100) > 0.01:
            total = f" (ici {french.number(sum(values), 1)} %)"
        else:
            return
        errors.append(
            StrategyError(
                key=f"{KEY}.criterion_subweights",
                message="les quatre poids, chacun entre 0 et 100 %, font 100 % ensemble"
                + total
                + ".",
            )
        )


def _text_problem(parameter: TextParameter, value: object) -> str | None:
    match parameter.kind:
        case "choice":
            if value not in parameter.choices:
                return "choisissez : " + ", ".join(parameter.choices) + "."
        case "text":
            if not isinstance(value, str) or not value.strip():
                return "texte attendu."
            if len(value) > parameter.maximum:
                return f"{int(parameter.maximum)} caractères au plus."
        case "integer":
            low, high = int(parameter.minimum), int(parameter.maximum)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                return f"nombre entier attendu, entre {low} et {french.number(high)}."
        case _:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return "nombre attendu."
            if not parameter.minimum < value <= parameter.maximum:
                return (
                    f"doit être supérieur à {french.number(parameter.minimum)} "
                    f"et au plus {french.number(parameter.maximum)}."
                )
    return None


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


def _hours(
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


def _check_parameters(strategy: Strategy, errors: list[StrategyError]) -> None:
    penalty = strategy.penalty_eur_per_hour
    if penalty is not None and not 0 < penalty <= MAX_PENALTY_EUR:
        errors.append(
            StrategyError(
                key=f"{KEY}.penalty_eur_per_hour",
                message=f"doit être supérieur à 0 et au plus {french.eur(MAX_PENALTY_EUR)}.",
            )
        )
    email = strategy.facilitator.email if strategy.facilitator else None
    if email is not None and not EMAIL.fullmatch(email.strip()):
        errors.append(
            StrategyError(
                key=f"{KEY}.facilitator.email",
                message="adresse électronique invalide (ex. clauses@facilitateur.fr).",
            )
        )
    article = strategy.ccap_article
    if article is not None and not CCAP_ARTICLE.fullmatch(article.strip()):
        errors.append(
            StrategyError(
                key=f"{KEY}.ccap_article",
                message="numéro d’article invalide (ex. 9, 9.2 ou 12 bis ; 20 caractères au plus).",
            )
        )


def meeting_social_obligation(library: Library) -> frozenset[MechanismId]:
    """The mechanisms that meet L2112-2-1 (a social consideration in the execution conditions),
    as the library's obligation lists them."""
    return frozenset(
        m
        for o in library.obligations.obligations
        if o.id is ObligationId.social_consideration_above_eu_threshold
        for m in o.met_by
    )


def social_obligation(advice: Advice) -> ObligationResult | None:
    """L2112-2-1 when it applies to this tender."""
    return next(
        (
            o
            for o in advice.obligations
            if o.id is ObligationId.social_consideration_above_eu_threshold and o.applies
        ),
        None,
    )


def _check_social_obligation(
    advice: Advice,
    strategy: Strategy,
    retained: list[ResolvedMechanism],
    library: Library,
    errors: list[StrategyError],
) -> None:
    """L2112-2-1: a social consideration in the execution conditions, or a justified
    derogation; a derogation where none is needed is refused, so no draft carries one."""
    obligation = social_obligation(advice)
    met = any(m.id in meeting_social_obligation(library) for m in retained)
    derogation = strategy.derogation
    key = f"{KEY}.derogation"
    if derogation is not None and (obligation is None or met):
        errors.append(
            StrategyError(
                key=key,
                message="sans objet : "
                + (
                    "l’obligation de L2112-2-1 ne s’applique pas à ce marché."
                    if obligation is None
                    else "une considération sociale est retenue dans les conditions d’exécution."
                ),
            )
        )
        return
    if obligation is None or met:
        return
    if derogation is None:
        errors.append(
            StrategyError(
                key=key,
                message="L2112-2-1 s’applique : retenez une considération sociale dans les "
                "conditions d’exécution (clause d’insertion ou autre condition sociale) ou "
                "justifiez la dérogation (motif et justification).",
            )
        )
        return
    grounds = obligation.derogation_grounds
    if grounds and derogation.ground.strip().casefold() not in {g.casefold() for g in grounds}:
        errors.append(
            StrategyError(
                key=f"{key}.ground",
                message="motif non reconnu ; motifs possibles : " + " ; ".join(grounds) + ".",
            )
        )
    if not derogation.justification.strip():
        errors.append(
            StrategyError(
                key=f"{key}.justification",
                message="justifiez la dérogation : ce texte figure au dossier (à vérifier).",
            )
        )


def resolve(
    profile: TenderProfile, advice: Advice, data: Any, library: Library
) -> ResolvedStrategy | list[StrategyError]:
    """:func:`choose` on the ``strategy`` key as given (a file's or a body's), parsed first."""
    strategy = parse_strategy(data)
    if isinstance(strategy, list):
        return strategy
    return choose(profile, advice, strategy, library)


class StrategyRefused(ValueError):
    """An inconsistent strategy, for the shells that stop on it (exit 2, HTTP 422)."""

    def __init__(self, errors: list[StrategyError]) -> None:
        self.errors = errors
        super().__init__("\n".join(f"{e.key} : {e.message}" for e in errors))


def resolved_or_raise(
    profile: TenderProfile, advice: Advice, data: Any, library: Library
) -> ResolvedStrategy:
    """:func:`resolve`, raising :class:`StrategyRefused` on errors."""
    resolved = resolve(profile, advice, data, library)
    if isinstance(resolved, list):
        raise StrategyRefused(resolved)
    return resolved
