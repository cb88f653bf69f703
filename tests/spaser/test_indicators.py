"""SPASER figures of Région Alpha for 2027, against the figures computed by hand below."""

from __future__ import annotations

import pytest

from clauses.library import Library
from clauses.library.models import ObligationId
from clauses.spaser import indicators
from clauses.spaser.indicators import CountValue
from tests.spaser.fixtures import REGION, records


def test_the_fixture_is_what_the_hand_computation_assumes(library: Library) -> None:
    applies = {
        r.label: any(
            o.applies
            for o in r.advice.obligations
            if o.id is ObligationId.social_consideration_above_eu_threshold
        )
        for r in records(library)
    }
    assert applies["Lycée"] and applies["Nettoyage"] and applies["Ordinateurs"]
    assert not applies["Toiture"]


def test_hand_computed_figures(library: Library) -> None:
    ind = indicators(records(library), REGION, 2027, library)
    # Contracts notified in 2027: lycée lot 1 (3 900 000) and lot 2 (1 950 000), nettoyage
    # (280 000), ordinateurs (240 000), toiture (75 000).
    assert ind.contracts == CountValue(5, 6_445_000)
    # With a social consideration: the two lycée lots and the toiture's criterion.
    assert ind.with_social == CountValue(3, 5_925_000)
    assert ind.share_count == 0.6
    assert ind.share_value == pytest.approx(5_925_000 / 6_445_000)
    assert ind.by_social == {
        "Clause sociale": CountValue(2, 5_850_000),
        "Critère social": CountValue(1, 75_000),
        "Marché réservé": CountValue(1, 1_950_000),
        "Pas de considération sociale": CountValue(2, 520_000),
    }
    assert ind.by_environmental == {
        "Clause environnementale": CountValue(2, 5_850_000),
        "Critère environnemental": CountValue(1, 240_000),
        "Pas de considération environnementale": CountValue(2, 355_000),
    }
    assert ind.with_environmental == CountValue(3, 6_090_000)
    # Hours planned: the lycée's two awarded lots (2 000 + 500). Performed in periods ending in
    # 2027: 600 + 200 on the lycée, 200 on the 2026 contract; not the 100 of January 2028.
    assert ind.hours_planned == 2500
    assert ind.hours_performed == 1000
    assert ind.fte_performed == 1000 / 1600
    assert ind.people_by_public == {"rsa": 3, "rqth": 1}
    assert ind.outcomes == {"employment": 2}
    assert (ind.reserved_contracts, ind.reserved_lots) == (0, 1)
    # L2112-2-1: lycée (met), nettoyage (derogation), ordinateurs (neither).
    assert ind.compliance.applies == 3
    assert ind.compliance.with_social == 1
    assert [(d.label, d.justification) for d in ind.compliance.derogations] == [
        ("Nettoyage", "Pas de main-d’œuvre")
    ]
    assert ind.compliance.without == ["Ordinateurs"]
    # OECP basis: contracts of at least 90 000 € (four) with a « Clause sociale » (two).
    assert (ind.national.eligible, ind.national.share) == (4, 0.5)
    assert (ind.national.national_year, ind.national.national_all) == (2023, 0.187)
    assert ind.national.national_collectivites == 0.127
    assert [(t.target, t.share) for t in ind.targets] == [(0.30, 0.6)]
    assert ind.left_out == [
        "Incomplet : award.procedure : champ obligatoire des données essentielles (DECP) manquant"
    ]


def test_another_year_and_another_organisation(library: Library) -> None:
    ind = indicators(records(library), REGION, 2026, library)
    assert ind.contracts == CountValue(1, 480_000)
    assert ind.hours_planned == 900
    assert ind.hours_performed == 0
    other = indicators(records(library), "Région Bêta", 2027, library)
    assert other.contracts == CountValue(1, 900_000)
    assert other.hours_performed == 700
    assert other.left_out == []
