"""The review page's decisions form, without HTTP: the stored strategy shown as fields and the
strategy's errors put on the fields they name; the submitted fields are read back into a
strategy (DESIGN §3.4) by :mod:`clauses.web.strategy_reading`, on the names of
:mod:`clauses.web.strategy_keys`.

The strategy is stored as given, like the wizard's answers: a value that does not read (a
weighting « dix ») is kept as typed, and :func:`clauses.strategy.choose.resolve` names it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clauses.advisor.model import Advice, Level
from clauses.library import Library
from clauses.library.models import MechanismId, ParameterType, SocialOption
from clauses.profile import TenderProfile
from clauses.strategy import StrategyError
from clauses.strategy.choose import (
    default_mechanisms,
    meeting_social_obligation,
    social_obligation,
)
from clauses.strategy.texts import BY_KEY as TEXT_PARAMETERS_BY_KEY
from clauses.strategy.texts import TEXT_PARAMETERS, TextParameter
from clauses.web.strategy_keys import (
    FACILITATOR_FIELDS,
    PARAMETER_LABELS,
    SHARED_PARAMETERS,
    M,
    known_key,
    option_of,
    row_key,
    split_key,
)
from clauses.web.strategy_reading import empty_scopes, read_form

# The review route reads the form both ways here.
__all__ = ["StrategyForm", "build_form", "empty_scopes", "read_form", "row_key"]

MECHANISM_KEY = re.compile(r"strategy\.mechanisms\[(\d+)\](?:\.(\w+))?")
MECHANISM_PARAMETER = re.compile(r"strategy\.mechanisms\[(\d+)\]\.parameters\.(\w+)")


@dataclass
class Row:
    """One mechanism (or one option of « Autre condition sociale ») of the form: kept or not,
    on which lots, with which weighting, and why the planner retains it."""

    id: MechanismId
    key: str
    option: str | None
    title: str
    level: Level | None  # None: retained earlier, no longer offered by the advice
    reasons: list[str]
    kept: bool
    lots: list[int]
    weight: str
    lot_choice: bool  # the tender has lots and the mechanism can be retained on some of them
    why: list[str] = field(default_factory=list)
    scope: str = "all"  # « all »: the whole contract; « lots »: the lots ticked
    parameters: list[OptionField] = field(default_factory=list)


@dataclass
class OptionField:
    """A parameter of an option's model clause the buyer gives (number of apprentices…)."""

    id: str  # param-<row key>-<name>
    name: str
    label: str
    kind: ParameterType
    value: str


@dataclass
class TextField:
    """A value of the drafted texts (clauses.strategy.texts) asked on the page."""

    parameter: TextParameter
    value: str
    proposed: str  # the proposed value as shown, "" when there is none

    @property
    def id(self) -> str:
        return self.parameter.field


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
    texts: list[TextField] = field(default_factory=list)

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
    by_key = {row_key(str(m.get("id")), option_of(m)): m for m in mechanisms}
    excluded = {e.mechanism for e in advice.excluded}
    offered = [
        row_key(r.mechanism.value, option)
        for r in advice.recommendations
        if r.mechanism not in excluded
        for option in _options(r.mechanism, r.options_on(None))
    ]
    keys = offered + [k for k in by_key if k not in offered and known_key(k)]
    options = {o.id: o for o in library.mechanisms[M.other_social_condition].options}
    rows = []
    for key in keys:
        mechanism, option = split_key(key)
        recommendation = advice.recommendation(mechanism)
        chosen = by_key.get(key, {})
        lots = chosen.get("lots")
        scope = "lots" if isinstance(lots, list) else "all"
        title = recommendation.title if recommendation else library.mechanisms[mechanism].title
        if option in options:
            title = f"{library.mechanisms[mechanism].short_title} : {options[option].title}"
        rows.append(
            Row(
                id=mechanism,
                key=key,
                option=option,
                title=title,
                level=recommendation.level
                if recommendation and mechanism not in excluded
                else None,
                reasons=list(recommendation.reasons) if recommendation else [],
                kept=key in by_key,
                lots=[n for n in lots if isinstance(n, int)] if isinstance(lots, list) else [],
                weight=_shown(chosen.get("weight_percent")),
                lot_choice=bool(profile.lots),
                why=_why(advice, mechanism, option) if key in by_key else [],
                scope=scope,
                parameters=_option_fields(key, options.get(option or ""), chosen),
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
        texts=_text_fields(stored, rows, profile, advice),
    )
    _place_errors(form, mechanisms, errors, library)
    return form


def _option_fields(
    key: str, option: SocialOption | None, chosen: Mapping[str, Any]
) -> list[OptionField]:
    if option is None:
        return []
    given = chosen.get("parameters")
    given = given if isinstance(given, dict) else {}
    return [
        OptionField(
            id=f"param-{key}-{p.name}",
            name=p.name,
            label=p.label,
            kind=p.type,
            value=_shown_parameter(p.type, given.get(p.name)),
        )
        for p in option.clause.parameters
        if p.name not in SHARED_PARAMETERS
    ]


def _shown_parameter(kind: ParameterType, value: Any) -> str:
    """A share is typed in percent on the page (« 5 » for 0,05)."""
    if kind is ParameterType.percent and isinstance(value, int | float):
        return _shown(round(value * 100, 4))
    return _shown(value)


def asked(
    parameter: TextParameter, rows: list[Row], profile: TenderProfile, advice: Advice
) -> bool:
    """Whether the page asks this value: what it fills is in a text the buyer may draft."""
    offered = {r.id for r in rows}
    match parameter.when:
        case "clause":
            return M.insertion_clause in offered
        case "criterion":
            return M.insertion_criterion in offered
        case "conditions":
            return bool({M.insertion_clause, M.other_social_condition} & offered)
        case "lots":
            return bool(profile.lots)
        case "framework":  # issue 22: the floor per order of a framework's hours clause
            return profile.agreement is not None and M.insertion_clause in offered
        case _:
            procedure = advice.procedure
            return not profile.lots and procedure.above_eu_threshold


def _text_fields(
    stored: Mapping[str, Any], rows: list[Row], profile: TenderProfile, advice: Advice
) -> list[TextField]:
    out = []
    for parameter in TEXT_PARAMETERS:
        if not asked(parameter, rows, profile, advice):
            continue
        name, _, part = parameter.key.partition(".")
        value = stored.get(name)
        if part:
            value = value.get(part) if isinstance(value, dict) else None
        proposed = "" if parameter.proposed is None else _shown(parameter.proposed)
        # A strategy never saved shows the proposed value, which saving the page keeps.
        shown = _shown(value) if value is not None or "mechanisms" in stored else proposed
        out.append(TextField(parameter, shown, proposed))
    return out


def _options(mechanism: MechanismId, options: list[str]) -> list[str | None]:
    """« Autre condition sociale » is offered once per option; the others once."""
    return list(options) if mechanism is M.other_social_condition and options else [None]


def _why(advice: Advice, mechanism: MechanismId, option: str | None) -> list[str]:
    """What the planner says of this lever, on the perimeters where it retains it."""
    if advice.plan is None:
        return []
    return [
        text
        for p in advice.plan.perimeters
        for lever in p.levers
        if lever.mechanism is mechanism and lever.option == option
        for text in lever.why
    ]


def _object(stored: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = stored.get(key)
    return value if isinstance(value, dict) else {}


def field_of(key: str, mechanisms: list[dict[str, Any]]) -> str:
    """The page's field id for a strategy key (``strategy.mechanisms[2].lots`` → the lots of the
    second mechanism listed); ``strategy`` for a key the form does not show."""
    match = MECHANISM_PARAMETER.fullmatch(key)
    if match:
        n, name = int(match[1]), match[2]
        item = mechanisms[n - 1] if 0 < n <= len(mechanisms) else {}
        row = row_key(str(item.get("id")), option_of(item)) if item else ""
        return f"param-{row}-{name}" if row else "strategy"
    match = MECHANISM_KEY.fullmatch(key)
    if match:
        n, name = int(match[1]), match[2] or "id"
        item = mechanisms[n - 1] if 0 < n <= len(mechanisms) else {}
        mechanism = row_key(str(item.get("id")), option_of(item)) if item else ""
        prefix = {"lots": "lots", "weight_percent": "weight"}.get(name, "keep")
        return f"{prefix}-{mechanism}" if mechanism else "strategy"
    name = key.removeprefix("strategy.")
    if name == "criterion_subweights":
        return TEXT_PARAMETERS_BY_KEY["criterion_subweights.tutoring"].field
    if name in TEXT_PARAMETERS_BY_KEY:
        return TEXT_PARAMETERS_BY_KEY[name].field
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
    titles = {f"{p}-{r.key}": r for r in form.rows for p in ("keep", "lots", "weight")}
    options = {f.id: (r, f) for r in form.rows for f in r.parameters}
    for error in errors:
        target = field_of(error.key, mechanisms)
        if target in options:
            row, option_field = options[target]
            label = f"{row.title} : {option_field.label}"
        elif target in titles:
            row = titles[target]
            short = row.title if row.option else library.mechanisms[row.id].short_title
            label = {"keep": short, "lots": "Porte sur", "weight": f"{short} : pondération"}[
                target.split("-")[0]
            ]
        else:
            label = PARAMETER_LABELS.get(target, "Stratégie")
        if target in form.errors:
            form.errors[target] += " " + error.message
        else:
            form.errors[target] = error.message
        form.items.append(FormError(target, label, error.message))
