"""The wizard's logic, without HTTP: which questions to ask, how a step's form updates the saved
answers, and how the answers become a :class:`TenderProfile` (or French errors per field).

Answers are kept as typed (text per question, a list of texts per lot) so that nothing the buyer
entered is lost, even when it does not validate yet; they are converted only to build a profile.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clauses import french, inputs
from clauses.advisor.reads import Known, reads, why_not
from clauses.library import Library
from clauses.library.questionnaire import Question, QuestionKind, Step
from clauses.profile import (
    FIELD_LABELS,
    MAX_LOTS,
    Nature,
    ProfileError,
    TenderProfile,
    parse_profile,
)
from clauses.questionnaire.cpv import looks_like_words, normalise_code
from clauses.vocabulary import TITLE_MAX

Answers = dict[str, Any]
LOTS = "lots"
NUMBER_JUNK = re.compile(r"[\s\u00a0\u202f€%]|HT|ht")
BOOLEAN_VALUES = {"true": True, "false": False}
MAX_ANSWER = 10_000
NUMBER_EXPECTED = {
    QuestionKind.amount: "montant en euros attendu, en chiffres (par exemple 1\u00a0200\u00a0000)",
    QuestionKind.percent: "pourcentage attendu, en chiffres (par exemple 5 ou 12,5)",
    QuestionKind.number: "nombre attendu, en chiffres (par exemple 900)",
}
UNNAMED = "Nouveau dossier du "  # the title of a dossier created without one, and its date


def known(answers: Answers) -> Known:
    """What the answers so far say of the facts a question's relevance depends on."""
    nature = str(answers.get("nature") or "")
    return Known(
        nature=Nature(nature) if nature in set(Nature) else None,
        cpv=normalise_code(str(answers.get("cpv") or "")) or None,
        lot_cpvs=tuple(normalise_code(_text(lot.get("cpv"))) or None for lot in lots_of(answers)),
    )


def applies(question: Question, answers: Answers, library: Library) -> bool:
    """Whether the question can change the advice, given the answers so far: the advisor's own
    conditions (clauses.advisor.reads), never a copy of them."""
    if question.ask_when is None:
        return True
    return reads(question.field, known(answers), library)


def visible(step: Step, answers: Answers, library: Library) -> list[Question]:
    return [q for q in step.questions if applies(q, answers, library)]


def hidden(step: Step, answers: Answers, library: Library) -> list[tuple[Question, str]]:
    """The step's questions not asked, each with why (« elle ne concerne que … »)."""
    facts = known(answers)
    return [
        (q, why_not(q.field, facts, library))
        for q in step.questions
        if q.ask_when is not None and not applies(q, answers, library)
    ]


def lot_input(index: int, item: Question) -> str:
    """Form name and id of one lot's answer: ``lots-0-title``."""
    return f"{LOTS}-{index}-{item.field}"


def lots_of(answers: Answers) -> list[dict[str, str]]:
    value = answers.get(LOTS)
    return [dict(lot) for lot in value if isinstance(lot, dict)] if isinstance(value, list) else []


form_text = inputs.text  # the shared reader of a submitted text


def _text(value: Any) -> str:
    return form_text(value)[:MAX_ANSWER]


def read_step(step: Step, form: Mapping[str, Any], answers: Answers) -> Answers:
    """The answers updated with this step's submitted fields (absent fields keep their value)."""
    updated = dict(answers)
    for question in step.questions:
        if question.kind is QuestionKind.lots:
            count_raw = form.get(f"{LOTS}-count")
            if count_raw is None:
                continue
            count = inputs.integer(count_raw) or 0
            updated[LOTS] = [
                {item.field: _text(form.get(lot_input(i, item))) for item in question.items}
                for i in range(min(count, MAX_LOTS))
            ]
        elif question.id in form:
            updated[question.field] = _text(form.get(question.id))
    return updated


def add_lot(answers: Answers, step: Step) -> Answers:
    """One more empty lot, unless the profile's maximum is reached (the route then says so)."""
    lots = lots_of(answers)
    # Only the lots step adds a lot: an « add_lot » posted to another step changes nothing.
    question = next((q for q in step.questions if q.kind is QuestionKind.lots), None)
    if question is None or len(lots) >= MAX_LOTS:
        return answers
    return {**answers, LOTS: [*lots, {i.field: "" for i in question.items}]}


def remove_lot(answers: Answers, index: int) -> Answers:
    lots = lots_of(answers)
    if 0 <= index < len(lots):
        del lots[index]
    return {**answers, LOTS: lots}


def title_after(title: str, before: Answers, after: Answers) -> str | None:
    """The dossier's new title when the objet du marché changed and still names the dossier
    (the dossier was not named, or named after the objet); None to keep the title."""
    objet = _text(after.get("title"))[:TITLE_MAX]
    previous = _text(before.get("title"))[:TITLE_MAX]
    if not objet or objet in (previous, title):
        return None
    return objet if title.startswith(UNNAMED) or title == previous else None


def lot_is_empty(lot: Mapping[str, Any]) -> bool:
    """A lot added and left blank: ignored by the advice rather than blocking it."""
    return not any(_text(value) for value in lot.values())


def lots_total(answers: Answers) -> float | None:
    """The sum of the lots' amounts as typed (None without a readable amount on every lot)."""
    amounts = []
    for lot in lots_of(answers):
        if lot_is_empty(lot):
            continue
        try:
            amounts.append(parse_number(_text(lot.get("estimated_amount_eur"))))
        except ValueError:
            return None
    return sum(amounts) if amounts else None


@dataclass
class Conversion:
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # form id → French message
    # The answers' index of each lot given to the profile (empty lots are left out).
    lot_positions: list[int] = field(default_factory=list)


def parse_number(text: str) -> float:
    """« 1 000 000 », « 1000000,50 », « 12.5 % » → a float; ValueError otherwise."""
    return inputs.decimal(NUMBER_JUNK.sub("", text).replace(",", "."))


def convert(question: Question, raw: str) -> Any:
    """One typed value from the text typed; ValueError with a French message when impossible."""
    kind = question.kind
    if kind is QuestionKind.boolean:
        if raw not in BOOLEAN_VALUES:
            raise ValueError("choisissez oui ou non")
        return BOOLEAN_VALUES[raw]
    if kind in (QuestionKind.amount, QuestionKind.number, QuestionKind.percent):
        try:
            number = parse_number(raw)
        except ValueError:
            raise ValueError(NUMBER_EXPECTED[kind]) from None
        return number / 100 if kind is QuestionKind.percent else number
    if kind is QuestionKind.integer:
        try:
            number = parse_number(raw)
        except ValueError:
            raise ValueError("nombre entier attendu") from None
        if number != int(number):
            raise ValueError("nombre entier attendu")
        return int(number)
    if kind is QuestionKind.date:
        day = inputs.date(raw)
        if day is None:
            raise ValueError("date attendue (JJ/MM/AAAA)")
        return day.isoformat()
    if kind is QuestionKind.cpv:
        if looks_like_words(raw):
            raise ValueError(
                f"{french.quote(raw[:60])} n’est pas un code : choisissez un des codes trouvés"
            )
        return normalise_code(raw)
    return raw


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, name = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[name] = value


def _error_id(loc: str, lot_positions: list[int]) -> str:
    """A profile error's field (``lots[2].title``, ``local_offer.insertion``) → its form id."""
    match = re.fullmatch(r"lots\[(\d+)\]\.(\w+)", loc)
    if match:
        position = int(match[1]) - 1
        index = lot_positions[position] if position < len(lot_positions) else position
        return f"{LOTS}-{index}-{match[2]}"
    return loc.replace(".", "__")


def to_profile_data(answers: Answers, library: Library) -> Conversion:
    """The profile dict of the questions that apply, and the answers that could not be read."""
    result = Conversion()
    for question in library.questionnaire.questions:
        if not applies(question, answers, library):
            continue
        if question.kind is QuestionKind.lots:
            lots = []
            for i, lot in enumerate(lots_of(answers)):
                if lot_is_empty(lot):
                    continue
                result.lot_positions.append(i)
                typed: dict[str, Any] = {}
                for item in question.items:
                    raw = _text(lot.get(item.field))
                    if not raw:
                        continue
                    try:
                        typed[item.field] = convert(item, raw)
                    except ValueError as exc:
                        result.errors[lot_input(i, item)] = f"{exc} ({item.label.lower()})"
                lots.append(typed)
            if lots:
                result.data[LOTS] = lots
            continue
        raw = _text(answers.get(question.field))
        if not raw:
            continue
        try:
            _put(result.data, question.field, convert(question, raw))
        except ValueError as exc:
            label = FIELD_LABELS.get(question.field.split(".")[-1], question.label.lower())
            result.errors[question.id] = f"{exc} ({label})"
    return result


@dataclass
class Outcome:
    profile: TenderProfile | None
    errors: dict[str, str]  # form id → French message


def build_profile(answers: Answers, library: Library) -> Outcome:
    conversion = to_profile_data(answers, library)
    try:
        profile = parse_profile(conversion.data)
    except ProfileError as exc:
        errors = dict(conversion.errors)
        for error in exc.errors:
            errors.setdefault(_error_id(error.field, conversion.lot_positions), error.message)
        return Outcome(None, errors)
    if conversion.errors:
        return Outcome(None, conversion.errors)
    return Outcome(profile, {})


def step_errors(step: Step, errors: Mapping[str, str]) -> dict[str, str]:
    """The errors that belong to this step's questions (lots included)."""
    ids = {q.id for q in step.questions}
    return {
        k: v
        for k, v in errors.items()
        if k in ids or (LOTS in ids and (k.startswith(f"{LOTS}-") or k == LOTS))
    }


def answered(step: Step, answers: Answers) -> bool:
    return any(
        lots_of(answers) if q.kind is QuestionKind.lots else _text(answers.get(q.field))
        for q in step.questions
    )


def display(question: Question, raw: str) -> str:
    """How an answer reads on the review page (choice labels instead of values)."""
    if not raw:
        return ""
    if question.kind is QuestionKind.boolean:
        return {"true": "oui", "false": "non"}.get(raw, raw)
    if question.kind is QuestionKind.date:
        try:
            return french.date(dt.date.fromisoformat(raw))
        except ValueError:
            return raw
    if question.choices:
        return next((c.label for c in question.choices if c.value == raw), raw)
    if question.unit:
        return f"{raw}\u00a0{question.unit}"
    return raw
