"""Golden advice for the example tenders: `examples/NAME.advice.json` is the reviewed output.

Regenerate after a deliberate change with `UPDATE_GOLDEN=1 pytest tests/test_examples.py`,
then read the diff before committing it.
"""

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from clauses.advisor import advise
from clauses.library import Library
from clauses.library.questionnaire import Question, QuestionKind
from clauses.profile import load_profile
from clauses.questionnaire.wizard import build_profile
from tests.conftest import AS_OF, EXAMPLES

PROFILES = sorted(EXAMPLES.glob("*.yaml"))


def test_at_least_eight_examples() -> None:
    assert len(PROFILES) >= 8


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_example_advice_matches_golden(path: Path, library: Library) -> None:
    advice = advise(load_profile(path), library, AS_OF)
    produced = json.loads(advice.model_dump_json(exclude_none=True))
    golden = path.with_suffix(".advice.json")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(
            json.dumps(produced, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    assert produced == json.loads(golden.read_text(encoding="utf-8"))


def wizard_answers(data: dict[str, Any], library: Library) -> dict[str, Any]:
    """The answers a buyer would type in the wizard for this profile (percent as « 50 »)."""

    def typed(question: Question, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if question.kind is QuestionKind.percent:
            return f"{value * 100:g}"
        return str(value)

    answers: dict[str, Any] = {}
    for question in library.questionnaire.questions:
        *parents, name = question.field.split(".")
        holder: Any = data
        for part in parents:
            holder = holder.get(part, {})
        if name not in holder:
            continue
        if question.kind is QuestionKind.lots:
            items = {item.field: item for item in question.items}
            answers[name] = [
                {key: typed(items[key], value) for key, value in lot.items()}
                for lot in holder[name]
            ]
        else:
            answers[question.field] = typed(question, holder[name])
    return answers


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_wizard_gives_the_cli_advice(path: Path, library: Library) -> None:
    """Every example entered through the wizard's questions gives the advice of the CLI: the
    wizard asks what the rules read (clauses.advisor.reads), nothing the advice needs is hidden."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    asked = {q.field.split(".")[0] for q in library.questionnaire.questions}
    assert set(data) <= asked  # every fact of the example has its question
    outcome = build_profile(wizard_answers(data, library), library)
    assert outcome.errors == {} and outcome.profile is not None
    cli = advise(load_profile(path), library, AS_OF)
    assert advise(outcome.profile, library, AS_OF) == cli
