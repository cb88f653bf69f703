"""The follow-up forms of a contract (one line of hours, one « non imputable » case), read from a
submitted form into the core's :class:`~clauses.followup.FollowUp`, or the French message of
each field at fault, keyed by the field's id on the page.

The text typed is kept as typed (``values``), so that a refused form is shown again with it.
The checks are the core's: the models' (period, hours, justification) and
:func:`~clauses.followup.check_followup` (vocabularies, lots).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from clauses import inputs
from clauses.followup import (
    FollowUp,
    HoursRecord,
    NonImputable,
    OrderedAmount,
    PeopleCount,
    check_followup,
)
from clauses.library.models import StructureKind
from clauses.library.reporting import FollowupVocabularies
from clauses.profile import describe_errors
from clauses.questionnaire.wizard import form_text, parse_number

PEOPLE_ROWS = 2  # rows of people counts shown at first (« Ajouter une ligne » adds one)
MAX_PEOPLE_ROWS = 20
PEOPLE_CELLS = ("public", "contract_type", "count", "outcome")
NON_IMPUTABLE = "ni-"  # the prefix of the « non imputable » form's fields
ORDERS = "oa-"  # the prefix of the framework agreement's « montant commandé » form (issue 22)

LABELS = {
    "lot": "Lot",
    "period_start": "Début de la période",
    "period_end": "Fin de la période",
    "way": "Modalité de réalisation",
    "structure": "Structure",
    "hours": "Heures réalisées",
    "public": "Public",
    "contract_type": "Type de contrat",
    "count": "Nombre de personnes",
    "outcome": "Situation six mois après",
    "justification": "Justification",
}
NI_LABELS = {"hours": "Heures non imputables"}
ORDER_LABELS = {"amount_eur": "Montant HT commandé ou facturé", "basis": "Commandé ou facturé"}
FORM_ORDER = (
    "lot", "period_start", "period_end", "way", "structure", "hours", "justification",
    "amount_eur", "basis",
)  # fmt: skip


def label_of(field_id: str) -> str:
    """« people-1-public » → « Personnes, ligne 2 : Public »; « ni-hours » → its label."""
    if field_id.startswith(ORDERS):
        name = field_id.removeprefix(ORDERS)
        return ORDER_LABELS.get(name, LABELS.get(name, name))
    if field_id.startswith(NON_IMPUTABLE):
        name = field_id.removeprefix(NON_IMPUTABLE)
        return NI_LABELS.get(name, LABELS.get(name, name))
    if field_id.startswith("people-"):
        _, index, name = field_id.split("-", 2)
        return f"Personnes, ligne {int(index) + 1} : {LABELS.get(name, name)}"
    return LABELS.get(field_id, field_id)


@dataclass
class Entry:
    """A form as read: the follow-up it gives (None when some field is at fault), the typed
    values, and the errors by field id (in the order of the form)."""

    values: dict[str, str]
    people_rows: int = PEOPLE_ROWS
    errors: dict[str, str] = field(default_factory=dict)
    followup: FollowUp | None = None

    @property
    def items(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for the error summary, in the order of the form."""
        return [(key, label_of(key), self.errors[key]) for key in sorted(self.errors, key=_rank)]


def _rank(field_id: str) -> tuple[int, int, int]:
    name = field_id.removeprefix(NON_IMPUTABLE).removeprefix(ORDERS)
    if name.startswith("people-"):
        _, index, cell = name.split("-", 2)
        return (len(FORM_ORDER), int(index), PEOPLE_CELLS.index(cell))
    return (FORM_ORDER.index(name) if name in FORM_ORDER else len(FORM_ORDER), 0, 0)


class _Reader:
    def __init__(self, form: Mapping[str, Any], today: dt.date, prefix: str = "") -> None:
        self.form = form
        self.today = today
        self.prefix = prefix
        self.values: dict[str, str] = {}
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        value = form_text(self.form.get(self.prefix + name))
        self.values[self.prefix + name] = value
        return value

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(self.prefix + name, message)

    def given(self, name: str, required: bool = True) -> str:
        """The field's text; empty, and required, it is marked « obligatoire »."""
        text = self.text(name)
        if not text and required:
            self.fail(name, "obligatoire")
        return text

    def date(self, name: str, required: bool = True) -> dt.date | None:
        text = self.given(name, required)
        if not text:
            return None
        day = inputs.date(text)
        if day is None:
            self.fail(name, "date attendue (JJ/MM/AAAA)")
            return None
        reason = inputs.implausible(day, self.today)
        if reason:
            self.fail(name, reason)
            return None
        return day

    def number(self, name: str) -> float | None:
        text = self.given(name)
        if not text:
            return None
        try:
            value = parse_number(text)
        except ValueError:
            self.fail(name, "nombre attendu (ex. 12,5)")
            return None
        if value < 0:
            self.fail(name, "nombre positif attendu")
            return None
        return value

    def integer(self, name: str, required: bool) -> int | None:
        text = self.given(name, required)
        if not text:
            return None
        number = inputs.integer(text)
        if number is None:
            self.fail(name, "nombre entier attendu")
        return number

    def lot(self, lots: int) -> int | None:
        return self.integer("lot", required=lots > 0) if lots else None

    def period(self, required: bool = True) -> tuple[dt.date | None, dt.date | None]:
        """``period_start`` and ``period_end``, the end not before the start."""
        start, end = self.date("period_start", required), self.date("period_end", required)
        if start and end and end < start:
            self.fail("period_end", "la fin de la période précède son début")
        return start, end


def _check_draft(
    entry: Entry, draft: FollowUp, vocabularies: FollowupVocabularies, lots: int, prefix: str
) -> None:
    """The core's checks (lot, vocabularies) of a line read, each on its field of the form."""
    for problem in check_followup(draft, vocabularies, lots):
        entry.errors.setdefault(prefix + problem.field.split(".")[-1], problem.message)


def _built(
    entry: Entry, build: Callable[[], FollowUp], prefix: str, shown: Collection[str], other: str
) -> Entry:
    """The line built by its model (``entry.followup``), or each of the model's errors on its
    field of the form (``other`` for a field the form does not show)."""
    try:
        entry.followup = build()
    except ValidationError as exc:
        for error in describe_errors(exc):
            name = error.field.split(".")[-1]
            message = error.message.split(" (")[0]
            entry.errors.setdefault(prefix + (name if name in shown else other), message)
    return entry


def _people_rows(form: Mapping[str, Any]) -> int:
    rows = inputs.integer(form.get("people-rows")) or PEOPLE_ROWS
    return max(1, min(rows, MAX_PEOPLE_ROWS))


def read_hours(
    form: Mapping[str, Any], vocabularies: FollowupVocabularies, lots: int, today: dt.date
) -> Entry:
    """One line of hours performed, with its people counts (rows left empty are ignored); its
    period plausible on ``today`` (:func:`clauses.inputs.implausible`)."""
    reader = _Reader(form, today)
    rows = _people_rows(form)
    lot = reader.lot(lots)
    start, end = reader.period()
    way = reader.given("way")
    structure_text = reader.text("structure")
    structure = None
    if structure_text:
        try:
            structure = StructureKind(structure_text)
        except ValueError:
            reader.fail("structure", "structure inconnue")
    hours = reader.number("hours")
    people: list[tuple[int, PeopleCount]] = []
    for i in range(rows):
        cells = {name: reader.text(f"people-{i}-{name}") for name in PEOPLE_CELLS}
        if not any(cells[name] for name in ("public", "contract_type", "count")):
            if cells["outcome"]:
                reader.fail(f"people-{i}-public", "obligatoire quand une situation est indiquée")
            continue
        for name in ("public", "contract_type"):
            if not cells[name]:
                reader.fail(f"people-{i}-{name}", "obligatoire quand des personnes sont indiquées")
        count = reader.integer(f"people-{i}-count", required=True)
        if count == 0:
            reader.fail(f"people-{i}-count", "au moins une personne")
        if all(cells[name] for name in ("public", "contract_type")) and count:
            try:
                counted = PeopleCount(
                    public=cells["public"],
                    contract_type=cells["contract_type"],
                    count=count,
                    outcome=cells["outcome"] or None,
                )
            except ValidationError as exc:
                message = describe_errors(exc)[0].message.split(" (")[0]
                reader.fail(f"people-{i}-count", message)
                continue
            people.append((i, counted))
    entry = Entry(reader.values, rows, reader.errors)
    # The core's checks of the lot, the way, the structure and the people, on what was read
    # (even when another field is at fault: every error is shown at once).
    given = [p for _, p in people]
    draft = HoursRecord.model_construct(
        lot=lot,
        period_start=start or dt.date.min,
        period_end=end or dt.date.min,
        way=way,
        structure=structure,
        people=given,
        hours=hours or 0.0,
    )
    rows_given = [i for i, _ in people]
    for problem in check_followup(FollowUp.model_construct(records=[draft]), vocabularies, lots):
        parts = problem.field.split(".")  # records[1].way, records[1].people[2].public
        name = parts[-1]
        if len(parts) == 3:
            index = int(parts[1].split("[")[1].rstrip("]")) - 1
            name = f"people-{rows_given[index]}-{name}"
        if name != "way" or way:
            entry.errors.setdefault(name, problem.message)
    if entry.errors or start is None or end is None or hours is None:
        return entry
    return _built(
        entry,
        lambda: FollowUp(
            records=[HoursRecord(lot=lot, period_start=start, period_end=end, way=way,
                                 structure=structure, hours=hours, people=given)]
        ),
        "", LABELS, "period_end",
    )  # fmt: skip


def read_non_imputable(
    form: Mapping[str, Any], vocabularies: FollowupVocabularies, lots: int, today: dt.date
) -> Entry:
    """One case of hours not imputable to the holder, with its justification."""
    reader = _Reader(form, today, NON_IMPUTABLE)
    lot = reader.lot(lots)
    hours = reader.number("hours")
    if hours == 0:
        reader.fail("hours", "nombre d’heures supérieur à zéro attendu")
    justification = reader.text("justification")
    if len(justification) < 3:
        reader.fail("justification", "obligatoire : dites pourquoi ces heures ne sont pas dues")
    start, end = reader.period(required=False)
    entry = Entry(reader.values, errors=reader.errors)
    draft = NonImputable.model_construct(lot=lot, hours=hours or 0.0, justification=justification)
    _check_draft(
        entry, FollowUp.model_construct(non_imputable=[draft]), vocabularies, lots, NON_IMPUTABLE
    )
    if entry.errors or hours is None:
        return entry
    return _built(
        entry,
        lambda: FollowUp(
            non_imputable=[NonImputable(lot=lot, hours=hours, justification=justification,
                                        period_start=start, period_end=end)]
        ),
        NON_IMPUTABLE, LABELS, "hours",
    )  # fmt: skip


def read_orders(
    form: Mapping[str, Any], vocabularies: FollowupVocabularies, lots: int, today: dt.date
) -> Entry:
    """A framework agreement (issue 22): the amount HT ordered (or invoiced) on a lot over a
    period; the hours owed on it come from the CCAP's ratio."""
    reader = _Reader(form, today, ORDERS)
    lot = reader.lot(lots)
    start, end = reader.period()
    amount = reader.number("amount_eur")
    basis = reader.text("basis") or "ordered"
    if basis not in ("ordered", "invoiced"):
        reader.fail("basis", "choisissez « commandé » ou « facturé »")
    entry = Entry(reader.values, errors=reader.errors)
    day = start or today
    draft = OrderedAmount.model_construct(
        lot=lot, period_start=day, period_end=end or day, amount_eur=amount or 0.0
    )
    _check_draft(entry, FollowUp.model_construct(orders=[draft]), vocabularies, lots, ORDERS)
    if entry.errors or amount is None or start is None or end is None:
        return entry
    return _built(
        entry,
        lambda: FollowUp(
            orders=[OrderedAmount(lot=lot, period_start=start, period_end=end,
                                  amount_eur=amount, basis=basis)]
        ),
        ORDERS, FORM_ORDER, "amount_eur",
    )  # fmt: skip
