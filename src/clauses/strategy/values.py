"""The values the buyer types into a strategy (texts, option parameters, penalty, facilitator's
e-mail, CCAP article), checked against their bounds and what they apply to."""

from __future__ import annotations

import re

from clauses import french
from clauses.library.models import ParameterType
from clauses.profile import TenderProfile
from clauses.strategy.model import KEY, Strategy, StrategyError
from clauses.strategy.texts import SUBWEIGHTS, TEXT_PARAMETERS, TextParameter

MAX_PENALTY_EUR = 1_000_000
CCAP_ARTICLE = re.compile(r"[0-9A-Za-z][0-9A-Za-z .\-]{0,19}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_TEXT = 2_000


def parameter_problem(kind: ParameterType, value: int | float | str) -> str | None:
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


def check_texts(profile: TenderProfile, strategy: Strategy, errors: list[StrategyError]) -> None:
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


def check_parameters(strategy: Strategy, errors: list[StrategyError]) -> None:
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
