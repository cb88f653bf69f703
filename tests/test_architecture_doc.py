"""docs/architecture.md stays true: every file or folder it names exists (a module moved or
renamed without the page following fails here)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "architecture.md"
# A path between backquotes: no space, and a slash or a known file ending.
PATH = re.compile(r"`([\w./-]+(?:/|\.py|\.yaml|\.md|\.sh|\.html))`")


def named_paths(text: str) -> list[str]:
    return list(dict.fromkeys(PATH.findall(text)))


def test_the_page_names_the_places_of_the_seven_finds() -> None:
    names = named_paths(PAGE.read_text(encoding="utf-8"))
    for place in (
        "clause_library/thresholds.yaml",  # thresholds
        "clause_library/mechanisms/insertion_clause.yaml",  # CCAP wording
        "src/clauses/advisor/rules/reservations.py",  # reservation rule
        "src/clauses/drafting/styles.py",  # DOCX styling
        "src/clauses/web/access.py",  # route right
        "clause_library/questionnaire.yaml",  # wizard question
        "src/clauses/decp/fields.py",  # DECP field
    ):
        assert place in names, place


def test_every_path_the_page_names_exists() -> None:
    names = named_paths(PAGE.read_text(encoding="utf-8"))
    assert len(names) > 20  # the pattern reads the page
    missing = [name for name in names if not (ROOT / name).exists()]
    assert missing == [], missing


def test_a_missing_path_is_caught() -> None:
    assert named_paths("voir `src/clauses/nowhere.py` et `clauses check-library`") == [
        "src/clauses/nowhere.py"
    ]
    assert not (ROOT / "src/clauses/nowhere.py").exists()
