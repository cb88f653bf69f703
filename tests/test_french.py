import datetime as dt

import pytest

from clauses import french


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_000_000, "1\u00a0000\u00a0000\u00a0€"),
        (30, "30\u00a0€"),
        (12.5, "12,50\u00a0€"),
        (1234.567, "1\u00a0234,57\u00a0€"),
        (0, "0\u00a0€"),
    ],
)
def test_eur(value: float, expected: str) -> None:
    assert french.eur(value) == expected


def test_percent_hours_and_dates() -> None:
    assert french.percent(0.05) == "5\u00a0%"
    assert french.percent(0.125) == "12,5\u00a0%"
    assert french.hours(833.33) == "833\u00a0heures"
    assert french.hours(1) == "1\u00a0heure"
    assert french.number(-1234.5, 1) == "-1\u00a0234,5"
    assert french.date(dt.date(2026, 4, 1)) == "1er avril 2026"
    assert french.date(dt.date(2026, 8, 21)) == "21 août 2026"
    assert french.quote("clause") == "«\u00a0clause\u00a0»"


def test_round_half_up_not_bankers() -> None:
    assert french.number(2.5) == "3"
    assert french.number(0.05, 1) == "0,1"


def test_typography_spaces() -> None:
    text = french.typography("Régime : adapté ; voir « clause » ! Pourquoi ? https://x.fr/a:b")
    assert text == (
        "Régime\u00a0: adapté\u00a0; voir «\u00a0clause\u00a0»\u00a0! Pourquoi\u00a0? https://x.fr/a:b"
    )
    assert french.typography("«\u00a0déjà\u00a0»") == "«\u00a0déjà\u00a0»"


def test_counts_agree_in_number() -> None:
    assert [french.count(n, "marché") for n in (0, 1, 2, 149)] == [
        "0\u00a0marché",
        "1\u00a0marché",
        "2\u00a0marchés",
        "149\u00a0marchés",
    ]
    assert french.count(1200, "lot") == "1\u00a0200\u00a0lots"
