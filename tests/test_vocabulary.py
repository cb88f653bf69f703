"""Every value of the project's vocabulary carries its French label, and the store keeps the
same values as before they moved to the domain."""

from __future__ import annotations

import pytest

from clauses import vocabulary
from clauses.advisor.model import Level, Regime
from clauses.profile import BuyerKind, Nature, OfferLevel
from clauses.store import models
from clauses.vocabulary import DossierStatus, Move, Role, Stage

LABELLED: list[type[vocabulary.Labelled]] = [
    DossierStatus,
    Stage,
    Role,
    Nature,
    BuyerKind,
    OfferLevel,
    Level,
    Regime,
]


@pytest.mark.parametrize("enum", LABELLED, ids=lambda e: e.__name__)
def test_each_value_has_its_label(enum: type[vocabulary.Labelled]) -> None:
    for member in enum:
        assert member.label.strip(), member
    # The table is not a member: Enum leaves dunder names out.
    assert "__labels__" not in enum.__members__


def test_every_labelled_enum_is_checked() -> None:
    assert set(vocabulary.Labelled.__subclasses__()) == set(LABELLED)


def test_each_move_has_its_action() -> None:
    assert Move.publish.action == "Publication de la consultation"
    assert all(m.action for m in Move)


def test_the_store_keeps_the_same_values() -> None:
    assert models.Stage is Stage and models.Role is Role and models.DossierStatus is DossierStatus
    assert [s.value for s in Stage] == ["draft", "published", "awarded", "in_execution", "closed"]
    assert [r.value for r in Role] == ["acheteur", "referent", "admin"]
    assert [s.value for s in DossierStatus] == ["draft", "archived"]
    assert sorted(Role, key=lambda r: r.rank) == [Role.acheteur, Role.referent, Role.admin]
    assert Stage.closed.label == vocabulary.STAGE_LABELS[Stage.closed] == "clos"
