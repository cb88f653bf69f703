"""The shared reader of what people type (:mod:`clauses.inputs`)."""

from __future__ import annotations

import datetime as dt

import pytest

from clauses import inputs


@pytest.mark.parametrize(
    ("typed", "read"),
    [("12", 12), (" 7 ", 7), ("0", 0), ("999999999", 999_999_999), ("²", None), ("٣", None),
     ("１２", None), ("-1", None), ("1_0", None), ("9999999999", None), ("", None), (None, None)],
)  # fmt: skip
def test_whole_numbers_are_ascii_digits_only(typed: object, read: int | None) -> None:
    assert inputs.integer(typed) == read


@pytest.mark.parametrize("typed", ["1_000", "١٢", "nan", "inf", "1e309", "²", "", "1,5"])
def test_decimals_are_ascii_and_finite(typed: str) -> None:
    with pytest.raises(ValueError):
        inputs.decimal(typed)


def test_decimals_read_as_before() -> None:
    assert [inputs.decimal(t) for t in ("12.5", "-3", "1e3", ".5")] == [12.5, -3, 1000, 0.5]


def test_texts_lose_their_nul_characters_and_stop_at_their_column() -> None:
    assert inputs.text(" a\x00b ") == "ab"
    assert inputs.text("x" * 300, 200) == "x" * 200
    assert inputs.text(None) == ""


@pytest.mark.parametrize(
    ("typed", "day"),
    [("2027-04-01", dt.date(2027, 4, 1)), ("1/4/2027", dt.date(2027, 4, 1)),
     ("31/02/2027", None), ("2027-13-01", None), ("٢٠٢٧-٠٤-٠١", None), ("20270401", None)],
)  # fmt: skip
def test_dates_are_iso_or_french_in_ascii_digits(typed: str, day: dt.date | None) -> None:
    assert inputs.date(typed) == day


def test_implausible_dates_say_the_range() -> None:
    today = dt.date(2026, 12, 2)
    assert inputs.implausible(dt.date(2000, 1, 1), today) is None
    assert inputs.implausible(dt.date(2036, 12, 2), today) is None
    assert inputs.implausible(dt.date(1, 1, 1), today) == (
        "date invraisemblable (attendue entre le 01/01/2000 et le 02/12/2036)"
    )
    assert inputs.implausible(dt.date(2036, 12, 3), today) is not None
    assert inputs.implausible(dt.date(1999, 12, 31)) == (
        "date invraisemblable (attendue à partir du 01/01/2000)"
    )
    assert inputs.latest(dt.date(2028, 2, 29)) == dt.date(2038, 2, 28)
