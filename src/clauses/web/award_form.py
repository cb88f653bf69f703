"""The award form (DESIGN §3.6) and the ``award`` data it gives, both ways.

The form's values are kept as typed (``values``: form name → text, or list of texts for the
checkboxes), so that a refused form is shown again exactly as it was sent; :func:`award_data`
turns them into the ``award`` key a profile file would carry (numbers and dates read the French
way), which :func:`clauses.lifecycle.check_award` checks. :func:`form_errors` places each error
it names (``award.lots[2].holders[1].id``) next to its field.

Names: the award's keys (``buyer_siret``, ``place-code``), the holders numbered from 1
(``holders-2-id``), a lot's fields under its number in the profile (``lots-3-amount_eur``,
``lots-3-holders-1-id``). The selects and checkboxes offer the DECP 2.0.3 enumerations.

Every field comes from its declaration (:data:`clauses.decp.fields.FIELDS`): how it is read,
parsed and pre-filled from a stored award here; named in the errors
(:mod:`clauses.web.award_errors`), placed on the page (:mod:`clauses.web.award_page`) and
suggested by the dossier (:mod:`clauses.web.award_prefill`). This module is what the routes and
the template's ``form`` read. Nothing lists the award's fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData, UploadFile

from clauses import inputs
from clauses.decp.enums import HolderIdType
from clauses.decp.fields import SECTIONS, AwardField, Kind, award_fields, field_named
from clauses.profile import FieldError, TenderProfile
from clauses.questionnaire.wizard import form_text, parse_number
from clauses.web.award_errors import ErrorItem, Layout, form_errors, form_id, input_ids, label_of
from clauses.web.award_page import (
    CHECKBOXES,
    HOLDER_FIELDS,
    LABELS,
    PLACE_PARTS,
    SELECTS,
    SINGLE,
    Values,
    Widget,
    blocks,
    labels,
    lot_blocks,
    lot_inputs,
    lot_own_names,
    lot_widget,
    options,
    widget,
)
from clauses.web.award_prefill import Prefill, prefill, suggested

# What the routes and the template (``form``) read here, wherever it is defined.
__all__ = [
    "CHECKBOXES",
    "HOLDER_FIELDS",
    "LABELS",
    "SECTIONS",
    "SELECTS",
    "ErrorItem",
    "HolderIdType",
    "Layout",
    "Prefill",
    "Values",
    "Widget",
    "blocks",
    "field_named",
    "form_errors",
    "form_id",
    "input_ids",
    "label_of",
    "labels",
    "lot_blocks",
    "lot_own_names",
    "lot_widget",
    "options",
    "prefill",
    "suggested",
    "widget",
]

MAX_HOLDERS = 20  # rows of holders a form shows (DECP takes up to 100: a file can give more)
# Rows of holders shown at least: the members of a group are typed in the same submission (the
# rows after the first are folded under « Autres membres d’un groupement »; blank rows are
# left out of the data).
SHOWN_HOLDERS = 3


def read_values(form: FormData, profile: TenderProfile) -> Values:
    """The form's values as typed (what :func:`award_data` reads and the template shows)."""
    values: Values = {}
    for f in award_fields():
        if f.kind is Kind.choices:
            values[f.name] = [
                form_text(v) for v in form.getlist(f.name) if isinstance(v, str) and v
            ]
        elif f.kind in SINGLE or f.kind is Kind.place:
            for name in f.form_names():
                values[name] = form_text(form.get(name))[:200]
    prefixes = ["holders"] + [f"lots-{n}-holders" for n in range(1, len(profile.lots) + 1)]
    for n in range(1, len(profile.lots) + 1):
        for f in lot_inputs():
            values[f"lots-{n}-{f.name}"] = form_text(form.get(f"lots-{n}-{f.name}"))[:200]
    for prefix in prefixes:
        count = _count(form.get(f"{prefix}-count"))
        values[f"{prefix}-count"] = count
        for j in range(1, count + 1):
            for name in HOLDER_FIELDS:
                values[f"{prefix}-{j}-{name}"] = form_text(form.get(f"{prefix}-{j}-{name}"))[:200]
    return values


def add_holder(values: Values, prefix: str) -> str | None:
    """One more empty holder row under ``prefix`` (``holders`` or ``lots-N-holders``); the id of
    its first field (for the focus), None at the maximum."""
    key = f"{prefix}-count"
    if key not in values or values[key] >= MAX_HOLDERS:
        return None
    values[key] += 1
    for name in HOLDER_FIELDS:
        values.setdefault(f"{prefix}-{values[key]}-{name}", "")
    return f"{prefix}-{values[key]}-id"


def _count(raw: Any) -> int:
    count = inputs.integer(raw)
    return SHOWN_HOLDERS if count is None else min(max(count, SHOWN_HOLDERS), MAX_HOLDERS)


def values_of(award: Mapping[str, Any] | None, profile: TenderProfile) -> Values:
    """The form's values for an award as stored (empty for none): the form shown to correct it."""
    award = award or {}
    pairs: list[tuple[str, str | UploadFile]] = []

    def put(name: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        elif isinstance(value, float) and value.is_integer():
            pairs.append((name, str(int(value))))
        else:
            pairs.append((name, str(value)))

    def given(f: AwardField, value: Any, name: str) -> None:
        if f.kind is Kind.rate:
            if isinstance(value, int | float):
                put(name, _decimal(value * 100))
        elif f.kind is Kind.place:
            for part in PLACE_PARTS:
                put(f"{name}-{part}", (value or {}).get(part))
        elif f.kind is Kind.choices:
            for one in value or []:
                put(name, one)
        elif f.kind in SINGLE:
            put(name, value)

    for f in award_fields():
        given(f, award.get(f.name), f.name)

    def holders(prefix: str, given: list[dict[str, Any]] | None) -> None:
        rows = given or []
        put(f"{prefix}-count", len(rows))
        for j, holder in enumerate(rows, start=1):
            for name in HOLDER_FIELDS:
                put(f"{prefix}-{j}-{name}", holder.get(name))

    holders("holders", award.get("holders"))
    for lot in award.get("lots") or []:
        n = lot.get("lot")
        if isinstance(n, int) and 1 <= n <= len(profile.lots):
            for f in lot_inputs():
                given(f, lot.get(f.name), f"lots-{n}-{f.name}")
            holders(f"lots-{n}-holders", lot.get("holders"))
    return read_values(FormData(pairs), profile)


def _decimal(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _number(text: str, *, whole: bool = False) -> Any:
    """A number typed the French way; the text itself when it is none (the check names it)."""
    try:
        value = parse_number(text)
    except ValueError:
        return text
    if value.is_integer():
        return int(value)
    return text if whole else value


def parse_date(text: str) -> str:
    """ISO (a date field's value), or « 15/03/2027 » typed where the browser has no date field."""
    day = inputs.date(text)
    return text if day is None else day.isoformat()


def implausible_dates(data: Mapping[str, Any], today: dt.date) -> list[FieldError]:
    """The award's dates that cannot be meant (:func:`clauses.inputs.implausible`), each named
    as the award's key (``award.lots[2].notification_date``)."""
    dates = [f.name for f in award_fields() if f.kind is Kind.date]
    dated = [(f"award.{name}", data.get(name)) for name in dates]
    for i, lot in enumerate(data.get("lots") or [], start=1):
        for f in lot_inputs():
            if f.kind is Kind.date:
                dated.append((f"award.lots[{i}].{f.name}", lot.get(f.name)))
    errors = []
    for name, value in dated:
        day = inputs.date(value) if isinstance(value, str) else None
        reason = None if day is None else inputs.implausible(day, today)
        if reason:
            errors.append(FieldError(name, reason))
    return errors


def award_data(values: Values, profile: TenderProfile) -> tuple[dict[str, Any], Layout]:
    """The ``award`` key the form gives (empty fields left out: the check names what is
    missing), and where each list entry comes from."""
    layout = Layout()
    data: dict[str, Any] = {}
    for f in award_fields():
        if f.kind is Kind.place:
            code, kind = (values[name] for name in f.form_names())
            if code or kind:
                data[f.name] = {k: v for k, v in {"code": code, "type": kind}.items() if v}
        elif f.kind in SINGLE or f.kind is Kind.choices:
            _put(data, f, values[f.name])
    if profile.lots:
        lots = []
        for n in range(1, len(profile.lots) + 1):
            lot: dict[str, Any] = {"lot": n}
            for f in lot_inputs():
                _put(lot, f, values[f"lots-{n}-{f.name}"])
            holders = _holders(values, f"lots-{n}-holders", layout)
            if holders:
                lot["holders"] = holders
            if len(lot) > 1:  # a lot left blank is not awarded (yet)
                lots.append(lot)
                layout.lots.append(n)
        if not lots:
            # No lot given: lot 1 is checked as the first to give, so that what it lacks is
            # named at once beside its fields (a lot left blank is never saved).
            lots.append({"lot": 1})
            layout.lots.append(1)
            layout.no_lot_given = True
        data["lots"] = lots
    else:
        holders = _holders(values, "holders", layout)
        if holders:
            data["holders"] = holders
    return data, layout


def _put(data: dict[str, Any], f: AwardField, raw: Any) -> None:
    """``data[f.name]`` from what the form gives (nothing for an empty field)."""
    if not raw:
        return
    match f.kind:
        case Kind.date:
            data[f.name] = parse_date(raw)
        case Kind.amount | Kind.integer:
            data[f.name] = _number(raw, whole=f.kind is Kind.integer)
        case Kind.rate:
            rate = _number(raw)
            data[f.name] = rate / 100 if isinstance(rate, int | float) else rate
        case Kind.boolean:
            if raw in {"true", "false"}:
                data[f.name] = raw == "true"
        case _:
            data[f.name] = raw


def _holders(values: Values, prefix: str, layout: Layout) -> list[dict[str, Any]]:
    rows, kept = [], []
    for j in range(1, values[f"{prefix}-count"] + 1):
        holder_id, name = values[f"{prefix}-{j}-id"], values[f"{prefix}-{j}-name"]
        if not holder_id and not name:
            continue
        holder: dict[str, Any] = {
            "id_type": values[f"{prefix}-{j}-id_type"] or HolderIdType.siret.value,
            "id": holder_id,
        }
        if name:
            holder["name"] = name
        rows.append(holder)
        kept.append(j)
    layout.holders[prefix] = kept
    return rows
