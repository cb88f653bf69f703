"""The review page's decisions form, without HTTP: the stored strategy shown as fields, the
submitted fields read back into a strategy (DESIGN §3.4), and the strategy's errors put on the
fields they name.

The strategy is stored as given, like the wizard's answers: a value that does not read (a
weighting « dix ») is kept as typed, and :func:`clauses.strategy.choose.resolve` names it.
"""

# Over 400 lines: one form both ways (shown, read back, its errors placed) on the same keys and rows.

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clauses import inputs
from clauses.advisor.model import Advice, Level
from clauses.library import Library
from clauses.library.models import MechanismId, ParameterType, SocialOption
from clauses.profile import TenderProfile
from clauses.questionnaire.wizard import form_text, parse_number
from clauses.strategy import StrategyError
from clauses.strategy.choose import (
    default_mechanisms,
    meeting_social_obligation,
    social_obligation,
)
from clauses.strategy.texts import BY_KEY as TEXT_PARAMETERS_BY_KEY
from clauses.strategy.texts import TEXT_PARAMETERS, TextParameter

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
MECHANISM_KEY = re.compile(r"strategy\.mechanisms\[(\d+)\](?:\.(\w+))?")
MECHANISM_PARAMETER = re.compile(r"strategy\.mechanisms\[(\d+)\]\.parameters\.(\w+)")


OPTION_SEPARATOR = "--"


def row_key(mechanism: str, option: str | None) -> str:
    """The form's name for a mechanism, or for one option of « Autre condition sociale »."""
    return f"{mechanism}{OPTION_SEPARATOR}{option}" if option else mechanism


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
    by_key = {row_key(str(m.get("id")), _option(m)): m for m in mechanisms}
    excluded = {e.mechanism for e in advice.excluded}
    offered = [
        row_key(r.mechanism.value, option)
        for r in advice.recommendations
        if r.mechanism not in excluded
        for option in _options(r.mechanism, r.options_on(None))
    ]
    keys = offered + [k for k in by_key if k not in offered and _known(k)]
    options = {o.id: o for o in library.mechanisms[M.other_social_condition].options}
    rows = []
    for key in keys:
        mechanism, option = _split(key)
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


def _option(item: Mapping[str, Any]) -> str | None:
    option = item.get("option")
    return option if isinstance(option, str) and option else None


def _options(mechanism: MechanismId, options: list[str]) -> list[str | None]:
    """« Autre condition sociale » is offered once per option; the others once."""
    return list(options) if mechanism is M.other_social_condition and options else [None]


def _split(key: str) -> tuple[MechanismId, str | None]:
    mechanism, _, option = key.partition(OPTION_SEPARATOR)
    return MechanismId(mechanism), option or None


def _known(key: str) -> bool:
    return key.partition(OPTION_SEPARATOR)[0] in MechanismId.__members__


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
        row = row_key(str(item.get("id")), _option(item)) if item else ""
        return f"param-{row}-{name}" if row else "strategy"
    match = MECHANISM_KEY.fullmatch(key)
    if match:
        n, name = int(match[1]), match[2] or "id"
        item = mechanisms[n - 1] if 0 < n <= len(mechanisms) else {}
        mechanism = row_key(str(item.get("id")), _option(item)) if item else ""
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


def _number_or_text(raw: str) -> float | str:
    """A number typed the French way (« 1 200 », « 12,5 »), or the text as typed when it does
    not read as one (the strategy's check then names it)."""
    try:
        return parse_number(raw)
    except ValueError:
        return raw


def _text(value: Any) -> str:
    return form_text(value)[:MAX_TEXT]


def _read_parameters(
    form: Any, key: str, option: str | None, library: Library | None
) -> dict[str, Any]:
    """The option clause's parameters typed on the page (a share typed in percent)."""
    if option is None or library is None:
        return {}
    found = next(
        (o for o in library.mechanisms[M.other_social_condition].options if o.id == option), None
    )
    if found is None:
        return {}
    out: dict[str, Any] = {}
    for p in found.clause.parameters:
        raw = _text(form.get(f"param-{key}-{p.name}"))
        if not raw or p.name in SHARED_PARAMETERS:
            continue
        if p.type is ParameterType.text:
            out[p.name] = raw
            continue
        value = _number_or_text(raw)
        if p.type is ParameterType.integer and isinstance(value, float) and value.is_integer():
            value = int(value)
        elif p.type is ParameterType.percent and isinstance(value, float):
            value = round(value / 100, 6)
        out[p.name] = value
    return out


def read_form(
    form: Any, stored: Mapping[str, Any] | None, library: Library | None = None
) -> dict[str, Any]:
    """The strategy the submitted form says (``form``: the request's form data)."""
    mechanisms = []
    for key in form.getlist("mechanism"):
        if not _known(key) or not form.get(f"keep-{key}"):
            continue
        mechanism, option = _split(key)
        item: dict[str, Any] = {"id": mechanism.value}
        if option:
            item["option"] = option
        lots = sorted(
            {n for v in form.getlist(f"lots-{key}") if (n := inputs.integer(v)) is not None}
        )
        scope = form.get(f"scope-{key}")
        # « Les lots cochés » with none ticked is kept empty: the check names it (never the
        # whole contract in silence); without a scope (older pages), the lots ticked if any.
        if scope == "lots" or (scope is None and lots):
            item["lots"] = lots
        parameters = _read_parameters(form, key, option, library)
        if parameters:
            item["parameters"] = parameters
        weight = _text(form.get(f"weight-{key}"))
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
    for parameter in TEXT_PARAMETERS:
        raw = _text(form.get(parameter.field))
        if not raw:
            continue
        value: Any = raw if parameter.kind in ("choice", "text") else _number_or_text(raw)
        name, _, part = parameter.key.partition(".")
        if part:
            strategy.setdefault(name, {})[part] = value
        else:
            strategy[name] = value
    ground = _text(form.get("derogation-ground"))
    justification = _text(form.get("derogation-justification"))
    if ground or justification:
        strategy["derogation"] = {"ground": ground, "justification": justification}
    return strategy


def empty_scopes(strategy: Mapping[str, Any]) -> bool:
    """A mechanism kept on « les lots cochés » with none ticked: the page refuses to save it
    (it would otherwise read as the whole contract)."""
    listed = strategy.get("mechanisms")
    return isinstance(listed, list) and any(
        isinstance(m, dict) and m.get("lots") == [] for m in listed
    )
