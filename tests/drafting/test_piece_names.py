"""The DCE pieces of the zip are named in French (issue 23 found « annexe-insertion-commitment »)."""

from __future__ import annotations

from clauses.drafting.pieces import ANNEX_FILES
from clauses.library import Library


def test_every_annex_of_the_library_has_a_french_file_name(library: Library) -> None:
    annexes = {
        clause.id
        for mechanism in library.mechanisms.values()
        for clause in mechanism.clauses
        if clause.id.startswith("annex_")
    }
    assert annexes, "the library holds annexes"
    assert annexes <= set(ANNEX_FILES), sorted(annexes - set(ANNEX_FILES))
    english = {"commitment", "follow", "up", "memo", "outline"}
    for name in ANNEX_FILES.values():
        assert not english & set(name.split("-")), name
        assert name == name.lower() and name.isascii(), name
