"""default_strategy: what the advice recommends, on its lots, with its hours."""

from clauses.advisor import Level, advise
from clauses.library import Library
from clauses.library.models import MechanismId
from clauses.profile import load_profile
from clauses.strategy.default import decp_social, default_strategy, hours_lines
from tests.conftest import AS_OF, EXAMPLES, make_profile


def test_every_recommended_mechanism_is_retained_and_nothing_else(library: Library) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        profile = load_profile(path)
        advice = advise(profile, library, AS_OF)
        strategy = default_strategy(profile, advice, library)
        recommended = [r for r in advice.recommendations if r.level is Level.recommended]
        assert [m.id for m in strategy.mechanisms] == [r.mechanism for r in recommended], path
        for retained, r in zip(strategy.mechanisms, recommended, strict=True):
            assert retained.lots == r.applies_to_lots
        assert strategy.facilitator is None and strategy.penalty_eur_per_hour is None


def test_hours_come_from_the_advice_lot_by_lot(library: Library) -> None:
    profile = load_profile(EXAMPLES / "lycee-rehabilitation.yaml")
    advice = advise(profile, library, AS_OF)
    strategy = default_strategy(profile, advice, library)
    clause = advice.recommendation(MechanismId.insertion_clause)
    assert clause is not None
    assert [(h.lot, h.hours) for h in strategy.hours] == [
        (n, lot.hours) for n, lot in enumerate(clause.lots, start=1)
    ]
    assert strategy.total_hours == advice.sizing.hours
    assert strategy.decp_social == advice.decp.considerationsSociales.considerationSociale
    # On chosen lots only, and never a lot without hours.
    assert [h.lot for h in hours_lines(profile, advice, [2, 4])] == [2, 4]


def test_a_contract_without_lots_owes_its_hours_as_a_whole(library: Library) -> None:
    profile = make_profile()
    advice = advise(profile, library, AS_OF)
    strategy = default_strategy(profile, advice, library)
    assert [(h.lot, h.hours) for h in strategy.hours] == [(None, advice.sizing.hours)]


def test_decp_values_follow_the_schema_order_and_say_when_there_is_none(
    library: Library,
) -> None:
    M = MechanismId
    assert decp_social(library, []) == ["Pas de considération sociale"]
    assert decp_social(library, [M.lots_division]) == ["Pas de considération sociale"]
    assert decp_social(library, [M.reserved_insertion, M.insertion_clause]) == [
        "Clause sociale",
        "Marché réservé",
    ]
