"""Whatever a facilitator's file or an award holds: every row is read or reported, never a crash."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from clauses.decp import Award, parse_award
from clauses.followup import read_statement
from clauses.library import load_library
from clauses.profile import ProfileError
from tests.conftest import AS_OF

LIBRARY = load_library()
HEADER = "lot;debut;fin;modalite;structure;heures;public;type_contrat;personnes;sortie_6_mois;justification"
cell = st.one_of(
    st.sampled_from(["", "1", "2", "9", "2027-04-01", "31/06/2027", "provision", "ETTI",
                     "direct_hiring", "non_imputable", "12,5", "1 200,5", "-3", "nan", "rsa",
                     "cdd", "employment", "Chantier arrêté"]),
    st.text(max_size=12),
)  # fmt: skip
rows = st.lists(st.lists(cell, min_size=0, max_size=13), max_size=12)


def escape(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@settings(max_examples=150, deadline=None)
@given(rows)
def test_every_data_row_is_read_or_reported(table: list[list[str]]) -> None:
    lines = [";".join(escape(c) for c in row) for row in table]
    statement = read_statement(
        "\n".join([HEADER, *lines]).encode(), LIBRARY.followup, lots=2, today=AS_OF
    )
    read = len(statement.followup.records) + len(statement.followup.non_imputable)
    reported = {e.line for e in statement.errors if e.line > 1}
    assert read + len(reported) == statement.rows
    assert all(e.message for e in statement.errors)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_statement(data: bytes) -> None:
    statement = read_statement(data, LIBRARY.followup, lots=0, today=AS_OF)
    assert statement.rows >= 0


values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
keys = st.sampled_from(sorted(Award.model_fields))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, values, max_size=5))
def test_any_award_is_parsed_or_named(data: dict[str, Any]) -> None:
    try:
        parse_award(data)
    except ProfileError as exc:
        assert exc.errors and all(e.field.startswith("award") and e.message for e in exc.errors)
