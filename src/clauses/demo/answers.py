"""The examples (``examples/*.yaml`` and their awards, ``examples/award/``) as the wizard's
answers: typed as a buyer types them, and read back by the wizard into the example's profile
(:func:`tender`)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from clauses import french
from clauses.advisor import advise
from clauses.advisor.model import Advice
from clauses.decp.resolve import resolve_strategy
from clauses.demo import SeedError
from clauses.library import Library
from clauses.library.questionnaire import Question, QuestionKind
from clauses.lifecycle import publish
from clauses.profile import TenderProfile, parse_profile
from clauses.questionnaire.wizard import applies, build_profile  # the wizard's logic (no HTTP)
from clauses.strategy import ResolvedStrategy

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@dataclass(frozen=True)
class Example:
    name: str
    data: dict[str, Any]  # the profile as written in examples/NAME.yaml
    award: dict[str, Any]  # examples/award/NAME.yaml's ``award``


def examples(folder: Path = EXAMPLES) -> list[Example]:
    """Every example that has an award file."""
    out = []
    for path in sorted((folder / "award").glob("*.yaml")):
        data = yaml.safe_load((folder / path.name).read_text("utf-8"))
        award = yaml.safe_load(path.read_text("utf-8"))["award"]
        out.append(Example(path.stem, data, award))
    return out


def _typed(question: Question, value: Any) -> str:
    """A profile value as a buyer types it in the wizard (« 1 800 000 », « 5 », « 14/09/2026 »)."""
    kind = question.kind
    if value is None:
        return ""
    if kind is QuestionKind.boolean:
        return "true" if value else "false"
    if kind is QuestionKind.percent:
        return french.number(float(value) * 100, 6)
    if kind in (QuestionKind.amount, QuestionKind.number, QuestionKind.integer):
        return french.number(float(value), 6)
    if kind is QuestionKind.date:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    return str(value)


def _dotted(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def answers_of(data: dict[str, Any], library: Library) -> dict[str, Any]:
    """The wizard's answers that give this profile: every question of the questionnaire the
    wizard asks (those that can change the advice, given the answers), typed."""
    answers: dict[str, Any] = {}
    for question in library.questionnaire.questions:
        value = _dotted(data, question.field)
        if question.ask_when is not None:
            continue  # asked below, once the answers it depends on are known
        if question.kind is QuestionKind.lots:
            if value:
                answers["lots"] = [
                    {item.field: _typed(item, lot.get(item.field)) for item in question.items}
                    for lot in value
                ]
        elif value is not None:
            answers[question.field] = _typed(question, value)
    for question in library.questionnaire.questions:
        value = _dotted(data, question.field)
        if (
            question.ask_when is not None
            and value is not None
            and applies(question, answers, library)
        ):
            answers[question.field] = _typed(question, value)
    return answers


def _asked(data: dict[str, Any], answers: dict[str, Any], library: Library) -> dict[str, Any]:
    """The profile without the answers the wizard does not ask (they cannot change the advice)."""
    kept = copy.deepcopy(data)
    for question in library.questionnaire.questions:
        if question.ask_when is not None and not applies(question, answers, library):
            *parents, name = question.field.split(".")
            holder: Any = kept
            for part in parents:
                holder = holder.get(part, {}) if isinstance(holder, dict) else {}
            if isinstance(holder, dict):
                holder.pop(name, None)
    return kept


@dataclass(frozen=True)
class Tender:
    """An example planned for a launch date: the answers, and what the wizard makes of them."""

    example: Example
    answers: dict[str, Any]
    profile: TenderProfile
    advice: Advice
    strategy: ResolvedStrategy
    snapshot: dict[str, Any]  # Published.to_json(), its publication_date set per dossier


def tender(example: Example, launch: dt.date, library: Library, as_of: dt.date) -> Tender:
    """The example launched on that date, through the wizard: its answers must read back into
    the example's profile (:class:`SeedError` otherwise)."""
    data = {**example.data, "launch_date": launch.isoformat()}
    answers = answers_of(data, library)
    outcome = build_profile(answers, library)
    if outcome.profile is None or outcome.profile != parse_profile(_asked(data, answers, library)):
        raise SeedError(
            f"l’exemple {example.name} ne se relit pas par l’assistant : {outcome.errors}"
        )
    profile = outcome.profile
    advice = advise(profile, library, min(launch, as_of))
    strategy = resolve_strategy(profile, advice, library, None)
    published = publish(profile, advice, strategy, library, min(launch, as_of), as_of)
    return Tender(example, answers, profile, advice, strategy, published.to_json())
