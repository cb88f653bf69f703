from clauses.advisor import hours as h


def test_domain_worked_example_833_hours() -> None:
    # DOMAIN §4: 1 000 000 € works, labour 50 %, rate 5 %, 30 €/h → 833 hours.
    assert h.general_hours(1_000_000, 0.5, 0.05, 30) == 833


def test_second_domain_example() -> None:
    # 1.5 M€, 70 % labour, 10 % rate at 30 €/h: 1 500 000 × 0.7 × 0.1 / 30 = 3 500 hours.
    assert h.general_hours(1_500_000, 0.7, 0.10, 30) == 3500


def test_cleaning_branch_method() -> None:
    # A = 600 000 € over N = 36 months, S = 500 h/month taken over, C = 20 / 0.8 = 25, T = 5 %:
    # P = 1 − 500 × 25 / (600 000 / 36) = 0.25 ; I = 0.25 × 600 000 / 25 × 0.05 = 300 hours.
    weighting = h.transferred_staff_weighting(600_000, 36, 500, 25)
    assert weighting == 0.25
    assert h.cleaning_hours(600_000, weighting, 25, 0.05) == 300


def test_cleaning_weighting_is_clamped() -> None:
    assert h.transferred_staff_weighting(100_000, 12, 10_000, 25) == 0.0
    assert h.transferred_staff_weighting(100_000, 12, 0, 25) == 1.0
