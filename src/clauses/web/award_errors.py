"""The award form's errors: each one the check names (``award.lots[2].holders[1].id``) placed
beside its field of the form and in the summary, in the page's order, named in French."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clauses.decp.fields import Kind, award_fields, lot_fields
from clauses.profile import FieldError
from clauses.web.award_page import HOLDER_FIELDS, HOLDER_LABELS, Values, labels, page_order


@dataclass
class Layout:
    """How the award data maps back to the form: which lot and which holder row each entry of
    ``award.lots`` and ``…holders`` comes from (empty rows are left out of the data)."""

    lots: list[int] = field(default_factory=list)  # award.lots[i] → the lot's number
    no_lot_given: bool = False  # a lotted form with every lot blank (lot 1 checked for them)
    holders: dict[str, list[int]] = field(default_factory=dict)  # prefix → rows kept


@dataclass
class ErrorItem:
    id: str  # the field's id in the form ("" : the form as a whole)
    label: str
    message: str


LIST_ENTRY = re.compile(r"^(lots|holders)\[(\d+)\]")
LOT_INPUT = re.compile(r"^lots-(\d+)-(.*)$")  # a lot's input, and its name in the lot
HOLDER_ROW = re.compile(r"^holders-(\d+)-(.*)$")  # a holder's input, and its name in the row


def form_id(path: str, layout: Layout) -> str:
    """The form field an error names (``award.lots[1].holders[2].id`` → ``lots-3-holders-2-id``
    when the first lot given is lot 3); "" when no field of the form gives it."""
    rest = path.removeprefix("award").lstrip(".")
    parts: list[str] = []
    holders_prefix = "holders"
    while rest:
        match = LIST_ENTRY.match(rest)
        if match:
            kind, index = match[1], int(match[2])
            if kind == "lots":
                if not 1 <= index <= len(layout.lots):
                    return ""
                parts.append(f"lots-{layout.lots[index - 1]}")
                holders_prefix = f"lots-{layout.lots[index - 1]}-holders"
            else:
                rows = layout.holders.get(holders_prefix, [])
                if not 1 <= index <= len(rows):
                    return ""
                parts.append(f"holders-{rows[index - 1]}")
            rest = rest[match.end() :].lstrip(".")
            continue
        name, _, rest = rest.partition(".")
        parts.append(name)
    name = "-".join(parts)
    for f in award_fields():
        if f.kind is Kind.place and name in {f.name, *f.form_names()}:
            return name if name in f.form_names() else f.form_names()[0]
    if name == "holders" or name.endswith("-holders"):
        return f"{name}-1-id"
    if name == "lots":
        return "lots"
    return name


def label_of(name: str) -> str:
    """The French label of a field of the form, as the error summary names it."""
    match = LOT_INPUT.match(name)
    lot = ""
    if match:
        lot, name = f"Lot {match[1]}", match[2]
    holder = HOLDER_ROW.match(name)
    if holder:
        text = f"titulaire {holder[1]}, {HOLDER_LABELS.get(holder[2], holder[2])}"
        return f"{lot}, {text}" if lot else text[0].upper() + text[1:]
    if lot:
        summary = {f.name: f.lot_summary for f in lot_fields()}
        return f"{lot}, {summary.get(name, name)}"
    return labels().get(name, name)


def page_position(name: str) -> tuple[int, int, int, int, int]:
    """Where a field is on the page (a field no form gives: after all of them)."""
    lot, rest = 0, name
    match = LOT_INPUT.match(name)
    if match:
        lot, rest = int(match[1]), match[2]
    row, field_name = 0, rest
    holder = HOLDER_ROW.match(rest)
    if holder:
        row, field_name = int(holder[1]), "holders"
        within = HOLDER_FIELDS.index(holder[2]) if holder[2] in HOLDER_FIELDS else 0
    else:
        within = 0
    order = page_order()
    if lot:
        top = order.index("lots")
        in_lot = [f.name for f in lot_fields()]
        sub = in_lot.index(field_name) if field_name in in_lot else len(in_lot)
        return (top, lot, sub, row, within)
    top = order.index(field_name) if field_name in order else len(order)
    return (top, 0, 0, row, within)


def form_errors(
    errors: list[FieldError], layout: Layout, inputs: set[str]
) -> tuple[dict[str, str], list[ErrorItem]]:
    """Each error beside its field (``inputs``: the ids of the form's fields) and in the
    summary, naming the field in French; an error no field gives (the dossier's own answers,
    the schema's) is in the summary only."""
    placed: dict[str, str] = {}
    items: list[ErrorItem] = []
    for error in errors:
        name = form_id(error.field, layout) if error.field.startswith("award") else ""
        if name and (name in inputs or name == "lots"):
            placed.setdefault(name, error.message)
            items.append(ErrorItem(name, label_of(name), error.message))
        else:
            items.append(ErrorItem("", error.field, error.message))
    last = (len(page_order()) + 1,)
    items.sort(key=lambda item: page_position(item.id) if item.id else last)
    return placed, items


def input_ids(values: Values) -> set[str]:
    """The ids of the form's fields (each field's id is its name; the first box of a group)."""
    return {name for name in values if not name.endswith("-count")}
