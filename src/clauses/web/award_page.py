"""What the award form's page shows of each field (``templates/dossiers/award.html``, its one
macro ``field``): the fields' names and French labels, the selects' and boxes' DECP values, and
where each field stands (:func:`blocks`, :func:`widget`), all from the fields' declarations
(:data:`clauses.decp.fields.FIELDS`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from clauses.decp.fields import AwardField, Kind, PerLot, award_fields, lot_fields

HOLDER_FIELDS = ("id_type", "id", "name")
HOLDER_LABELS = {"id_type": "type d’identifiant", "id": "identifiant (SIRET…)", "name": "nom"}
# Kinds of fields the form gives as one input (a place gives two, holders and lots rows).
SINGLE = frozenset(
    {Kind.text, Kind.amount, Kind.integer, Kind.rate, Kind.date, Kind.choice, Kind.boolean}
)
PLACE_PARTS = {"code": "code", "type": "type de code"}  # a place's inputs, as labels name them
Values = dict[str, Any]  # form name → text (list of texts for a group of checkboxes)


def labels() -> dict[str, str]:
    """The French label of each form name of the award (and of ``place``, ``holders``,
    ``lots``), as the error summary and the dossier's history name it."""
    found: dict[str, str] = {}
    for f in award_fields():
        found[f.name] = f.label
        if f.kind is Kind.place:
            for part, words in PLACE_PARTS.items():
                found[f"{f.name}-{part}"] = f"{f.label}\u00a0: {words}"
    return found


LABELS = labels()


def _of_kind(*kinds: Kind) -> dict[str, AwardField]:
    return {f.name: f for f in award_fields() if f.kind in kinds}


# name → enumeration of the selects and of the groups of boxes (the DECP's values)
SELECTS = {n: f.values for n, f in _of_kind(Kind.choice).items() if f.values} | {
    f"{n}-type": f.values for n, f in _of_kind(Kind.place).items() if f.values
}
CHECKBOXES = {n: f.values for n, f in _of_kind(Kind.choices).items() if f.values}


def lot_inputs() -> list[AwardField]:
    """The fields of a lot given by one input (its holders are rows of their own)."""
    return [f for f in lot_fields() if f.kind in SINGLE]


def page_order() -> tuple[str, ...]:
    """The fields in the order the page shows them (its sections), for the error summary."""
    return tuple(name for f in award_fields() for name in f.form_names())


def options(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


# What the template shows of each field (templates/dossiers/award.html, macro ``field``).


@dataclass(frozen=True)
class Widget:
    """A field as one place of the form shows it: the whole contract's, or a lot's."""

    field: AwardField
    id: str  # the input's id and name (a place: its code's; its type's is ``type_id``)
    label: str
    help: str
    blank: str
    required: bool
    in_lot: bool

    @property
    def kind(self) -> str:
        return self.field.kind.value

    @property
    def type_id(self) -> str:
        return self.field.form_names()[-1]

    @property
    def type_label(self) -> str:
        return labels()[self.type_id]

    @property
    def code_label(self) -> str:
        return labels()[self.id]


def widget(f: AwardField, lotted: Any) -> Widget:
    """``f`` at the top of the form (``lotted``: the contract has lots)."""
    return Widget(
        f,
        f.form_names()[0],
        labels()[f.form_names()[0]],
        (f.help_lots if lotted and f.help_lots is not None else f.help),
        f.blank,
        f.required and not (bool(lotted) and f.per_lot is not PerLot.no),
        False,
    )


def lot_widget(f: AwardField, n: int) -> Widget:
    """``f`` in the form of lot ``n``."""
    return Widget(f, f"lots-{n}-{f.name}", f.lot_label, f.lot_help, f.lot_blank, False, True)


@dataclass
class Block:
    """Fields the page shows together: one, a row of them side by side, or a fold; or what
    the page says instead of a lot-by-lot field when the contract has lots (``note``)."""

    fields: list[AwardField]
    row: str = ""  # the fields' ``row``: side by side
    folded: str = ""  # the fold's summary
    note: str = ""


def _grouped(shown: list[AwardField | str], lot: bool) -> list[Block]:
    """``shown`` (fields, or notes) in blocks: the fields of a row, or of a fold, together."""
    blocks: list[Block] = []
    for f in shown:
        if isinstance(f, str):
            blocks.append(Block([], note=f))
            continue
        row, folded = (f.lot_row, "") if lot else (f.row, f.folded)
        last = blocks[-1] if blocks else None
        if last is not None and (row or folded) and (last.row, last.folded) == (row, folded):
            last.fields.append(f)
        else:
            blocks.append(Block([f], row=row, folded=folded))
    return blocks


def blocks(section: str, lotted: bool) -> list[Block]:
    """The fields of a section of the form, as the page groups them. A lot-by-lot field is in
    each lot's form when the contract has lots (the lots' own fields then), not at the top."""
    shown: list[AwardField | str] = []
    for f in award_fields():
        if f.section != section or (f.kind is Kind.lots and not lotted):
            continue
        if lotted and f.per_lot is PerLot.only:
            if f.lots_note:
                shown.append(f.lots_note)
            continue
        shown.append(f)
    return _grouped(shown, lot=False)


def lot_blocks(only: bool) -> list[Block]:
    """The fields of a lot's form: the lot's own (``only``, beside its holders), or those
    that are the contract's unless the lot gives its own (folded)."""
    wanted = PerLot.only if only else PerLot.own
    shown = [f for f in lot_inputs() if f.per_lot is wanted]
    return _grouped(list(shown), lot=True)


def lot_own_names(n: int) -> list[str]:
    """The names of lot ``n``'s fields that are the contract's unless the lot gives its own."""
    return [f"lots-{n}-{f.name}" for f in lot_inputs() if f.per_lot is PerLot.own]
