"""The plan a facilitator would sign (issue 18, DOMAIN §9): one coherent set of levers per lot,
chosen by default. Each case is a tender a Région buys, with what DOMAIN §9 expects of it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from clauses.advisor import Advice, Level, advise
from clauses.advisor.model import Plan
from clauses.library import Library
from clauses.library.models import MechanismId as M
from clauses.library.models import Trade
from clauses.profile import load_profile, parse_profile
from clauses.strategy.choose import resolved_or_raise
from tests.conftest import AS_OF, EXAMPLES
from tests.drafting.helpers import full_text, make_draft, plain, reopen

RESERVATIONS = {
    M.reserved_disability,
    M.reserved_insertion,
    M.reserved_both,
    M.reserved_prison,
    M.reserved_ess,
}
NEVER_RESERVED = {Trade.structural, Trade.envelope, Trade.fluids, Trade.electrical}
SRC = Path(__file__).resolve().parents[2] / "src" / "clauses"


def tender(**data: Any) -> Advice:
    base: dict[str, Any] = {
        "title": "Marché de la Région",
        "duration_months": 24,
        "launch_date": "2026-11-02",
        "buyer_kind": "region",
        "facilitator_available": True,
    }
    return advise(parse_profile({**base, **data}), LIBRARY, AS_OF)


def lot(title: str, cpv: str, amount: float) -> dict[str, Any]:
    return {"title": title, "cpv": cpv, "estimated_amount_eur": amount}


def levers(plan: Plan) -> dict[int | None, set[M]]:
    return {p.lot: {x.mechanism for x in p.levers} for p in plan.perimeters}


def assert_coherent(advice: Advice, library: Library) -> None:
    """DOMAIN §9: at most one reservation, never on a structural, envelope, fluids or electrical
    works lot, never with an hours clause on the same lot; the hours clause on the other lots
    where it is « recommandé »."""
    plan = advice.plan
    assert plan is not None
    by_lot = levers(plan)
    reserved = [n for n, found in by_lot.items() if found & RESERVATIONS]
    assert len(reserved) <= 1, reserved
    lots = advice.recommendation(M.insertion_clause)
    for number, found in by_lot.items():
        assert not (found & RESERVATIONS and M.insertion_clause in found), number
    for number in reserved:
        assert number is not None
        perimeter = plan.perimeters[number - 1]
        assert perimeter.levers[0].why and "réservé" in perimeter.levers[0].why[0]
    if lots is not None:
        for assessment in lots.per_lot:
            found = by_lot[assessment.lot]
            if assessment.level is Level.recommended and not found & RESERVATIONS:
                assert M.insertion_clause in found, assessment.lot


def trades_of(data: dict[str, Any]) -> list[Trade | None]:
    out = []
    for item in data["lots"]:
        sector = LIBRARY.sector_for(item["cpv"])
        out.append(sector.trade if sector else None)
    return out


@pytest.fixture(scope="module", autouse=True)
def _library(library: Library) -> None:
    global LIBRARY
    LIBRARY = library


LIBRARY: Library

NEW_LYCEE = {
    "title": "Construction du lycée de Saint-Aubin",
    "nature": "works",
    "cpv": "45214220-8",
    "estimated_amount_eur": 21_500_000,
    "duration_months": 30,
    "local_offer": {"insertion": "many", "disability": "some"},
    "lots": [
        lot("VRD, terrassements", "45233140-2", 1_600_000),
        lot("Gros œuvre", "45262500-6", 6_800_000),
        lot("Charpente, couverture", "45261000-4", 1_900_000),
        lot("Façades, vitrerie", "45443000-4", 1_400_000),
        lot("Menuiseries intérieures", "45421000-4", 1_200_000),
        lot("Plâtrerie, cloisons", "45410000-4", 1_300_000),
        lot("Revêtements de sols", "45432000-4", 900_000),
        lot("Peinture", "45442100-8", 650_000),
        lot("Plomberie, chauffage, ventilation", "45330000-9", 2_600_000),
        lot("Électricité, courants faibles", "45311000-0", 2_100_000),
        lot("Ascenseurs", "45313100-5", 350_000),
        lot("Espaces verts", "45112710-5", 700_000),
    ],
}

CATERING = {
    "title": "Restauration collective de trois lycées",
    "nature": "services",
    "cpv": "55523100-3",
    "estimated_amount_eur": 2_400_000,
    "duration_months": 48,
    "local_offer": {"insertion": "some", "disability": "some"},
    "lots": [
        lot("Lycée A", "55523100-3", 900_000),
        lot("Lycée B", "55523100-3", 800_000),
        lot("Lycée C", "55523100-3", 700_000),
    ],
}


def test_lycee_rehabilitation_hours_on_structure_one_finishing_lot_reserved(
    library: Library,
) -> None:
    advice = advise(load_profile(EXAMPLES / "lycee-rehabilitation.yaml"), library, AS_OF)
    assert_coherent(advice, library)
    assert advice.plan is not None
    by_lot = levers(advice.plan)
    # Gros œuvre and the steel frame: structural, an hours clause, never a reservation.
    assert by_lot[1] == {M.insertion_clause} and by_lot[2] == {M.insertion_clause}
    # The painting lot (a finishing trade) is the only one reserved, with its non-hours
    # condition (L2112-2-1 applies; whether the reservation alone meets it is to verify).
    assert by_lot[3] == {M.reserved_insertion, M.other_social_condition}
    assert by_lot[4] == {M.insertion_clause} and by_lot[5] == {M.insertion_clause}
    reserved = advice.recommendation(M.reserved_insertion)
    assert reserved and reserved.applies_to_lots == [3]
    condition = advice.plan.perimeters[2].levers[1]
    assert condition.option == "worker_support" and "à vérifier" in condition.why[0]


def test_new_lycee_in_twelve_lots(library: Library) -> None:
    advice = tender(**NEW_LYCEE)
    assert_coherent(advice, library)
    assert advice.plan is not None
    by_lot = levers(advice.plan)
    trades = trades_of(NEW_LYCEE)
    reserved = [n for n, found in by_lot.items() if found & RESERVATIONS]
    # One reservation, on a finishing trade: the one of smallest annual value (painting).
    assert reserved == [8]
    assert trades[7] is Trade.finishing
    for number, trade in enumerate(trades, start=1):
        if trade in NEVER_RESERVED:
            assert not by_lot[number] & RESERVATIONS, number
    # Lifts: qualified technicians, no « recommandé » hours clause; L2112-2-1 applies, so
    # another social condition is the lever there.
    clause = advice.recommendation(M.insertion_clause)
    assert clause and clause.level_on(11) is Level.possible
    assert by_lot[11] == {M.other_social_condition}
    # The other finishing lots could be reserved instead: the plan says so.
    assert any("le lot" in n.text or "les lots" in n.text for n in advice.plan.notes)


def test_catering_in_three_lots_no_stacking(library: Library) -> None:
    advice = tender(**CATERING)
    assert_coherent(advice, library)
    assert advice.plan is not None
    # « Quelques structures »: a reservation is only « possible », the hours clause is the
    # lever on every lot.
    disability = advice.recommendation(M.reserved_disability)
    assert disability and disability.level is Level.possible
    assert all(found == {M.insertion_clause} for found in levers(advice.plan).values())


def test_undivided_cleaning_reserved_whole_for_its_annual_value() -> None:
    advice = tender(
        nature="services",
        cpv="90919200-4",
        estimated_amount_eur=1_200_000,
        duration_months=48,
        local_offer={"disability": "many", "insertion": "some"},
    )
    assert advice.procedure.above_eu_threshold
    reserved = advice.recommendation(M.reserved_disability)
    assert reserved and reserved.level is Level.recommended and reserved.applies_to_lots == []
    assert any("soit 300\u00a0000\u00a0€ par an" in r for r in reserved.reasons)
    assert any("au moins deux structures" in r for r in reserved.reasons)
    assert advice.plan is not None
    assert [(m.id, m.lots) for m in advice.plan.mechanisms] == [
        (M.reserved_disability, None),
        (M.other_social_condition, None),
    ]


def test_printing_with_some_structures_is_possible() -> None:
    advice = tender(
        nature="services",
        cpv="79810000-5",
        estimated_amount_eur=300_000,
        duration_months=48,
        local_offer={"disability": "some"},
    )
    reserved = advice.recommendation(M.reserved_disability)
    assert reserved and reserved.level is Level.possible
    assert any("75\u00a0000\u00a0€ par an" in r for r in reserved.reasons)
    assert any("sourcing" in w for w in advice.warnings)


@pytest.mark.parametrize(
    ("cpv", "trade"),
    [
        ("50750000-7", "ascenseurs"),
        ("71631300-3", "contrôle"),
        ("85121270-6", "psychologue"),
    ],
)
def test_qualified_labour_has_no_recommended_hours_clause(cpv: str, trade: str) -> None:
    # Above every EU threshold (750 000 € for health services): L2112-2-1 applies.
    advice = tender(nature="services", cpv=cpv, estimated_amount_eur=900_000, duration_months=36)
    clause = advice.recommendation(M.insertion_clause)
    assert clause is None or clause.level is not Level.recommended
    other = advice.recommendation(M.other_social_condition)
    assert other is not None and other.level is Level.recommended
    assert {"apprentices", "sheltered_subcontracting"} <= set(other.options_on(None))
    assert advice.plan is not None
    assert [m.id for m in advice.plan.mechanisms] == [M.other_social_condition]
    assert (
        trade in advice.plan.perimeters[0].levers[0].why[0].lower()
        or "qualifi" in (advice.plan.perimeters[0].levers[0].why[0])
    )


def test_a_labour_intensive_lot_keeps_its_clause_beside_a_supplies_lot() -> None:
    """Each lot is a separate contract: the refurbishing lot is not averaged with the laptops."""
    advice = tender(
        title="Ordinateurs portables pour les lycéens",
        nature="supplies",
        cpv="30213100-6",
        estimated_amount_eur=1_150_000,
        duration_months=12,
        lots=[
            lot("Reconditionnement des ordinateurs", "50320000-4", 250_000),
            lot("Fourniture des ordinateurs portables", "30213100-6", 900_000),
        ],
    )
    clause = advice.recommendation(M.insertion_clause)
    assert clause is not None
    assert clause.level_on(1) in {Level.recommended, Level.possible}
    assert clause.lots[0].hours == 208
    assert clause.level_on(2) is Level.discouraged
    assert advice.plan is not None
    by_lot = levers(advice.plan)
    assert M.insertion_clause in by_lot[1]
    assert by_lot[2] == {M.other_social_condition}  # the ILO supply-chain condition
    assert advice.plan.perimeters[1].levers[0].option == "ilo_supply_chain"


def test_a_buildings_project_management_is_never_divided() -> None:
    advice = tender(
        title="Maîtrise d’œuvre de la construction du lycée",
        nature="services",
        cpv="71221000-3",
        estimated_amount_eur=2_000_000,
        duration_months=48,
    )
    assert advice.recommendation(M.lots_division) is None
    ids = [n.id for n in advice.notes]
    assert "project_management_whole" in ids and "non_allotment_motivation" not in ids
    text = " ".join(advice.warnings)
    assert "L2431-1" in text and "R2172-2, à vérifier" in text
    assert "diviser en lots" not in text


def test_an_undivided_contract_above_the_threshold_asks_its_motivation() -> None:
    advice = tender(
        nature="services", cpv="60130000-8", estimated_amount_eur=900_000, duration_months=36
    )
    assert "non_allotment_motivation" in [n.id for n in advice.notes]
    assert any("motivent le choix de ne pas allotir" in w for w in advice.warnings)


def test_a_set_aside_reservation_leaves_no_warning_in_the_draft(library: Library) -> None:
    """A warning is a value tied to its mechanism: the drafter prints it only when the
    strategy retains that mechanism (issue 18: « Marché réservé (L2113-12) sans offre
    locale… » reached the Word file)."""
    data = {
        "title": "Nettoyage des lycées",
        "nature": "services",
        "cpv": "90919200-4",
        "estimated_amount_eur": 900_000,
        "duration_months": 36,
        "launch_date": "2026-11-02",
        "local_offer": {"disability": "none", "insertion": "many"},
    }
    profile = parse_profile(data)
    advice = advise(profile, library, AS_OF)
    warning = next(n for n in advice.notes if n.id == "reservation_no_offer")
    assert warning.mechanism is M.reserved_disability
    assert "Marché réservé (L2113-12) sans offre locale" in warning.text
    assert advice.plan is not None
    assert M.reserved_disability not in [m.id for m in advice.plan.mechanisms]
    text = plain(full_text(reopen(make_draft(profile, library, AS_OF).content)))
    assert "sans offre locale connue" not in text
    # Retained by the buyer all the same, its warning is in the draft.
    strategy = resolved_or_raise(
        profile,
        advice,
        {"mechanisms": [{"id": "reserved_disability"}, {"id": "other_social_condition",
                                                         "option": "worker_support"}]},
        library,
    )  # fmt: skip
    text = plain(full_text(reopen(make_draft(profile, library, AS_OF, strategy=strategy).content)))
    assert "sans offre locale connue" in text


def test_fte_are_years_and_an_average() -> None:
    advice = tender(
        nature="works", cpv="45262500-6", estimated_amount_eur=6_000_000, duration_months=24
    )
    assert advice.sizing.hours == 5000
    assert advice.sizing.fte == 3.1  # 5 000 ÷ 1 600: années-ETP over the contract
    assert advice.sizing.fte_average == 1.6  # over two years
    clause = advice.recommendation(M.insertion_clause)
    assert clause and any(
        "soit 3,1 années-ETP sur la durée du marché (1,6 ETP en moyenne)" in r
        for r in clause.reasons
    )


def test_every_note_the_advisor_names_has_its_text_and_every_text_is_used(
    library: Library,
) -> None:
    """The French of the advice lives in clause_library/notes.yaml: no id without its text, no
    text left unused."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (SRC / "advisor").rglob("*.py"))
    calls = re.findall(r"""\bn(?:ote)?\(\s*(?:library,\s*)?(?:f?"([a-z_]+)")""", code)
    conditional = re.findall(r'"([a-z_]+)" if [^"\n]+ else "([a-z_]+)"', code)
    texts = set(library.notes)
    # « "a" if … else "b" » picks a note when one of the two is a note.
    named = {*calls, *(name for pair in conditional if set(pair) & texts for name in pair)}
    named |= set(re.findall(r'"((?:cause|hours|plan)_[a-z_]+)"', code))
    offers = {f"reservation_offer_{o}" for o in ("many", "some", "unknown", "none")}
    assert 'f"reservation_offer_{offer.value}"' in code
    assert (named - {"reservation_offer_"}) - texts == set()
    assert texts - named - offers == set()
