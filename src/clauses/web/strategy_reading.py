"""The review page's decisions form read back into a strategy (DESIGN §3.4), as typed: a value
that does not read is kept for :func:`clauses.strategy.choose.resolve` to name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clauses import inputs
from clauses.library import Library
from clauses.library.models import ParameterType
from clauses.questionnaire.wizard import form_text, parse_number
from clauses.strategy.texts import TEXT_PARAMETERS
from clauses.web.strategy_keys import (
    FACILITATOR_FIELDS,
    MAX_TEXT,
    NOT_ON_FORM,
    SHARED_PARAMETERS,
    M,
    known_key,
    split_key,
)


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
        if not known_key(key) or not form.get(f"keep-{key}"):
            continue
        mechanism, option = split_key(key)
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
