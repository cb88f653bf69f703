"""Hours owed, performed, not imputable, missing and the penalty, against hand-computed figures."""

from __future__ import annotations

import pytest

from clauses.followup import FollowUp, HoursRecord, NonImputable, balance, check_followup
from clauses.library import Library
from tests.followup import fixtures
from tests.followup.fixtures import Q1


def test_hand_computed_balance() -> None:
    result = balance(fixtures.followup(), fixtures.strategy(), fixtures.profile(), 1600)
    lot1, lot2 = result.lots
    # Lot 1: 1 000 owed − 120 not imputable − (400,5 + 250) performed = 229,5 missing × 50 €.
    assert (lot1.owed, lot1.deducted, lot1.performed, lot1.missing) == (1000, 120, 650.5, 229.5)
    assert lot1.penalty_eur == 11_475
    assert lot1.performed_share == pytest.approx(0.6505)
    # Lot 2: 300 − 50 − 320 < 0: nothing missing, and the extra 20 hours do not help lot 1.
    assert (lot2.owed, lot2.deducted, lot2.performed, lot2.missing) == (300, 50, 320, 0)
    assert lot2.penalty_eur == 0
    assert (result.owed, result.performed, result.deducted, result.missing) == (
        1300,
        970.5,
        170,
        229.5,
    )
    assert result.penalty_eur == 11_475
    assert result.by_way == {"direct_hiring": 400.5, "provision": 250, "subcontracting": 320}
    assert result.people_by_public == {"rsa": 2, "rqth": 1}
    assert result.people_by_contract_type == {"cdd": 2, "assignment": 1}
    assert result.outcomes == {"employment": 2}
    assert result.people == 3
    assert result.fte_performed == pytest.approx(970.5 / 1600)
    assert [(p.lot, p.period_start, p.hours) for p in result.by_period] == [
        (1, Q1[0], 400.5),
        (1, fixtures.Q2[0], 250),
        (2, Q1[0], 320),
    ]


def test_non_imputable_is_deducted_at_most_up_to_the_hours_owed() -> None:
    followup = FollowUp(
        non_imputable=[NonImputable(lot=2, hours=500, justification="Lot résilié en juin")]
    )
    lot2 = balance(followup, fixtures.strategy(), fixtures.profile(), 1600).lots[1]
    assert (lot2.non_imputable, lot2.deducted, lot2.missing, lot2.penalty_eur) == (500, 300, 0, 0)


def test_no_penalty_without_one_in_the_strategy() -> None:
    result = balance(FollowUp(), fixtures.strategy(penalty=None), fixtures.profile(), 1600)
    assert result.missing == 1300
    assert result.penalty_eur is None
    assert [lot.penalty_eur for lot in result.lots] == [None, None]


def test_decimal_hours_add_up_exactly() -> None:
    records = [
        HoursRecord(lot=1, period_start=Q1[0], period_end=Q1[1], way="direct_hiring", hours=h)
        for h in (0.1, 0.2)
    ]
    lot1 = balance(FollowUp(records=records), fixtures.strategy(), fixtures.profile(), 1600).lots[0]
    assert lot1.performed == 0.3
    assert lot1.missing == 999.7
    assert lot1.penalty_eur == 49_985


def test_records_are_checked_against_the_vocabularies_and_lots(library: Library) -> None:
    followup = FollowUp.model_validate(
        {
            "records": [
                {"lot": 3, "period_start": "2027-04-01", "period_end": "2027-06-30",
                 "way": "provision", "structure": "EI", "hours": 10,
                 "people": [{"public": "retraité", "contract_type": "cdd", "count": 1,
                             "outcome": "vacances"}]},
                {"period_start": "2027-04-01", "period_end": "2027-06-30",
                 "way": "direct_hiring", "structure": "ETTI", "hours": 10},
                {"lot": 1, "period_start": "2027-04-01", "period_end": "2027-06-30",
                 "way": "bénévolat", "hours": 10},
            ]
        }
    )  # fmt: skip
    problems = [(e.field, e.message) for e in check_followup(followup, library.followup, 2)]
    assert problems == [
        ("records[1].lot", "le marché ne compte que 2\u00a0lots"),
        ("records[1].structure", "structure attendue pour cette modalité : ETTI, AI, GEIQ"),
        ("records[1].people[1].public", "public éligible inconnu"),
        ("records[1].people[1].outcome", "sortie à six mois inconnue"),
        ("records[2].lot", "numéro de lot obligatoire : le marché est alloti"),
        ("records[2].structure", "pas de structure pour une embauche directe"),
        ("records[3].way", "modalité de réalisation inconnue"),
    ]
