"""What the sizing step explains without advising again: the default a rate takes without the
buyer's answer, and the hours without an answer, are those a full advice would give."""

from __future__ import annotations

from pathlib import Path

import pytest

from clauses.advisor import advise
from clauses.advisor.advise import insertion_hours
from clauses.advisor.hours import RATE_ANSWERS, default_of
from clauses.library import Library
from clauses.profile import load_profile
from tests.conftest import AS_OF, EXAMPLES

PROFILES = sorted(EXAMPLES.glob("*.yaml"))
ANSWERS = {"labour_share": 0.4, "insertion_rate": 0.08, "hourly_cost_eur": 35.0}


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_the_hours_are_the_advices(path: Path, library: Library) -> None:
    profile = load_profile(path)
    assert (
        insertion_hours(profile, library, AS_OF) == advise(profile, library, AS_OF).insertion_hours
    )
    for name in (*RATE_ANSWERS, "transferred_staff_monthly_hours"):
        answered = profile.model_copy(update={name: ANSWERS.get(name, 900.0)})
        expected = advise(answered, library, AS_OF).insertion_hours
        assert insertion_hours(answered, library, AS_OF) == expected, name


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_each_default_is_the_one_the_advice_takes_without_the_answer(
    path: Path, library: Library
) -> None:
    profile = load_profile(path)
    for name in RATE_ANSWERS:
        answered = profile.model_copy(update={name: ANSWERS[name]})
        without = advise(profile.model_copy(update={name: None}), library, AS_OF).sizing
        default = default_of(answered, library, name)
        assert default.value == getattr(without, name)
        assert default.sector_label == without.sector_label
        assert default.to_adjust == (name in without.defaults_to_adjust)
