"""Expert cases (issue 9): what a procurement lawyer and a clause facilitator expect of the advice
on realistic regional tenders, each with its source in a comment. DOMAIN means
../shared/data/../DOMAIN.md, whose §8 (expert review of 2026-12-01) wins over §2–§4.

Each case is a profile (over the base works tender of tests.conftest.make_profile) and the
expectations the advice must meet; « excluded » means in Advice.excluded, None means absent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from clauses.advisor import Advice, advise
from clauses.library import Library
from clauses.library.models import MechanismId as M
from clauses.library.models import ObligationId
from clauses.profile import ProfileError
from tests.conftest import AS_OF, make_profile

L2112_2_1 = ObligationId.social_consideration_above_eu_threshold
AWARD = ObligationId.environmental_award_criterion


@dataclass(frozen=True)
class Case:
    id: str
    profile: dict[str, Any]
    regime: str | None = None
    eu_threshold: int | None = None
    no_procedure_threshold: int | None = None
    levels: dict[M, str | None] = field(default_factory=dict)
    lots: dict[M, list[int]] = field(default_factory=dict)
    hours: int | None = None
    lot_hours: list[int] | None = None
    sector: str | None = None
    obligations: dict[ObligationId, bool] = field(default_factory=dict)
    met_by: list[M] | None = None
    derogation: bool | None = None
    warning: str | None = None  # a substring of one warning
    reason: tuple[M, str] | None = None  # a substring of one reason of a mechanism
    text: str | None = None  # a substring of the whole advice (JSON)
    never: tuple[str, ...] = ()  # substrings found nowhere in the advice
    # The planner's default strategy: (mechanism, lots, option), in its order.
    plan: list[tuple[M, list[int] | None, str | None]] | None = None
    error: str | None = None  # the profile is refused, naming this field


def services(cpv: str, amount: float = 1_000_000, **more: Any) -> dict[str, Any]:
    return {"nature": "services", "cpv": cpv, "estimated_amount_eur": amount, **more}


def lot(title: str, amount: float, cpv: str | None = None) -> dict[str, Any]:
    return {"title": title, "estimated_amount_eur": amount, **({"cpv": cpv} if cpv else {})}


CASES = [
    # --- 1. Social and other specific services: annex XIV of directive 2014/24 (DOMAIN §8).
    # Guarding is SSS (investigation and security, 79700000 to 79721000).
    Case(
        "guarding_is_sss", services("79713000-5", 600_000), regime="adapted", eu_threshold=750_000
    ),
    # Staff training 80511000 is SSS (education and training 80000000 to 80660000).
    Case(
        "staff_training_is_sss",
        services("80511000-9", 400_000),
        regime="adapted",
        eu_threshold=750_000,
    ),
    # Language courses 80580000 are SSS (same family).
    Case(
        "language_courses_are_sss",
        services("80580000-3", 300_000),
        regime="adapted",
        eu_threshold=750_000,
    ),
    # Festival programming 92312000 is SSS (recreational, cultural: 92000000 to 92700000).
    Case(
        "festival_programming_is_sss",
        services("92312000-1", 900_000),
        regime="adapted",
        eu_threshold=750_000,
        warning="famille « Services administratifs dans les domaines social",
    ),
    # Catering (hotel and restaurant family) stays SSS; IT services are not (DOMAIN §3, §8).
    Case("school_catering_is_sss", services("55524000-9", 2_000_000), eu_threshold=750_000),
    Case(
        "it_services_are_not_sss",
        services("72212000-4", 300_000),
        regime="formalised",
        eu_threshold=216_000,
    ),
    # --- 2. ESS reservation: the closed list of art. 77, exact codes (DOMAIN §8).
    # Vocational training 80530000 is not on it; staff training 80511000 is.
    Case(
        "vocational_training_not_ess",
        services("80530000-8", 500_000),
        levels={M.reserved_ess: "excluded"},
        never=("réservée aux entreprises de l’ESS",),
    ),
    Case(
        "staff_training_may_be_ess",
        services("80511000-9", 500_000),
        levels={M.reserved_ess: "possible"},
    ),
    # 80400000 (parent of listed codes) is not on the list: eForms does not extend it.
    Case(
        "parent_code_not_ess", services("80400000-8", 500_000), levels={M.reserved_ess: "excluded"}
    ),
    # The 3-year maximum (L2113-16) and the same-article rule of the previous three years.
    Case(
        "ess_beyond_36_months_excluded",
        services("85320000-8", 500_000, duration_months=48),
        levels={M.reserved_ess: "excluded"},
    ),
    Case(
        "ess_three_year_rule_same_article",
        services("85320000-8", 500_000, duration_months=36),
        reason=(M.reserved_ess, "réservé au titre de ce même article"),
    ),
    # --- 3. Works without procedure (R2122-8), by launch date (DOMAIN §8: décrets 2019-1344,
    # 2020-893, loi ASAP art. 142, décrets 2022-1683, 2024-1217, 2025-1386). Each boundary, the
    # day before and the day of.
    Case(
        "works_2020_07_23_is_40000",
        {"estimated_amount_eur": 50_000, "launch_date": "2020-07-23"},
        regime="adapted",
        no_procedure_threshold=40_000,
    ),
    Case(
        "works_2020_07_24_is_70000",
        {"estimated_amount_eur": 50_000, "launch_date": "2020-07-24"},
        regime="no_procedure",
        no_procedure_threshold=70_000,
        warning="période à vérifier",
    ),
    Case(
        "works_2020_12_08_is_70000",
        {"estimated_amount_eur": 80_000, "launch_date": "2020-12-08"},
        regime="adapted",
        no_procedure_threshold=70_000,
    ),
    Case(
        "works_asap_2020_12_09_is_100000",
        {"estimated_amount_eur": 80_000, "launch_date": "2020-12-09"},
        regime="no_procedure",
        no_procedure_threshold=100_000,
    ),
    Case(
        "works_2022_12_31_is_100000",
        {"estimated_amount_eur": 99_999, "launch_date": "2022-12-31"},
        regime="no_procedure",
        no_procedure_threshold=100_000,
    ),
    Case(
        "works_2023_01_01_decree_2022_1683",
        {"estimated_amount_eur": 99_999, "launch_date": "2023-01-01"},
        regime="no_procedure",
        no_procedure_threshold=100_000,
    ),
    Case(
        "works_2024_12_31_is_100000",
        {"estimated_amount_eur": 60_000, "launch_date": "2024-12-31"},
        regime="no_procedure",
        no_procedure_threshold=100_000,
    ),
    Case(
        "works_2025_01_01_decree_2024_1217",
        {"estimated_amount_eur": 60_000, "launch_date": "2025-01-01"},
        regime="no_procedure",
        no_procedure_threshold=100_000,
    ),
    Case(
        "works_2025_12_31_is_100000",
        {"estimated_amount_eur": 100_000, "launch_date": "2025-12-31"},
        regime="adapted",
        no_procedure_threshold=100_000,
    ),
    Case(
        "works_2026_01_01_decree_2025_1386",
        {"estimated_amount_eur": 99_999, "launch_date": "2026-01-01"},
        regime="no_procedure",
        no_procedure_threshold=100_000,
    ),
    # Supplies and services: 40 000 € until 31 March 2026, 60 000 € from 1 April (décret 2025-1386).
    Case(
        "supplies_2026_03_31_is_40000",
        {
            "nature": "supplies",
            "cpv": "30213100-6",
            "estimated_amount_eur": 50_000,
            "launch_date": "2026-03-31",
        },
        regime="adapted",
        no_procedure_threshold=40_000,
    ),
    Case(
        "supplies_2026_04_01_is_60000",
        {
            "nature": "supplies",
            "cpv": "30213100-6",
            "estimated_amount_eur": 50_000,
            "launch_date": "2026-04-01",
        },
        regime="no_procedure",
        no_procedure_threshold=60_000,
    ),
    # EU thresholds (DOMAIN §3): 2024–2025 then 2026–2027, day before and day of.
    Case(
        "eu_works_2025_12_31",
        {"estimated_amount_eur": 5_450_000, "launch_date": "2025-12-31"},
        eu_threshold=5_538_000,
        regime="adapted",
    ),
    Case(
        "eu_works_2026_01_01",
        {"estimated_amount_eur": 5_450_000, "launch_date": "2026-01-01"},
        eu_threshold=5_404_000,
        regime="formalised",
    ),
    # L2112-2-1 from 21 August 2026 (DOMAIN §1, date à vérifier), day before and day of.
    Case(
        "l2112_2_1_day_before",
        {"estimated_amount_eur": 6_000_000, "launch_date": "2026-08-20"},
        obligations={L2112_2_1: False},
    ),
    Case(
        "l2112_2_1_day_of",
        {"estimated_amount_eur": 6_000_000, "launch_date": "2026-08-21"},
        obligations={L2112_2_1: True},
        met_by=[M.insertion_clause],
    ),
    # --- 4. Qualified labour: labour share alone cannot decide (DOMAIN §8; DAJ guide 2018).
    Case(
        "maitrise_d_oeuvre_hours_at_most_possible",
        services("71000000-8", 600_000),
        levels={M.insertion_clause: "possible", M.insertion_criterion: "discouraged"},
        sector="engineering",
    ),
    Case(
        "maitrise_d_oeuvre_above_threshold_gets_project_manager_duty",
        services("71000000-8", 1_500_000),
        levels={M.insertion_clause: "possible", M.other_social_condition: "recommended"},
        met_by=[M.other_social_condition],
        reason=(M.other_social_condition, "Le maître d’œuvre conçoit et suit les clauses"),
    ),
    Case(
        "amo_study_not_recommended",
        services("71241000-9", 400_000),
        levels={M.insertion_clause: "possible"},
    ),
    Case(
        "software_development_not_recommended",
        services("72212000-4", 800_000),
        levels={M.insertion_clause: "possible", M.other_social_condition: "recommended"},
    ),
    Case(
        "artistic_programming_not_recommended",
        services("92312000-1", 900_000),
        levels={M.insertion_clause: "possible"},
        sector="artistic",
    ),
    Case(
        "training_for_job_seekers_not_recommended",
        services("80530000-8", 2_400_000),
        levels={M.insertion_clause: "possible", M.insertion_services_contract: "possible"},
    ),
    # The safety-training sample restated a legal duty: gone (DOMAIN §8).
    Case(
        "no_safety_training_sample",
        services("72212000-4", 800_000),
        never=("formation à la sécurité de chaque salarié",),
    ),
    # --- 5. Exclusive mechanisms (DOMAIN §8; compatibility.yaml).
    # 6 M€ works, not allotted: no whole-contract reservation « recommandé » next to « un lot ».
    Case(
        "large_works_reserve_a_lot_not_the_whole",
        {"estimated_amount_eur": 6_000_000, "local_offer": {"insertion": "many"}},
        # Undivided works mix trades: no reservation of the whole; a lot to create (DOMAIN §9),
        # and the motivation of non-allotment above the threshold. Allotment is no lever.
        levels={M.reserved_insertion: None, M.lots_division: None},
        warning="créez un lot de second œuvre de finition",
        plan=[(M.insertion_clause, None, None)],
    ),
    # Cleaning: EA/ESAT and SIAE both fit, only one whole-contract reservation « recommandé ».
    Case(
        "cleaning_one_reservation_recommended",
        services("90919200-4", 180_000, local_offer={"insertion": "many", "disability": "some"}),
        levels={
            M.reserved_insertion: "recommended",
            M.reserved_disability: "possible",
            M.reserved_both: "possible",
        },
        reason=(
            M.reserved_insertion,
            "180\u00a0000\u00a0€ HT sur 12 mois, soit 180\u00a0000\u00a0€ par an",
        ),
        # One reservation, the larger offer; below the threshold no other condition is kept.
        plan=[(M.reserved_insertion, None, None)],
    ),
    # A reservation needs the trade to fit, not only a local offer.
    Case(
        "transport_not_reserved_despite_offer",
        services("60130000-8", 200_000, local_offer={"insertion": "many"}),
        levels={M.reserved_insertion: None},
    ),
    # A département's marché d'insertion: no hours clause on top (circular).
    Case(
        "department_insertion_contract_no_hours_clause",
        services("85320000-8", 900_000, buyer_kind="department", insertion_contract=True),
        levels={M.insertion_clause: "excluded", M.insertion_services_contract: "recommended"},
    ),
    # No award criterion without procedure (R2122-8).
    Case(
        "no_criterion_without_procedure",
        {"estimated_amount_eur": 48_000},
        regime="no_procedure",
        levels={M.insertion_criterion: "excluded"},
        obligations={AWARD: False},
    ),
    # --- 6. Lots (DOMAIN §8: each lot is a separate contract; CPV hierarchy; R2121-1).
    # 100, 80 and 60 hours (A ÷ 25 × 5 %): each under 150, although the 240 of the total are not.
    Case(
        "cleaning_floor_per_lot",
        services(
            "90919200-4",
            120_000,
            duration_months=12,
            lots=[lot("Site A", 50_000), lot("Site B", 40_000), lot("Site C", 30_000)],
        ),
        lot_hours=[0, 0, 0],
        hours=0,
        levels={M.insertion_clause: "discouraged"},
    ),
    Case(
        "green_spaces_lot_resolves_through_hierarchy",
        {
            "lots": [lot("Bâtiment", 800_000), lot("Espaces verts", 200_000, "45112710-5")],
            "local_offer": {"disability": "many"},
        },
        lots={M.reserved_disability: [2]},
    ),
    Case(
        "lifts_lot_left_out",
        {
            "lots": [
                lot("Gros œuvre", 800_000, "45262500-6"),
                lot("Ascenseurs", 200_000, "45313100-5"),
            ]
        },
        # Lift technicians are qualified: the clause is at most « possible » on that lot.
        lots={M.insertion_clause: [1, 2]},
        lot_hours=[667, 44],
        reason=(M.insertion_clause, "main-d’œuvre qualifiée (Installation d’ascenseurs"),
        plan=[(M.insertion_clause, [1], None)],
    ),
    Case(
        "lots_above_declared_total",
        {"estimated_amount_eur": 5_000_000, "lots": [lot("A", 3_000_000), lot("B", 2_500_000)]},
        regime="formalised",
        warning="dépasse le montant total estimé",
    ),
    # --- 7. Contradictory input.
    Case(
        "social_services_on_works_refused",
        {"estimated_amount_eur": 8_000_000, "social_services": True},
        error="social_services",
    ),
    Case(
        "insertion_contract_on_supplies_refused",
        {"nature": "supplies", "cpv": "30213100-6", "insertion_contract": True},
        error="insertion_contract",
    ),
    Case("works_with_services_cpv_warned", {"cpv": "79713000-5"}, warning="Champs nature et cpv"),
    # --- 8. L2112-2-1 usable: derogation grounds when nothing fits (DOMAIN §1, §8).
    Case(
        "software_licences_derogation_grounds",
        {"nature": "supplies", "cpv": "48000000-8", "estimated_amount_eur": 500_000},
        met_by=[],
        derogation=True,
        warning="justifiez la dérogation",
    ),
    # --- 9. Wording (DOMAIN §8).
    Case(
        "no_offer_no_lot_advice",
        services("90919200-4", 400_000, local_offer={"disability": "none"}),
        never=("réservez plutôt un lot", "appel d’offres infructueux"),
    ),
    Case(
        "cleaning_below_floor_agreement",
        services("90919200-4", 200, duration_months=12),
        text="le calcul donne 0\u00a0heure,",
        never=("heure calculées",),
    ),
]


def run(library: Library, case: Case) -> Advice:
    return advise(make_profile(**case.profile), library, AS_OF)


def level_of(advice: Advice, mechanism: M) -> str | None:
    if mechanism in {e.mechanism for e in advice.excluded}:
        return "excluded"
    found = advice.recommendation(mechanism)
    return found.level.value if found else None


def test_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_expert_case(library: Library, case: Case) -> None:
    if case.error:
        with pytest.raises(ProfileError) as refused:
            make_profile(**case.profile)
        assert [e.field for e in refused.value.errors] == [case.error]
        return
    advice = run(library, case)
    procedure = advice.procedure
    if case.regime:
        assert procedure.regime.value == case.regime
    if case.eu_threshold:
        assert procedure.eu_threshold_eur == case.eu_threshold
    if case.no_procedure_threshold:
        assert procedure.no_procedure_threshold_eur == case.no_procedure_threshold
    for mechanism, expected in case.levels.items():
        assert level_of(advice, mechanism) == expected, mechanism
    for mechanism, numbers in case.lots.items():
        found = advice.recommendation(mechanism)
        assert found and found.applies_to_lots == numbers
    if case.hours is not None:
        assert advice.insertion_hours == case.hours
    if case.lot_hours is not None:
        clause = advice.recommendation(M.insertion_clause)
        assert clause and [lot.hours for lot in clause.lots] == case.lot_hours
    if case.sector:
        assert advice.sizing.sector == case.sector
    results = {o.id: o for o in advice.obligations}
    for oid, applies in case.obligations.items():
        assert results[oid].applies is applies
    if case.met_by is not None:
        assert results[L2112_2_1].met_by == case.met_by
    if case.derogation is not None:
        grounds = results[L2112_2_1].derogation_grounds
        assert bool(grounds) is case.derogation
        assert all("à vérifier" in g for g in grounds)
    if case.warning:
        assert any(case.warning in w for w in advice.warnings), advice.warnings
    if case.reason:
        mechanism, text = case.reason
        found = advice.recommendation(mechanism)
        assert found and any(text in r for r in found.reasons), found
    if case.plan is not None:
        assert advice.plan is not None
        assert [(m.id, m.lots, m.option) for m in advice.plan.mechanisms] == case.plan
    whole = json.dumps(advice.model_dump(mode="json"), ensure_ascii=False)
    if case.text:
        assert case.text in whole
    for text in case.never:
        assert text not in whole
