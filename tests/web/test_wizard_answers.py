"""The wizard's answers, as the forms send them, turned into a tender profile: French numbers,
the answers that apply, errors keyed by form field."""

from __future__ import annotations

import pytest

from clauses.library import Library
from clauses.questionnaire.wizard import build_profile, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 000 000", 1e6),
        ("1\u202f000\u00a0000 €", 1e6),
        ("12,5", 12.5),
        ("12.5 %", 12.5),
        ("30 € HT", 30),
    ],
)
def test_french_numbers(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["beaucoup", "1,2,3", "nan", "inf", ""])
def test_not_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_answers_become_a_profile(library: Library) -> None:
    outcome = build_profile(
        {
            "title": "Nettoyage",
            "nature": "services",
            "cpv": "90919200-4 Services de nettoyage de bureaux",
            "estimated_amount_eur": "1 800 000",
            "duration_months": "48",
            "launch_date": "14/09/2026",
            "insertion_rate": "5",
            "facilitator_available": "true",
            "transferred_staff_monthly_hours": "1 200",
            "local_offer.insertion": "some",
            "lots": [
                {
                    "title": "Lot A",
                    "estimated_amount_eur": "900 000",
                    "labour_share": "80",
                    "cpv": "",
                }
            ],
        },
        library,
    )
    assert outcome.errors == {}
    profile = outcome.profile
    assert profile is not None
    assert profile.cpv == "90919200-4"
    assert profile.launch_date is not None and profile.launch_date.isoformat() == "2026-09-14"
    assert profile.insertion_rate == 0.05
    assert profile.facilitator_available is True
    assert profile.local_offer.insertion.value == "some"
    assert profile.lots[0].labour_share == 0.8


def test_answers_that_do_not_apply_are_left_out(library: Library) -> None:
    outcome = build_profile(
        {
            "title": "Travaux",
            "nature": "works",
            "cpv": "45214220-8",
            "estimated_amount_eur": "100000",
            "duration_months": "6",
            "transferred_staff_monthly_hours": "abc",  # not asked for works: ignored
        },
        library,
    )
    assert outcome.errors == {}
    assert outcome.profile is not None
    assert outcome.profile.transferred_staff_monthly_hours is None


def test_errors_are_keyed_by_form_field(library: Library) -> None:
    outcome = build_profile(
        {
            "nature": "works",
            "estimated_amount_eur": "-3",
            "duration_months": "2,5",
            "lots": [{"title": "", "estimated_amount_eur": "x"}],
        },
        library,
    )
    assert outcome.profile is None
    assert "title" in outcome.errors
    assert "duration_months" in outcome.errors and "entier" in outcome.errors["duration_months"]
    assert "lots-0-estimated_amount_eur" in outcome.errors
    assert "lots-0-title" in outcome.errors
