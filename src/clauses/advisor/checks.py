"""``clauses check-library``: the library's own review (:mod:`clauses.library.check`) and what
the library must hold for the advisor's code — the notes it cites, the fields it reads only in
some cases, the trades it never reserves. These live beside the advisor so that the library
does not import the code that reads it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from clauses.advisor.reads import (
    CONDITIONAL,
    DISABILITY_STRUCTURES,
    INSERTION_STRUCTURES,
    PRISON_STRUCTURES,
)
from clauses.advisor.rules.hours_clause import CRITERION_NOTES
from clauses.library.check import default_cpv_file, read_cpv_codes, review
from clauses.library.loader import Library, LibraryError, load_library
from clauses.library.models import MechanismId

# The structures that take reserved contracts (ETTI, AI and GEIQ help fulfil hours clauses).
RESERVING = {s.value for s in INSERTION_STRUCTURES | DISABILITY_STRUCTURES | PRISON_STRUCTURES}


def check_library(
    root: Path | None = None, *, today: dt.date | None = None, cpv_file: Path | None = None
) -> list[str]:
    """Every problem found, as « file : field : message » lines; [] when the library is sound.

    CPV codes are checked against the nomenclature when its file is present."""
    try:
        library = load_library(root)
    except LibraryError as exc:
        return exc.problems
    codes = read_cpv_codes(cpv_file or default_cpv_file())
    return [*review(library, today or dt.date.today(), codes), *review_for_advisor(library)]


def review_for_advisor(library: Library) -> Iterator[str]:
    """What the advisor's code expects of the library."""
    files = library.source_files
    yield from _criterion_notes(
        library, files[f"mechanisms/{MechanismId.insertion_criterion}.yaml"]
    )
    yield from _conditional_questions(library, files["questionnaire.yaml"])
    yield from _never_reserved(library, files["sizing.yaml"])


def _criterion_notes(library: Library, path: Path) -> Iterator[str]:
    mechanism = library.mechanisms[MechanismId.insertion_criterion]
    for key in CRITERION_NOTES:
        if key not in mechanism.notes:
            yield f"{path} : notes : « {key} », cité par l’assistant, est manquant"


def _conditional_questions(library: Library, path: Path) -> Iterator[str]:
    for i, step in enumerate(library.questionnaire.steps):
        for j, question in enumerate(step.questions):
            conditional = question.field in CONDITIONAL
            if conditional != (question.ask_when is not None):
                rule = (
                    "l’assistant ne lit ce champ que dans certains cas : ajoutez ask_when"
                    if conditional
                    else "l’assistant lit ce champ pour tout marché : retirez ask_when"
                )
                yield f"{path} : steps[{i}].questions[{j}].ask_when : {rule}"
    for field in sorted(set(CONDITIONAL) - {q.field for q in library.questionnaire.questions}):
        yield f"{path} : steps : le champ « {field} », lu par l’assistant, n’est demandé par aucune question"


def _never_reserved(library: Library, sizing: Path) -> Iterator[str]:
    rules = library.planner
    for i, sector in enumerate(library.sizing.sectors):
        if sector.trade is None or rules.trade(sector.trade).reservable:
            continue
        taking = sorted(RESERVING & set(sector.typical_structures))
        if taking:
            yield (
                f"{sizing} : sectors[{i}].typical_structures : un métier « {sector.trade} » "
                f"n’est jamais réservé (planner.yaml) : retirez {', '.join(taking)}"
            )
