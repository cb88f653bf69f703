"""The compatibility rules of clause_library/compatibility.yaml, through conflicts()."""

import pytest

from clauses.advisor.compatibility import Selection, conflicts
from clauses.library import Library
from clauses.library.models import MechanismId as M


def rules(selections: list[Selection], library: Library) -> list[tuple[int, str]]:
    return [(c.index, c.rule) for c in conflicts(selections, library)]


def test_two_whole_contract_reservations_conflict(library: Library) -> None:
    found = conflicts([Selection(M.reserved_disability), Selection(M.reserved_insertion)], library)
    assert [(c.index, c.rule) for c in found] == [(1, "one_whole_contract_reservation")]
    message = found[0].message
    assert message.startswith("Un seul marché réservé pour l’ensemble du marché")
    assert library.mechanisms[M.reserved_disability].title in message
    assert library.mechanisms[M.reserved_insertion].title in message


def test_reservations_on_different_lots_are_compatible(library: Library) -> None:
    selections = [Selection(M.reserved_disability, (1,)), Selection(M.reserved_insertion, (2, 3))]
    assert conflicts(selections, library) == []


def test_two_reservations_on_a_common_lot_conflict(library: Library) -> None:
    selections = [Selection(M.reserved_disability, (1, 2)), Selection(M.reserved_insertion, (2,))]
    found = conflicts(selections, library)
    assert [(c.index, c.rule) for c in found] == [(1, "one_reservation_per_lot")]
    assert "le lot 2" in found[0].message


def test_whole_contract_reservation_and_reserved_lot_are_different_choices(
    library: Library,
) -> None:
    same = [Selection(M.reserved_disability), Selection(M.reserved_disability, (2,))]
    assert rules(same, library) == [(1, "whole_contract_or_reserved_lots")]
    other = [Selection(M.reserved_insertion, (1, 3)), Selection(M.reserved_disability)]
    assert rules(other, library) == [(1, "whole_contract_or_reserved_lots")]


@pytest.mark.parametrize("lots", [((), ()), ((1,), ()), ((), (2,)), ((1, 2), (2,))])
def test_insertion_contract_excludes_hours_clause_where_they_meet(
    library: Library, lots: tuple[tuple[int, ...], tuple[int, ...]]
) -> None:
    selections = [
        Selection(M.insertion_services_contract, lots[0]),
        Selection(M.insertion_clause, lots[1]),
    ]
    assert rules(selections, library) == [(1, "insertion_contract_excludes_hours_clause")]


def test_insertion_contract_and_hours_clause_on_other_lots(library: Library) -> None:
    selections = [
        Selection(M.insertion_services_contract, (1,)),
        Selection(M.insertion_clause, (2,)),
    ]
    assert conflicts(selections, library) == []


def test_unrelated_mechanisms_and_duplicates_do_not_conflict(library: Library) -> None:
    selections = [
        Selection(M.insertion_clause, (3,)),
        Selection(M.insertion_criterion),
        Selection(M.lots_division),
        Selection(M.reserved_insertion, (1,)),
        Selection(M.reserved_insertion, (2,)),
    ]
    assert conflicts(selections, library) == []


@pytest.mark.parametrize(
    "reservation", [M.reserved_disability, M.reserved_insertion, M.reserved_both, M.reserved_prison]
)
def test_a_reserved_lot_never_carries_an_hours_clause(library: Library, reservation: M) -> None:
    """DOMAIN §9: the holder's workers are eligible publics by definition."""
    on_lot = [Selection(reservation, (2,)), Selection(M.insertion_clause, (1, 2))]
    assert rules(on_lot, library) == [(1, "reserved_perimeter_excludes_hours_clause")]
    whole = [Selection(M.insertion_clause), Selection(reservation, (2,))]
    assert rules(whole, library) == [(1, "reserved_perimeter_excludes_hours_clause")]
    elsewhere = [Selection(reservation, (2,)), Selection(M.insertion_clause, (1, 3))]
    assert rules(elsewhere, library) == []


def test_an_ess_reservation_may_carry_an_hours_clause(library: Library) -> None:
    """ESS enterprises' staff are not eligible publics by definition: the rule does not apply."""
    assert rules([Selection(M.reserved_ess), Selection(M.insertion_clause)], library) == []


def test_the_later_selection_is_refused_once_per_rule(library: Library) -> None:
    selections = [
        Selection(M.reserved_disability),
        Selection(M.reserved_insertion),
        Selection(M.reserved_both),
    ]
    assert rules(selections, library) == [
        (1, "one_whole_contract_reservation"),
        (2, "one_whole_contract_reservation"),
    ]
