"""Every value of the project's vocabulary carries its French label, and the store keeps the
same values as before they moved to the domain."""

from __future__ import annotations

from typing import Any

import pytest

from clauses import vocabulary
from clauses.advisor.model import Level, Regime
from clauses.profile import BuyerKind, Nature, OfferLevel
from clauses.store import models
from clauses.vocabulary import DossierStatus, Move, Role, Stage

# Each has a ``label`` (which StrEnum does not declare: the list is of Any).
LABELLED: list[Any] = [
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
def test_each_value_has_its_label(enum: Any) -> None:
    for member in enum:
        assert member.label.strip(), member


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
