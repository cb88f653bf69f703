"""SPASER figures of Région Alpha for 2027, against the figures computed by hand
(tests/spaser/fixtures.py; tests/store/test_reports.py checks them from a database)."""

from __future__ import annotations

from clauses.library import Library
from clauses.library.models import ObligationId
from clauses.spaser import indicators
from tests.spaser.fixtures import (
    REGION,
    assert_alpha_2026_and_beta_2027,
    assert_alpha_2027,
    records,
)


def test_the_fixture_is_what_the_hand_computation_assumes(library: Library) -> None:
    applies = {
        r.label: any(
            o.applies
            for o in r.advice.obligations
            if o.id is ObligationId.social_consideration_above_eu_threshold
        )
        for r in records(library)
    }
    assert applies["Lycée"] and applies["Nettoyage"] and applies["Ordinateurs"]
    assert not applies["Toiture"]


def test_hand_computed_figures(library: Library) -> None:
    assert_alpha_2027(indicators(records(library), REGION, 2027, library))


def test_another_year_and_another_organisation(library: Library) -> None:
    assert_alpha_2026_and_beta_2027(
        indicators(records(library), REGION, 2026, library),
        indicators(records(library), "Région Bêta", 2027, library),
    )
