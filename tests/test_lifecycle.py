"""The moves of a dossier's life: from which stage, by which role, with which date."""

from __future__ import annotations

import datetime as dt

import pytest

from clauses import lifecycle
from clauses.lifecycle import Move, MoveRefused, Stage
from clauses.store.models import Role

TODAY = dt.date(2027, 6, 1)
# Who may make each move (roles are cumulative; an invited facilitator, None, makes none).
EXPECTED = {
    Move.publish: (Stage.draft, Role.acheteur),
    Move.unpublish: (Stage.published, Role.referent),
    Move.award: (Stage.published, Role.acheteur),
    Move.start: (Stage.awarded, Role.acheteur),
    Move.close: (Stage.in_execution, Role.referent),
    Move.reopen: (Stage.closed, Role.referent),
}
RANK = [None, Role.acheteur, Role.referent, Role.admin]


@pytest.mark.parametrize("move", list(Move))
@pytest.mark.parametrize("role", RANK)
def test_each_move_by_each_role_from_each_stage(move: Move, role: Role | None) -> None:
    source, least = EXPECTED[move]
    for stage in Stage:
        if stage is not source:
            with pytest.raises(MoveRefused) as wrong:
                lifecycle.check_move(move, stage, role)
            assert wrong.value.errors[0].field == "stage" and not wrong.value.forbidden
            continue
        if role is not None and RANK.index(role) >= RANK.index(least):
            assert lifecycle.check_move(move, stage, role).source is source
        else:
            with pytest.raises(MoveRefused) as refused:
                lifecycle.check_move(move, stage, role)
            assert refused.value.forbidden
            assert refused.value.errors[0].field == "role"


def test_the_moves_offered_follow_the_role() -> None:
    assert [r.move for r in lifecycle.moves_from(Stage.published, Role.acheteur)] == [Move.award]
    assert [r.move for r in lifecycle.moves_from(Stage.published, Role.referent)] == [
        Move.unpublish,
        Move.award,
    ]
    assert lifecycle.moves_from(Stage.in_execution, None) == []
    assert lifecycle.moves_from(Stage.in_execution, Role.acheteur) == []


def test_the_dates_of_a_move() -> None:
    rule = lifecycle.RULES[Move.close]
    assert lifecycle.check_date(rule, dt.date(2027, 5, 1), dt.date(2027, 4, 1), TODAY)
    for value, after, message in [
        (None, None, "date de clôture obligatoire"),
        (dt.date(2027, 6, 2), None, "ne peut pas être postérieure à aujourd’hui"),
        (dt.date(2027, 3, 1), dt.date(2027, 4, 1), "ne peut pas précéder le 01/04/2027"),
    ]:
        with pytest.raises(MoveRefused) as refused:
            lifecycle.check_date(rule, value, after, TODAY)
        assert refused.value.errors[0].field == "date"
        assert message in refused.value.errors[0].message
