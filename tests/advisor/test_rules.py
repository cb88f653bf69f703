"""One test (or more) per advisor rule, with the facts that trigger it and those that don't."""

from clauses.advisor import Level, advise
from clauses.advisor.model import Advice
from clauses.library import Library
from clauses.library.models import MechanismId as M
from tests.conftest import AS_OF, make_profile


def run(library: Library, **overrides: object) -> Advice:
    return advise(make_profile(**overrides), library, AS_OF)


def level(advice: Advice, mechanism: M) -> str | None:
    found = advice.recommendation(mechanism)
    return found.level.value if found else None


def obligation(advice: Advice, oid: str) -> bool:
    return next(o.applies for o in advice.obligations if o.id.value == oid)


def test_833_hour_example_reproduced(library: Library) -> None:
    advice = run(library, insertion_rate=0.05, labour_share=0.5, hourly_cost_eur=30)
    clause = advice.recommendation(M.insertion_clause)
    assert advice.insertion_hours == 833
    assert clause is not None and clause.level is Level.recommended
    assert clause.parameters["hours"] == 833
    assert clause.parameters["labour_share"] == 0.5
    assert clause.parameters["insertion_rate"] == 0.05
    assert clause.parameters["hourly_cost_eur"] == 30
    assert clause.legal_basis[0] == "L2112-2"
    assert "CMP art. 14" in clause.former_legal_basis
    assert advice.sizing.fte == 0.5


def test_building_default_is_the_sourced_average(library: Library) -> None:
    # 45000000 falls in the building average: 50 %, 5 %, 30 €/h → the same 833 hours.
    assert run(library).insertion_hours == 833


def test_social_obligation_day_before_and_day_of_start(library: Library) -> None:
    above = {"estimated_amount_eur": 6_000_000}
    before = run(library, launch_date="2026-08-20", **above)
    on = run(library, launch_date="2026-08-21", **above)
    oid = "social_consideration_above_eu_threshold"
    assert not obligation(before, oid)
    assert obligation(on, oid)
    assert "avant le 21 août 2026" in next(
        o.explanation for o in before.obligations if o.id.value == oid
    )
    assert all(o.valid_from_to_verify for o in on.obligations)
    assert not obligation(before, "environmental_execution_condition")
    assert obligation(on, "environmental_execution_condition")
    assert obligation(on, "environmental_award_criterion")


def test_social_obligation_threshold_exact_and_one_euro_below(library: Library) -> None:
    oid = "social_consideration_above_eu_threshold"
    assert obligation(run(library, estimated_amount_eur=5_404_000), oid)
    assert not obligation(run(library, estimated_amount_eur=5_403_999), oid)
    # environmental obligations apply to every contract from the start date
    assert obligation(
        run(library, estimated_amount_eur=5_403_999), "environmental_execution_condition"
    )


def test_obligation_met_says_so(library: Library) -> None:
    advice = run(library, estimated_amount_eur=6_000_000)
    clause = advice.recommendation(M.insertion_clause)
    assert clause and any("L2112-2-1" in r for r in clause.reasons)
    assert not any("dérogation" in w for w in advice.warnings)


def test_labour_light_contract_discourages_hours_and_recommends_other_condition(
    library: Library,
) -> None:
    advice = run(library, nature="supplies", cpv="30213100-6", estimated_amount_eur=4_800_000)
    assert level(advice, M.insertion_clause) == "discouraged"
    assert level(advice, M.insertion_criterion) == "discouraged"
    assert level(advice, M.other_social_condition) == "recommended"
    assert any("peu intensif en main-d’œuvre" in w for w in advice.warnings)
    assert advice.decp.considerationsSociales.considerationSociale == ["Clause sociale"]


def test_labour_light_below_threshold_gets_no_derogation_warning(library: Library) -> None:
    advice = run(library, nature="supplies", cpv="30213100-6", estimated_amount_eur=150_000)
    assert level(advice, M.insertion_clause) == "discouraged"
    assert level(advice, M.other_social_condition) == "possible"
    assert advice.decp.considerationsSociales.considerationSociale == [
        "Pas de considération sociale"
    ]


def test_hours_too_low_warns_and_lowers_level(library: Library) -> None:
    advice = run(library, estimated_amount_eur=150_000)  # 125 hours
    assert advice.insertion_hours == 125
    assert level(advice, M.insertion_clause) == "possible"
    assert any("Heures d’insertion faibles" in w for w in advice.warnings)


def test_no_procedure_purchase(library: Library) -> None:
    advice = run(library, estimated_amount_eur=48_000, cpv="45261900-3")
    assert advice.procedure.regime.value == "no_procedure"
    assert level(advice, M.insertion_clause) == "possible"
    assert level(advice, M.insertion_criterion) is None
    assert level(advice, M.lots_division) is None


def test_facilitator_missing_is_a_pitfall(library: Library) -> None:
    assert any(
        "Aucun facilitateur" in w for w in run(library, facilitator_available=False).warnings
    )
    advice = run(library, facilitator_available=None)
    clause = advice.recommendation(M.insertion_clause)
    assert clause and any("facilitateur" in r for r in clause.reasons)
    assert not any(
        "Aucun facilitateur" in w for w in run(library, facilitator_available=True).warnings
    )


def test_no_local_insertion_offer_warns_on_hours(library: Library) -> None:
    advice = run(library, local_offer={"insertion": "none"})
    assert any("Aucune structure d’insertion connue" in w for w in advice.warnings)


def test_criterion_is_possible_with_csr_warning(library: Library) -> None:
    advice = run(library)
    assert level(advice, M.insertion_criterion) == "possible"
    assert any("Nantes Métropole" in w for w in advice.warnings)


def test_reserved_disability_follows_local_offer(library: Library) -> None:
    base = {"nature": "services", "cpv": "79810000-5", "estimated_amount_eur": 200_000}
    assert (
        level(run(library, local_offer={"disability": "many"}, **base), M.reserved_disability)
        == "recommended"
    )
    assert (
        level(run(library, local_offer={"disability": "unknown"}, **base), M.reserved_disability)
        == "possible"
    )
    none = run(library, local_offer={"disability": "none"}, **base)
    assert level(none, M.reserved_disability) == "discouraged"
    assert any("sans offre locale" in w for w in none.warnings)
    # a reservation needs the trade to fit the structures, not only a local offer (DOMAIN §8)
    it = {"nature": "services", "cpv": "79342000-3", "estimated_amount_eur": 400_000}
    assert level(run(library, **it), M.reserved_disability) is None
    assert (
        level(run(library, local_offer={"disability": "some"}, **it), M.reserved_disability) is None
    )


def test_reserved_insertion_and_both(library: Library) -> None:
    base = {
        "nature": "services",
        "cpv": "90919200-4",
        "estimated_amount_eur": 200_000,
        "duration_months": 36,
    }
    advice = run(library, local_offer={"insertion": "many", "disability": "some"}, **base)
    # Each reservation is rated alone, from its own local offer (DOMAIN §9); the plan retains
    # one, the « recommandé » one.
    assert level(advice, M.reserved_insertion) == "recommended"
    assert level(advice, M.reserved_disability) == "possible"
    assert level(advice, M.reserved_both) == "possible"
    disability = advice.recommendation(M.reserved_disability)
    assert disability and any("à confirmer" in w for w in advice.warnings)
    assert advice.plan and [m.id for m in advice.plan.mechanisms] == [M.reserved_insertion]
    assert "Marché réservé" in advice.decp.considerationsSociales.considerationSociale
    both = run(library, local_offer={"insertion": "many", "disability": "many"}, **base)
    # Both offers large: the joint reservation (L2113-14) widens the pool, and is planned.
    assert level(both, M.reserved_both) == "recommended"
    assert both.plan and [m.id for m in both.plan.mechanisms] == [M.reserved_both]
    one_sided = run(library, local_offer={"insertion": "none", "disability": "some"}, **base)
    assert level(one_sided, M.reserved_both) is None


def test_a_reservation_is_never_lowered_for_its_amount(library: Library) -> None:
    """No amount rule in law or practice (DOMAIN §9): an undivided cleaning contract above the
    EU threshold whose whole object is a typical activity is reserved whole, like its lots."""
    offer = {"insertion": "many", "disability": "many"}
    whole = run(
        library,
        nature="services",
        cpv="90919200-4",
        estimated_amount_eur=400_000,
        local_offer=offer,
    )
    assert whole.procedure.above_eu_threshold
    found = whole.recommendation(M.reserved_disability)
    assert found and found.level is Level.recommended and found.applies_to_lots == []
    assert whole.recommendation(M.lots_division) is None
    allotted = run(
        library,
        nature="services",
        cpv="90919200-4",
        estimated_amount_eur=400_000,
        local_offer=offer,
        lots=[
            {"title": "Site A", "estimated_amount_eur": 200_000},
            {"title": "Site B", "estimated_amount_eur": 200_000},
        ],
    )
    assert level(allotted, M.reserved_disability) == "recommended"


def test_transport_is_not_reserved_to_placement_structures(library: Library) -> None:
    # ETTI and GEIQ help fulfil a clause; they are not the ones to take a reserved contract
    advice = run(library, nature="services", cpv="60130000-8", estimated_amount_eur=200_000)
    assert level(advice, M.reserved_insertion) is None
    # …even when the buyer knows local SIAE: the trade must fit the structures (DOMAIN §8)
    known = run(
        library,
        nature="services",
        cpv="60130000-8",
        estimated_amount_eur=200_000,
        local_offer={"insertion": "many"},
    )
    assert level(known, M.reserved_insertion) is None


def test_reserved_prison_only_for_typical_activities(library: Library) -> None:
    packing = run(library, nature="services", cpv="79921000-6", estimated_amount_eur=300_000)
    assert level(packing, M.reserved_prison) == "possible"
    assert level(run(library), M.reserved_prison) is None


def test_reserved_ess_three_year_limit(library: Library) -> None:
    base = {"nature": "services", "cpv": "85320000-8", "estimated_amount_eur": 500_000}
    assert level(run(library, duration_months=36, **base), M.reserved_ess) == "possible"
    long = run(library, duration_months=37, **base)
    assert level(long, M.reserved_ess) is None
    excluded = {e.mechanism: e for e in long.excluded}
    assert "36 mois" in excluded[M.reserved_ess].reasons[0]
    assert level(run(library), M.reserved_ess) is None
    assert M.reserved_ess in {e.mechanism for e in run(library).excluded}


def test_insertion_services_contract_for_training_with_region_warning(library: Library) -> None:
    advice = run(library, nature="services", cpv="80530000-8", estimated_amount_eur=2_400_000)
    assert level(advice, M.insertion_services_contract) == "possible"
    assert advice.procedure.regime.value == "adapted"
    assert any("compétence de la Région" in w for w in advice.warnings)
    department = run(library, nature="services", cpv="80530000-8", buyer_kind="department")
    assert not any("compétence de la Région" in w for w in department.warnings)


def test_lots_hours_per_lot_and_no_allotment_lever(library: Library) -> None:
    lots = [
        {"title": "Peinture", "cpv": "45442100-8", "estimated_amount_eur": 600_000},
        {"title": "Charpente métallique", "cpv": "45223100-7", "estimated_amount_eur": 400_000},
    ]
    advice = run(library, lots=lots)
    clause = advice.recommendation(M.insertion_clause)
    assert clause is not None
    # 600 000 × 70 % × 5 % / 30 = 700 ; 400 000 × 20 % × 5 % / 30 = 133.3 → 133
    assert [lot.hours for lot in clause.lots] == [700, 133]
    assert advice.insertion_hours == 833
    # Allotment is a fact of the profile (its lots), not a lever (DOMAIN §9).
    assert advice.recommendation(M.lots_division) is None
    assert [(a.lot, a.level) for a in clause.per_lot] == [
        (1, Level.recommended),
        (2, Level.possible),  # 133 hours, under the 150-hour mark
    ]


def test_lot_sum_mismatch_warns(library: Library) -> None:
    advice = run(library, lots=[{"title": "A", "estimated_amount_eur": 400_000}])
    assert any("La somme des lots" in w for w in advice.warnings)


def test_cleaning_uses_branch_method_with_staff_taken_over(library: Library) -> None:
    advice = run(
        library,
        nature="services",
        cpv="90919200-4",
        estimated_amount_eur=600_000,
        duration_months=36,
        transferred_staff_monthly_hours=500,
    )
    assert advice.sizing.method == "cleaning_branch"
    assert advice.sizing.transferred_staff_weighting == 0.25
    assert advice.insertion_hours == 300


def test_cleaning_floor_of_150_hours(library: Library) -> None:
    advice = run(
        library,
        nature="services",
        cpv="90919200-4",
        estimated_amount_eur=600_000,
        duration_months=36,
        transferred_staff_monthly_hours=620,
    )
    # P = 1 − 620 × 25 / 16 666.67 = 0.07 → 84 hours, below the floor
    assert advice.insertion_hours == 0
    assert advice.sizing.below_floor
    assert level(advice, M.insertion_clause) == "discouraged"
    assert any("plancher" in w for w in advice.warnings)


def test_obligation_always_met_by_a_recommended_social_condition(library: Library) -> None:
    # cleaning below the floor: no hours, yet L2112-2-1 applies → another social condition
    advice = run(
        library,
        nature="services",
        cpv="90919200-4",
        estimated_amount_eur=600_000,
        duration_months=36,
        transferred_staff_monthly_hours=620,
    )
    assert obligation(advice, "social_consideration_above_eu_threshold")
    assert level(advice, M.other_social_condition) == "recommended"
    assert "Clause sociale" in advice.decp.considerationsSociales.considerationSociale


def test_decp_values_follow_recommended_mechanisms(library: Library) -> None:
    advice = run(library, estimated_amount_eur=6_000_000)
    assert advice.decp.considerationsSociales.considerationSociale == ["Clause sociale"]
    env = advice.decp.considerationsEnvironnementales
    assert env and env.considerationEnvironnementale == [
        "Clause environnementale",
        "Critère environnemental",
    ]
    old = run(library, launch_date="2026-08-20")
    assert old.decp.considerationsEnvironnementales is None


def test_never_proposes_language_clause_or_local_preference(library: Library) -> None:
    advice = run(library, estimated_amount_eur=6_000_000, local_offer={"insertion": "many"})
    text = advice.model_dump_json().lower()
    assert "molière" not in text
    assert "préférence locale" not in text or "jamais" in text
    assert {r.mechanism.value for r in advice.recommendations} <= {m.value for m in M}


def test_advise_is_deterministic(library: Library) -> None:
    profile = make_profile(lots=[{"title": "A", "estimated_amount_eur": 1_000_000}])
    assert advise(profile, library, AS_OF) == advise(profile, library, AS_OF)
