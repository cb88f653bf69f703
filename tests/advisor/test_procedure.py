from clauses.advisor import advise
from clauses.library import Library
from tests.conftest import AS_OF, make_profile


def procedure(library: Library, **overrides: object):  # type: ignore[no-untyped-def]
    return advise(make_profile(**overrides), library, AS_OF).procedure


def test_works_threshold_2026_exact_and_one_euro_below(library: Library) -> None:
    at = procedure(library, estimated_amount_eur=5_404_000)
    below = procedure(library, estimated_amount_eur=5_403_999)
    assert (at.eu_threshold_eur, at.above_eu_threshold, at.regime.value) == (
        5_404_000,
        True,
        "formalised",
    )
    assert (below.above_eu_threshold, below.regime.value) == (False, "adapted")


def test_supplies_services_threshold_for_regions_2026(library: Library) -> None:
    at = procedure(library, nature="services", cpv="79810000-5", estimated_amount_eur=216_000)
    below = procedure(library, nature="services", cpv="79810000-5", estimated_amount_eur=215_999)
    assert (
        at.eu_threshold_eur == 216_000 and at.above_eu_threshold and at.regime.value == "formalised"
    )
    assert not below.above_eu_threshold and below.regime.value == "adapted"


def test_state_buyer_uses_central_threshold(library: Library) -> None:
    p = procedure(
        library,
        nature="supplies",
        cpv="30213100-6",
        buyer_kind="state",
        estimated_amount_eur=140_000,
    )
    assert p.eu_threshold_eur == 140_000 and p.threshold_category == "central_supplies_services"


def test_2025_vs_2026_thresholds(library: Library) -> None:
    in_2025 = procedure(library, estimated_amount_eur=5_500_000, launch_date="2025-12-31")
    in_2026 = procedure(library, estimated_amount_eur=5_500_000, launch_date="2026-01-01")
    assert in_2025.eu_threshold_eur == 5_538_000 and not in_2025.above_eu_threshold
    assert in_2026.eu_threshold_eur == 5_404_000 and in_2026.above_eu_threshold
    services_2025 = procedure(
        library,
        nature="services",
        cpv="79810000-5",
        estimated_amount_eur=220_000,
        launch_date="2025-06-01",
    )
    assert services_2025.eu_threshold_eur == 221_000 and not services_2025.above_eu_threshold


def test_supplies_no_procedure_threshold_moves_on_1_april_2026(library: Library) -> None:
    def regime(amount: int, launch: str) -> str:
        return procedure(
            library,
            nature="supplies",
            cpv="30213100-6",
            estimated_amount_eur=amount,
            launch_date=launch,
        ).regime.value

    assert regime(50_000, "2026-03-31") == "adapted"
    assert regime(50_000, "2026-04-01") == "no_procedure"
    assert regime(59_999, "2026-04-01") == "no_procedure"
    assert regime(60_000, "2026-04-01") == "adapted"
    assert regime(39_999, "2026-03-31") == "no_procedure"
    assert regime(40_000, "2026-03-31") == "adapted"


def test_works_no_procedure_threshold_2026(library: Library) -> None:
    assert procedure(library, estimated_amount_eur=99_999).regime.value == "no_procedure"
    assert procedure(library, estimated_amount_eur=100_000).regime.value == "adapted"


def test_social_services_adapted_whatever_the_amount(library: Library) -> None:
    p = procedure(library, nature="services", cpv="80530000-8", estimated_amount_eur=9_000_000)
    assert p.social_services and p.regime.value == "adapted"
    assert p.eu_threshold_eur == 750_000 and p.above_eu_threshold


def test_social_services_flag_overrides_cpv(library: Library) -> None:
    p = procedure(
        library,
        nature="services",
        cpv="80530000-8",
        social_services=False,
        estimated_amount_eur=9_000_000,
    )
    assert not p.social_services and p.regime.value == "formalised"


def test_launch_date_defaults_to_as_of(library: Library) -> None:
    p = procedure(library, launch_date=None)
    assert p.launch_date == AS_OF


def test_launch_date_outside_known_periods_uses_nearest_with_warning(library: Library) -> None:
    advice = advise(make_profile(launch_date="2031-01-01"), library, AS_OF)
    assert advice.procedure.eu_threshold_eur == 5_404_000
    assert any("Aucun seuil européen publié" in w for w in advice.warnings)
    early = advise(make_profile(launch_date="2017-01-01"), library, AS_OF)
    assert early.procedure.eu_threshold_eur == 5_538_000
    assert any("à vérifier" in w for w in early.warnings)
