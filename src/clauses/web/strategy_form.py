"""The review page's decisions form, without HTTP: the stored strategy shown as fields, the
submitted fields read back into a strategy (DESIGN §3.4), and the strategy's errors put on the
fields they name.

The strategy is stored as given, like the wizard's answers: a value that does not read (a
weighting « dix ») is kept as typed, and :func:`clauses.strategy.choose.resolve` names it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clauses import inputs
from clauses.advisor.model import Advice, Level
from clauses.library import Library
from clauses.library.models import MechanismId
from clauses.profile import TenderProfile
from clauses.strategy import StrategyError
from clauses.strategy.choose import (
    default_mechanisms,
    meeting_social_obligation,
    social_obligation,
)
from clauses.web.wizard import form_text, parse_number

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
}
MECHANISM_KEY = re.compile(r"strategy\.mechanisms\[(\d+)\](?:\.(\w+))?")


@dataclass
class Row:
    """One mechanism of the form: kept or not, on which lots, with which weighting."""

    id: MechanismId
    title: str
    level: Level | None  # None: retained earlier, no longer offered by the advice
    reasons: list[str]
    kept: bool
    lots: list[int]
    weight: str
    lot_choice: bool  # the tender has lots and the mechanism can be retained on some of them


@dataclass
class FormError:
    id: str  # the field's id on the page
    label: str
    message: str


@dataclass
class StrategyForm:
    rows: list[Row]
    values: dict[str, str]  # field id → value shown (parameters)
    errors: dict[str, str] = field(default_factory=dict)  # field id → message
    items: list[FormError] = field(default_factory=list)  # the error summary, in page order
    social_obligation: bool = False
    derogation_grounds: list[str] = field(default_factory=list)
    meeting: frozenset[MechanismId] = frozenset()  # the mechanisms that meet L2112-2-1

    @property
    def asks_derogation(self) -> bool:
        """The derogation fields are shown where L2112-2-1 applies and no execution condition
        is kept (or a derogation was given, so that it can be cleared)."""
        kept = {r.id for r in self.rows if r.kept}
        given = self.values["derogation-ground"] or self.values["derogation-justification"]
        return self.social_obligation and (bool(given) or not kept & self.meeting)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def stored_mechanisms(stored: Mapping[str, Any] | None, advice: Advice) -> list[dict[str, Any]]:
    """The mechanisms list ``choose`` reads: the stored one, or the advice's defaults."""
    listed = (stored or {}).get("mechanisms")
    if isinstance(listed, list):
        return [m for m in listed if isinstance(m, dict)]
    return [m.model_dump(exclude_none=True) for m in default_mechanisms(advice)]


def build_form(
    stored: Mapping[str, Any] | None,
    advice: Advice,
    profile: TenderProfile,
    library: Library,
    errors: list[StrategyError],
) -> StrategyForm:
    mechanisms = stored_mechanisms(stored, advice)
    by_id = {str(m.get("id")): m for m in mechanisms}
    excluded = {e.mechanism for e in advice.excluded}
    offered = [r for r in advice.recommendations if r.mechanism not in excluded]
    offered_ids = {r.mechanism for r in offered}
    ids = [r.mechanism for r in offered] + [
        MechanismId(m)
        for m in by_id
        if m in MechanismId.__members__ and MechanismId(m) not in offered_ids
    ]
    rows = []
    for mechanism in ids:
        recommendation = advice.recommendation(mechanism)
        chosen = by_id.get(mechanism.value, {})
        lots = chosen.get("lots")
        rows.append(
            Row(
                id=mechanism,
                title=recommendation.title
                if recommendation
                else library.mechanisms[mechanism].title,
                level=recommendation.level
                if recommendation and mechanism not in excluded
                else None,
                reasons=list(recommendation.reasons) if recommendation else [],
                kept=mechanism.value in by_id,
                lots=[n for n in lots if isinstance(n, int)] if isinstance(lots, list) else [],
                weight=_shown(chosen.get("weight_percent")),
                lot_choice=bool(profile.lots) and mechanism is not M.lots_division,
            )
        )
    stored = stored or {}
    facilitator, derogation = _object(stored, "facilitator"), _object(stored, "derogation")
    values = {
        "penalty_eur_per_hour": _shown(stored.get("penalty_eur_per_hour")),
        "ccap_article": _shown(stored.get("ccap_article")),
        "derogation-ground": _shown(derogation.get("ground")),
        "derogation-justification": _shown(derogation.get("justification")),
        **{f"facilitator-{k}": _shown(facilitator.get(k)) for k in FACILITATOR_FIELDS},
    }
    obligation = social_obligation(advice)
    form = StrategyForm(
        rows=rows,
        values=values,
        social_obligation=obligation is not None,
        derogation_grounds=list(obligation.derogation_grounds) if obligation else [],
        meeting=meeting_social_obligation(library),
    )
    _place_errors(form, mechanisms, errors, library)
    return form


def _object(stored: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = stored.get(key)
    return value if isinstance(value, dict) else {}


def field_of(key: str, mechanisms: list[dict[str, Any]]) -> str:
    """The page's field id for a strategy key (``strategy.mechanisms[2].lots`` → the lots of the
    second mechanism listed); ``strategy`` for a key the form does not show."""
    match = MECHANISM_KEY.fullmatch(key)
    if match:
        n, name = int(match[1]), match[2] or "id"
        mechanism = str(mechanisms[n - 1].get("id")) if 0 < n <= len(mechanisms) else ""
        prefix = {"lots": "lots", "weight_percent": "weight"}.get(name, "keep")
        return f"{prefix}-{mechanism}" if mechanism else "strategy"
    name = key.removeprefix("strategy.")
    if name.startswith("facilitator."):
        return "facilitator-" + name.split(".")[1]
    if name.startswith("derogation"):
        return "derogation-" + (name.split(".")[1] if "." in name else "justification")
    return name if name in PARAMETER_LABELS else "strategy"


def _place_errors(
    form: StrategyForm,
    mechanisms: list[dict[str, Any]],
    errors: list[StrategyError],
    library: Library,
) -> None:
    titles = {f"{p}-{r.id.value}": r for r in form.rows for p in ("keep", "lots", "weight")}
    for error in errors:
        target = field_of(error.key, mechanisms)
        if target in titles:
            row = titles[target]
            short = library.mechanisms[row.id].short_title
            label = {"keep": short, "lots": f"{short} : lots", "weight": f"{short} : pondération"}[
                target.split("-")[0]
            ]
        else:
            label = PARAMETER_LABELS.get(target, "Stratégie")
        if target in form.errors:
            form.errors[target] += " " + error.message
        else:
            form.errors[target] = error.message
        form.items.append(FormError(target, label, error.message))


def _number_or_text(raw: str) -> float | str:
    """A number typed the French way (« 1 200 », « 12,5 »), or the text as typed when it does
    not read as one (the strategy's check then names it)."""
    try:
        return parse_number(raw)
    except ValueError:
        return raw


def _text(value: Any) -> str:
    return form_text(value)[:MAX_TEXT]


def read_form(form: Any, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The strategy the submitted form says (``form``: the request's form data)."""
    mechanisms = []
    for raw_id in form.getlist("mechanism"):
        if raw_id not in MechanismId.__members__ or not form.get(f"keep-{raw_id}"):
            continue
        item: dict[str, Any] = {"id": raw_id}
        lots = sorted(
            {n for v in form.getlist(f"lots-{raw_id}") if (n := inputs.integer(v)) is not None}
        )
        if lots:
            item["lots"] = lots
        weight = _text(form.get(f"weight-{raw_id}"))
        if weight:
            item["weight_percent"] = _number_or_text(weight)
        mechanisms.append(item)
    strategy: dict[str, Any] = {k: v for k, v in (stored or {}).items() if k in NOT_ON_FORM}
    strategy["mechanisms"] = mechanisms
    penalty = _text(form.get("penalty_eur_per_hour"))
    if penalty:
        strategy["penalty_eur_per_hour"] = _number_or_text(penalty)
    article = _text(form.get("ccap_article"))
    if article:
        strategy["ccap_article"] = article
    facilitator = {
        k: text for k in FACILITATOR_FIELDS if (text := _text(form.get(f"facilitator-{k}")))
    }
    if facilitator:
        strategy["facilitator"] = facilitator
    ground = _text(form.get("derogation-ground"))
    justification = _text(form.get("derogation-justification"))
    if ground or justification:
        strategy["derogation"] = {"ground": ground, "justification": justification}
    return strategy
