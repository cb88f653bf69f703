"""The review page's names for the strategy's keys, which showing the decisions form
(:mod:`clauses.web.strategy_form`) and reading it back (:mod:`clauses.web.strategy_reading`)
share: a mechanism's row (« Autre condition sociale » once per option), the fields kept from the
stored strategy, the facilitator's and the option clauses' parameters and their labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clauses.library.models import MechanismId
from clauses.strategy.texts import TEXT_PARAMETERS

M = MechanismId
MAX_TEXT = 2_000
# Kept from the stored strategy when the form is saved: set by a file or the API, not shown.
NOT_ON_FORM = ("hours_override", "hours_override_reason")
FACILITATOR_FIELDS = {
    "name": "Nom du facilitateur",
    "organisation": "Structure du facilitateur",
    "email": "Adresse électronique du facilitateur",
    "phone": "Téléphone du facilitateur",
}
PARAMETER_LABELS = {
    "penalty_eur_per_hour": "Pénalité par heure d’insertion non réalisée",
    "ccap_article": "Numéro de l’article du CCAP",
    "derogation-ground": "Motif de la dérogation",
    "derogation-justification": "Justification de la dérogation",
    **{f"facilitator-{k}": v for k, v in FACILITATOR_FIELDS.items()},
    **{p.field: p.label for p in TEXT_PARAMETERS},
    "criterion_subweights": "Poids des sous-critères du critère d’insertion",
}
# The option clause parameters the dossier or a strategy key fills: not asked per option.
SHARED_PARAMETERS = frozenset({"contract_title", "reporting_frequency"})
OPTION_SEPARATOR = "--"


def row_key(mechanism: str, option: str | None) -> str:
    """The form's name for a mechanism, or for one option of « Autre condition sociale »."""
    return f"{mechanism}{OPTION_SEPARATOR}{option}" if option else mechanism


def option_of(item: Mapping[str, Any]) -> str | None:
    option = item.get("option")
    return option if isinstance(option, str) and option else None


def split_key(key: str) -> tuple[MechanismId, str | None]:
    mechanism, _, option = key.partition(OPTION_SEPARATOR)
    return MechanismId(mechanism), option or None


def known_key(key: str) -> bool:
    return key.partition(OPTION_SEPARATOR)[0] in MechanismId.__members__
