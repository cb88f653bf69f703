"""Records of two organisations, and their SPASER figures computed by hand (:func:`assert_alpha_2027`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from clauses.advisor import advise
from clauses.advisor.model import Level
from clauses.decp import parse_award
from clauses.followup import FollowUp, HoursRecord, PeopleCount
from clauses.library import Library
from clauses.library.models import MechanismId
from clauses.spaser import ContractRecord, Indicators
from clauses.spaser.indicators import CountValue
from clauses.strategy.model import Derogation, HoursLine, ResolvedMechanism, ResolvedStrategy
from tests.conftest import AS_OF, make_profile

REGION = "Région Alpha"


def award(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "M-1",
        "buyer_siret": "23350001600040",
        "notification_date": "2027-03-01",
        "publication_date": "2027-03-20",
        "procedure": "Appel d'offres ouvert",
        "techniques": ["Sans objet"],
        "execution_modalities": ["Sans objet"],
        "offers_received": 3,
        "amount_eur": 100_000,
        "price_form": "Forfaitaire",
        "price_types": ["Définitif ferme"],
        "place": {"code": "35", "type": "Code département"},
        "holders": [{"id_type": "SIRET", "id": "55204599900869"}],
        "grouping": "Pas de groupement",
        "subcontracting_declared": False,
        "advance_payment": False,
        "innovative": False,
        "environmental_considerations": ["Pas de considération environnementale"],
    }
    data.update(changes)
    if "publication_date" not in changes:  # published once every contract is notified
        notified = [data.get("notification_date")] + [
            lot.get("notification_date") for lot in data.get("lots") or []
        ]
        last = max(dt.date.fromisoformat(day) for day in notified if day)
        data["publication_date"] = (last + dt.timedelta(days=19)).isoformat()
    return {k: v for k, v in data.items() if v is not None}


def mechanism(id: MechanismId, lots: list[int] | None = None) -> ResolvedMechanism:
    return ResolvedMechanism(
        id=id, title=id.value, level=Level.recommended, legal_basis=["L2112-2"], lots=lots or []
    )


def hours(lot: int | None, amount: float, value: int) -> HoursLine:
    return HoursLine(lot=lot, title=f"lot {lot}", estimated_amount_eur=amount, hours=value)


def record(
    library: Library,
    label: str,
    profile: dict[str, Any],
    strategy: ResolvedStrategy,
    award_data: dict[str, Any] | None,
    records: list[HoursRecord] | None = None,
    organisation: str = REGION,
) -> ContractRecord:
    tender = make_profile(**profile)
    return ContractRecord(
        organisation=organisation,
        label=label,
        profile=tender,
        advice=advise(tender, library, AS_OF),
        strategy=strategy,
        award=parse_award(award_data) if award_data is not None else None,
        followup=FollowUp(records=records or []),
    )


def period(end: str, lot: int | None, value: float, *people: PeopleCount) -> HoursRecord:
    last = dt.date.fromisoformat(end)
    return HoursRecord(
        lot=lot,
        period_start=last.replace(day=1),
        period_end=last,
        way="direct_hiring",
        hours=value,
        people=list(people),
    )


def records(library: Library) -> list[ContractRecord]:
    clause = mechanism(MechanismId.insertion_clause)
    lots = [
        {"title": "Gros œuvre", "estimated_amount_eur": 4_000_000},
        {"title": "Peinture", "estimated_amount_eur": 2_000_000},
    ]
    holders = [{"id_type": "SIRET", "id": "55204599900869"}]
    return [
        record(
            library,
            "Lycée",
            {"estimated_amount_eur": 6_000_000, "lots": lots},
            ResolvedStrategy(
                mechanisms=[clause, mechanism(MechanismId.reserved_insertion, [2])],
                hours=[hours(1, 4_000_000, 2000), hours(2, 2_000_000, 500)],
            ),
            award(
                id=None, amount_eur=None, holders=None,
                environmental_considerations=["Clause environnementale"],
                lots=[
                    {"lot": 1, "id": "L-1", "amount_eur": 3_900_000, "holders": holders},
                    {"lot": 2, "id": "L-2", "amount_eur": 1_950_000, "holders": holders,
                     "notification_date": "2027-05-01"},
                ],
            ),
            [
                period("2027-06-30", 1, 600, PeopleCount(public="rsa", contract_type="cdd",
                                                         count=2, outcome="employment")),
                period("2027-06-30", 2, 200, PeopleCount(public="rqth", contract_type="cdi",
                                                         count=1)),
                period("2028-01-31", 1, 100),
            ],
        ),
        record(
            library,
            "Nettoyage",
            {"nature": "services", "cpv": "90919200-4", "estimated_amount_eur": 300_000},
            ResolvedStrategy(
                mechanisms=[],
                derogation=Derogation(ground="Motif déclaré", justification="Pas de main-d’œuvre"),
            ),
            award(id="N-1", amount_eur=280_000, notification_date="2027-06-01"),
        ),
        record(
            library,
            "Ordinateurs",
            {"nature": "supplies", "cpv": "30213100-6", "estimated_amount_eur": 250_000},
            ResolvedStrategy(mechanisms=[]),
            award(id="O-1", amount_eur=240_000, notification_date="2027-09-01",
                  environmental_considerations=["Critère environnemental"]),
        ),
        record(
            library,
            "Toiture",
            {"estimated_amount_eur": 80_000},
            ResolvedStrategy(mechanisms=[mechanism(MechanismId.insertion_criterion)]),
            award(id="T-1", amount_eur=75_000, notification_date="2027-10-01"),
        ),
        record(  # notified in 2026: its hours performed in 2027 count, not the contract
            library,
            "Formation 2026",
            {"nature": "services", "cpv": "90919200-4", "estimated_amount_eur": 500_000},
            ResolvedStrategy(mechanisms=[clause], hours=[hours(None, 500_000, 900)]),
            award(id="F-1", amount_eur=480_000, notification_date="2026-12-15"),
            [period("2027-02-28", None, 200, PeopleCount(public="rsa", contract_type="cdd",
                                                         count=1))],
        ),
        record(
            library,
            "Autre région",
            {"estimated_amount_eur": 900_000},
            ResolvedStrategy(mechanisms=[clause], hours=[hours(None, 900_000, 700)]),
            award(id="X-1", amount_eur=900_000),
            [period("2027-06-30", None, 700)],
            organisation="Région Bêta",
        ),
        record(
            library,
            "Incomplet",
            {"estimated_amount_eur": 120_000},
            ResolvedStrategy(mechanisms=[clause]),
            award(id="I-1", procedure=None),
        ),
        record(library, "Non attribué", {"estimated_amount_eur": 120_000},
               ResolvedStrategy(mechanisms=[clause]), None),
    ]  # fmt: skip


def assert_alpha_2027(ind: Indicators) -> None:
    """Région Alpha's 2027 figures, computed by hand from :func:`records`."""
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


def assert_alpha_2026_and_beta_2027(alpha_2026: Indicators, beta_2027: Indicators) -> None:
    assert alpha_2026.contracts == CountValue(1, 480_000)
    assert alpha_2026.hours_planned == 900
    assert alpha_2026.hours_performed == 0
    assert beta_2027.contracts == CountValue(1, 900_000)
    assert beta_2027.hours_performed == 700
    assert beta_2027.left_out == []


def crowded(ind: Indicators, library: Library) -> Indicators:
    """The year with every public (the tallest chart) and a long list of dossiers left out."""
    publics = {p: n for n, p in enumerate(library.followup.publics.by_id, start=1)}
    left_out = [f"Dossier {n} : award.procedure manquant" for n in range(1, 81)]
    return dataclasses.replace(ind, people_by_public=publics, left_out=left_out)
