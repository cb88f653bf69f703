"""Golden outlines of the drafts of the example tenders (`examples/NAME.outline.txt`).

Each golden file holds the document's headings in order, read back from the .docx, then its key
figures: insertion hours (total and per lot), DECP values, the sheets attached and the references
cited. Every figure is also checked to appear in the document itself.

Regenerate after a deliberate change with `UPDATE_GOLDEN=1 pytest tests/drafting/test_golden.py`,
then read the diff before keeping it.
"""

import os
from pathlib import Path

import pytest

from clauses import french
from clauses.drafting import Draft
from clauses.library import Library
from clauses.profile import load_profile
from tests.conftest import AS_OF, EXAMPLES
from tests.drafting.helpers import full_text, make_draft, outline, plain, reopen

PROFILES = sorted(EXAMPLES.glob("*.yaml"))


def figures(result: Draft) -> list[str]:
    """Key figures, each a line whose « | »-separated parts are also found in the document."""
    strategy = result.strategy
    lines = []
    if strategy.framework:  # an accord-cadre: each lot's ratio per 1 000 € HT ordered
        for line in strategy.hours:
            label = f"Lot n° {line.lot} : {line.title}" if line.lot else "Marché"
            ratio = french.number(line.hours_per_1000_eur or 0, 2)
            lines.append(f"{label} | {ratio}\u00a0h | {french.hours(line.hours)}")
    elif len(strategy.hours) > 1:
        lines.append(f"Total | {french.hours(strategy.total_hours)}")
    for line in [] if strategy.framework else strategy.hours:
        label = f"Lot n° {line.lot} : {line.title}" if line.lot else "Marché"
        lines.append(f"{label} | {french.hours(line.hours)}")
    lines.append("Données essentielles : | " + ", ".join(strategy.decp_social))
    lines.extend(attached.practice.title for attached in result.practices)
    return lines


def golden_text(result: Draft) -> str:
    document = reopen(result.content)
    lines = [f"{'#' * level} {plain(text)}" for level, text in outline(document)]
    lines.append("")
    lines.append("== chiffres clés")
    lines.extend(plain(line) for line in figures(result))
    references = document.tables[-1]
    lines.append("== références citées")
    lines.append(", ".join(row.cells[0].text for row in references.rows[1:]))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_example_draft_matches_golden_outline(path: Path, library: Library) -> None:
    result = make_draft(load_profile(path), library, AS_OF)
    produced = golden_text(result)
    golden = path.with_suffix(".outline.txt")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")
    text = plain(full_text(reopen(result.content)))
    for line in figures(result):
        for part in line.split(" | "):
            assert plain(part) in text, line


def test_every_example_has_a_golden_outline() -> None:
    assert len(PROFILES) >= 8
    for path in PROFILES:
        assert path.with_suffix(".outline.txt").is_file(), path
