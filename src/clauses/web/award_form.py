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
parsed, pre-filled from a stored award, named in the errors, placed on the page
(:func:`blocks`, :func:`widget`) and shown by the template's one macro ``field``. Nothing here
lists the award's fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from starlette.datastructures import FormData, UploadFile

from clauses import french, inputs
from clauses.advisor.model import Regime
from clauses.decp.enums import (
    CCAG_BY_NATURE,
    Ccag,
    ContractNature,
    Environmental,
    ExecutionModality,
    Grouping,
    HolderIdType,
    PlaceType,
    PriceForm,
    PriceType,
    Procedure,
    Technique,
)
from clauses.decp.fields import (
    SECTIONS,
    AwardField,
    Kind,
    PerLot,
    Section,
    award_fields,
    field_named,
    lot_fields,
)
from clauses.lifecycle import Published
from clauses.profile import AgreementKind, FieldError, TenderProfile
from clauses.questionnaire.wizard import form_text, parse_number

__all__ = [
    "CCAG_BY_NATURE",
    "SECTIONS",
    "Ccag",
    "ContractNature",
    "Environmental",
    "ExecutionModality",
    "Grouping",
    "HolderIdType",
    "PlaceType",
    "PriceForm",
    "PriceType",
    "Procedure",
    "Section",
    "Technique",
    "field_named",
]

MAX_HOLDERS = 20  # rows of holders a form shows (DECP takes up to 100: a file can give more)
# Rows of holders shown at least: the members of a group are typed in the same submission (the
# rows after the first are folded under « Autres membres d’un groupement »; blank rows are
# left out of the data).
SHOWN_HOLDERS = 3
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


def _lot_inputs() -> list[AwardField]:
    """The fields of a lot given by one input (its holders are rows of their own)."""
    return [f for f in lot_fields() if f.kind in SINGLE]


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
        for f in _lot_inputs():
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
            for f in _lot_inputs():
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
        for f in _lot_inputs():
            if f.kind is Kind.date:
                dated.append((f"award.lots[{i}].{f.name}", lot.get(f.name)))
    errors = []
    for name, value in dated:
        day = inputs.date(value) if isinstance(value, str) else None
        reason = None if day is None else inputs.implausible(day, today)
        if reason:
            errors.append(FieldError(name, reason))
    return errors


@dataclass
class Layout:
    """How the award data maps back to the form: which lot and which holder row each entry of
    ``award.lots`` and ``…holders`` comes from (empty rows are left out of the data)."""

    lots: list[int] = field(default_factory=list)  # award.lots[i] → the lot's number
    no_lot_given: bool = False  # a lotted form with every lot blank (lot 1 checked for them)
    holders: dict[str, list[int]] = field(default_factory=dict)  # prefix → rows kept


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
            for f in _lot_inputs():
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


@dataclass
class ErrorItem:
    id: str  # the field's id in the form ("" : the form as a whole)
    label: str
    message: str


LIST_ENTRY = re.compile(r"^(lots|holders)\[(\d+)\]")


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
    match = re.match(r"^lots-(\d+)-(.*)$", name)
    lot = ""
    if match:
        lot, name = f"Lot {match[1]}", match[2]
    holder = re.match(r"^holders-(\d+)-(.*)$", name)
    if holder:
        text = f"titulaire {holder[1]}, {HOLDER_LABELS.get(holder[2], holder[2])}"
        return f"{lot}, {text}" if lot else text[0].upper() + text[1:]
    if lot:
        summary = {f.name: f.lot_summary for f in lot_fields()}
        return f"{lot}, {summary.get(name, name)}"
    return labels().get(name, name)


def page_order() -> tuple[str, ...]:
    """The fields in the order the page shows them (its sections), for the error summary."""
    return tuple(name for f in award_fields() for name in f.form_names())


HOLDER_ROW = re.compile(r"^holders-(\d+)-(.*)$")


def page_position(name: str) -> tuple[int, int, int, int, int]:
    """Where a field is on the page (a field no form gives: after all of them)."""
    lot, rest = 0, name
    match = re.match(r"^lots-(\d+)-(.*)$", name)
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


# What the dossier tells of the award (:func:`prefill`).

PROCEDURE_OF_REGIME = {
    Regime.no_procedure: Procedure.no_publicity,
    Regime.adapted: Procedure.adapted,
    Regime.formalised: Procedure.open,
}
REGIME_WORDS = {
    Regime.no_procedure: "marché dispensé de procédure",
    Regime.adapted: "procédure adaptée",
    Regime.formalised: "procédure formalisée",
}
ENVIRONMENTAL_OBLIGATIONS = {
    "environmental_execution_condition": Environmental.clause,
    "environmental_award_criterion": Environmental.criterion,
}
NATURE_WORDS = {"works": "travaux", "supplies": "fournitures", "services": "services"}
NBSP = french.NBSP


@dataclass
class Prefill:
    """The values the dossier and its organisation suggest for a new award, and where each
    comes from (form name → a French sentence the page shows beside the field)."""

    values: Values = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def put(self, name: str, value: Any, source: str) -> None:
        self.values[name] = value
        self.sources[name] = source


def prefill(
    published: Published, organisation: str | None, organisation_siret: str | None
) -> Prefill:
    """What the published tender and the organisation know of the award: the buyer's SIRET,
    the procedure its regime suggests, the techniques and modalities (an ordinary contract, or
    the framework agreement the wizard recorded),
    the place (its region), the CCAG of its nature, the environmental considerations its
    obligations require. Suggestions the buyer may change; nothing of the award's outcome
    (holders, amounts, dates, offers) is guessed."""
    profile, advice = published.profile, published.advice
    found = Prefill()
    if organisation_siret:
        found.put(
            "buyer_siret",
            organisation_siret,
            f"SIRET enregistré pour votre organisation «{NBSP}{organisation}{NBSP}».",
        )
    procedure = advice.procedure
    threshold = (
        f"sous le seuil de dispense de {french.eur(procedure.no_procedure_threshold_eur)} HT"
        if procedure.regime is Regime.no_procedure
        else f"seuil européen de {french.eur(procedure.eu_threshold_eur)} HT"
    )
    found.put(
        "procedure",
        PROCEDURE_OF_REGIME[procedure.regime].value,
        f"Suggérée par le régime que l’avis a calculé{NBSP}: {REGIME_WORDS[procedure.regime]} "
        f"({threshold}). À changer si la procédure suivie a été une autre (appel d’offres "
        "restreint, négociation…).",
    )
    agreement = profile.agreement
    if agreement is not None:  # a framework agreement (issue 22), as the wizard recorded it
        orders = agreement.kind is AgreementKind.purchase_orders
        way = "à bons de commande" if orders else "à marchés subséquents"
        said = f"Le dossier décrit un accord-cadre {way}{NBSP}: à changer si ce n’est plus le cas."
        found.put("techniques", [Technique.framework.value], said)
        modality = ExecutionModality.orders if orders else ExecutionModality.subsequent
        found.put("execution_modalities", [modality.value], said)
    else:
        ordinary = (
            f"Le dossier décrit un marché ordinaire (ni accord-cadre, ni tranches){NBSP}: à "
            "changer si la consultation en a prévu."
        )
        found.put("techniques", [Technique.none.value], ordinary)
        found.put("execution_modalities", [ExecutionModality.none.value], ordinary)
    found.put(
        "ccag",
        CCAG_BY_NATURE[profile.nature].value,
        f"Celui de la nature du dossier ({NATURE_WORDS[profile.nature.value]}).",
    )
    if profile.region_code:
        found.put(
            "place-code", profile.region_code, f"Région du dossier (code {profile.region_code})."
        )
        found.put(
            "place-type",
            PlaceType.region.value,
            f"Région du dossier{NBSP}: précisez le département ou la commune si vous les "
            "connaissez.",
        )
    considerations = [
        ENVIRONMENTAL_OBLIGATIONS[o.id].value
        for o in advice.obligations
        if o.applies and o.id in ENVIRONMENTAL_OBLIGATIONS
    ]
    if considerations:
        bases = ", ".join(
            basis
            for o in advice.obligations
            if o.applies and o.id in ENVIRONMENTAL_OBLIGATIONS
            for basis in o.legal_basis
        )
        found.put(
            "environmental_considerations",
            [v.value for v in Environmental if v.value in considerations],
            f"Obligations que l’avis applique à cette consultation ({bases}).",
        )
    return found


def suggested(values: Values, found: Prefill) -> Values:
    """``values`` with each empty field given the dossier's suggestion."""
    return values | {name: v for name, v in found.values.items() if not values.get(name)}


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
    shown = [f for f in _lot_inputs() if f.per_lot is wanted]
    return _grouped(list(shown), lot=True)


def lot_own_names(n: int) -> list[str]:
    """The names of lot ``n``'s fields that are the contract's unless the lot gives its own."""
    return [f"lots-{n}-{f.name}" for f in _lot_inputs() if f.per_lot is PerLot.own]
