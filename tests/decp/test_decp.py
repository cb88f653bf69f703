"""The DECP export: every example, given its award, validates; broken ones are refused by name."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from clauses.advisor import advise
from clauses.cli import main
from clauses.decp import (
    Award,
    Contract,
    DecpError,
    DecpSchema,
    decp_batch,
    decp_document,
    parse_award,
)
from clauses.decp.resolve import resolve_strategy
from clauses.library import Library
from clauses.library.models import MechanismId as M
from clauses.profile import ProfileError, parse_profile
from tests.conftest import AS_OF, EXAMPLES, SHARED_DATA

SCHEMA_PATH = SHARED_DATA / "decp" / "schema" / "schema_decp_v2.0.3.json"
AWARDS = EXAMPLES / "award"
OFFICIAL = Draft7Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
NAMES = sorted(p.stem for p in AWARDS.glob("*.yaml"))


@pytest.fixture(scope="module")
def schema() -> DecpSchema:
    return DecpSchema.load(SCHEMA_PATH)


def example(name: str) -> dict[str, Any]:
    """The example profile with its award key, as a profile file would hold them."""
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text("utf-8"))
    data.update(yaml.safe_load((AWARDS / f"{name}.yaml").read_text("utf-8")))
    return data


def build(data: dict[str, Any], library: Library, schema: DecpSchema) -> dict[str, Any]:
    data = copy.deepcopy(data)
    award = parse_award(data.pop("award"))
    strategy_data = data.pop("strategy", None)
    profile = parse_profile(data)
    strategy = resolve_strategy(profile, advise(profile, library, AS_OF), library, strategy_data)
    return decp_document(profile, award, strategy, library, schema)


def test_every_example_has_an_award_file() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.yaml")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_example_given_its_award_validates(
    name: str, library: Library, schema: DecpSchema
) -> None:
    data = example(name)
    document = build(data, library, schema)
    assert OFFICIAL.is_valid(document)  # decp_document checked it; check it again as published
    marches = document["marches"]["marche"]
    lots = data["award"].get("lots")
    assert len(marches) == (len(lots) if lots else 1)
    for marche in marches:
        assert len(marche["codeCPV"]) == 8
        assert marche["dureeMois"] == data["duration_months"]
        social = marche["considerationsSociales"]["considerationSociale"]
        assert "Pas de considération sociale" not in social or social == [
            "Pas de considération sociale"
        ]


def test_a_lot_is_a_contract_of_its_own(library: Library, schema: DecpSchema) -> None:
    marches = build(example("lycee-rehabilitation"), library, schema)["marches"]["marche"]
    # Lot 4 is not in the award (not awarded): no marche for it.
    assert [m["id"] for m in marches] == [
        "2026-TRX-014-01",
        "2026-TRX-014-02",
        "2026-TRX-014-03",
        "2026-TRX-014-05",
    ]
    first, last = marches[0], marches[-1]
    assert first["objet"].endswith("lot 1 : Gros œuvre – maçonnerie")
    assert first["codeCPV"] == "45262500"
    assert first["montant"] == 2540000
    assert len(first["titulaires"]) == 2
    assert first["typeGroupementOperateurs"] == "Solidaire"  # the lot's own
    assert first["offresRecues"] == 5
    assert last["offresRecues"] == 4  # the award's, the lot gives none
    assert last["dateNotification"] == "2026-11-27"
    assert first["ccag"] == "Travaux"  # derived from the nature


def test_social_considerations_follow_the_lots_they_are_retained_on(
    library: Library, schema: DecpSchema
) -> None:
    data = example("espaces-verts")
    data["strategy"] = {"mechanisms": [{"id": "insertion_clause", "lots": [2]}]}
    marches = build(data, library, schema)["marches"]["marche"]
    assert [m["considerationsSociales"]["considerationSociale"] for m in marches] == [
        ["Pas de considération sociale"],
        ["Clause sociale"],
    ]


def test_the_validator_rejects_a_broken_object(library: Library, schema: DecpSchema) -> None:
    document = build(example("nettoyage-lycees"), library, schema)
    for breakage, field, words in (
        (lambda m: m.pop("titulaires"), "marches.marche[1]", "titulaires"),
        (lambda m: m.update(procedure="Gré à gré"), "marches.marche[1].procedure", "valeur"),
        (lambda m: m.update(codeCPV="9091920"), "marches.marche[1].codeCPV", "format"),
        (lambda m: m.update(montant=0), "marches.marche[1].montant", "petite"),
        (lambda m: m.update(couleur="bleu"), "marches.marche[1]", "clé non prévue"),
    ):
        broken = copy.deepcopy(document)
        breakage(broken["marches"]["marche"][0])
        with pytest.raises(DecpError) as caught:
            schema.check(broken)
        assert any(e.field == field and words in e.message for e in caught.value.errors), (
            caught.value.errors
        )
        assert not OFFICIAL.is_valid(broken)  # the schema as published, references unresolved
    assert OFFICIAL.is_valid(document)


def test_a_missing_award_value_is_named_never_invented(
    library: Library, schema: DecpSchema
) -> None:
    data = example("lycee-rehabilitation")
    del data["award"]["procedure"]
    del data["award"]["lots"][1]["holders"]
    with pytest.raises(DecpError) as caught:
        build(data, library, schema)
    fields = [e.field for e in caught.value.errors]
    assert fields.count("award.procedure") == 1  # once, not once per lot
    assert "award.lots[2].holders" in fields

    data = example("nettoyage-lycees")
    del data["cpv"]
    with pytest.raises(DecpError) as caught:
        build(data, library, schema)
    assert [e.field for e in caught.value.errors] == ["cpv"]


def test_lots_are_awarded_lot_by_lot(library: Library, schema: DecpSchema) -> None:
    data = example("espaces-verts")
    lots = data["award"].pop("lots")
    with pytest.raises(DecpError) as caught:
        build(data, library, schema)
    assert [e.field for e in caught.value.errors] == ["award.lots"]
    data["award"]["lots"] = [*lots, {"lot": 3, "id": "X", "amount_eur": 10, "holders": []}]
    with pytest.raises(ProfileError) as caught_award:
        build(data, library, schema)
    assert "award.lots[3].holders" in [e.field for e in caught_award.value.errors]
    data["award"]["lots"][-1]["holders"] = lots[0]["holders"]
    with pytest.raises(DecpError) as caught:
        build(data, library, schema)
    assert [e.field for e in caught.value.errors] == ["award.lots[3].lot"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"holders": [{"id_type": "SIRET", "id": "123"}]}, "award.holders[1].id"),
        ({"buyer_siret": "2335"}, "award.buyer_siret"),
        ({"procedure": "Gré à gré"}, "award.procedure"),
        ({"id": "un identifiant bien trop long"}, "award.id"),
        (
            {
                "environmental_considerations": [
                    "Pas de considération environnementale",
                    "Clause environnementale",
                ]
            },
            "award.environmental_considerations",
        ),
        ({"techniques": ["Sans objet", "Accord-cadre"]}, "award.techniques"),
        ({"advance_rate": 0.1}, "award.advance_rate"),
        ({"notification_date": 20260315}, "award.notification_date"),
        ({"montant": 1}, "award.montant"),
    ],
)
def test_award_errors_name_the_field_in_french(change: dict[str, Any], field: str) -> None:
    award = yaml.safe_load((AWARDS / "nettoyage-lycees.yaml").read_text("utf-8"))["award"]
    award.update(change)
    with pytest.raises(ProfileError) as caught:
        parse_award(award)
    assert [e.field for e in caught.value.errors] == [field]


# What the ministry's consolidation sets aside (DOMAIN §9), each refused naming its field in
# French: (change, field, words of the message).
CONSOLIDATION_PROBES = [
    ({"buyer_siret": "23310002100014"}, "award.buyer_siret", "le SIRET de l’acheteur n’est pas"),
    ({"buyer_siret": "2331000210001"}, "award.buyer_siret", "le SIRET de l’acheteur compte 14"),
    (
        {"holders": [{"id_type": "SIRET", "id": "41234567800015"}]},
        "award.holders[1].id",
        "l’identifiant du titulaire n’est pas un numéro SIRET valide : sa clé de contrôle",
    ),
    ({"id": "MAPA n°12/2026"}, "award.id", "l’identifiant du marché : 1 à 16 caractères"),
    ({"id": "A&B,C;D"}, "award.id", "l’identifiant du marché : 1 à 16 caractères"),
    ({"framework_id": "AC n°7"}, "award.framework_id", "l’identifiant de l’accord-cadre"),
    ({"amount_eur": 4_000_000_000}, "award.amount_eur", "le montant du marché dépasse 3 000"),
    (
        {"holders": [{"id_type": "HORS-UE", "id": "uk-12 345"}]},
        "award.holders[1].id",
        "l’identifiant du titulaire de type HORS-UE : code pays en 2 majuscules",
    ),
    (
        {"holders": [{"id_type": "TAHITI", "id": "12"}]},
        "award.holders[1].id",
        "l’identifiant du titulaire de type TAHITI : 9 lettres ou chiffres",
    ),
    (
        {"holders": [{"id_type": "RIDET", "id": "1"}]},
        "award.holders[1].id",
        "l’identifiant du titulaire de type RIDET : 10 lettres ou chiffres",
    ),
    (
        {"holders": [{"id_type": "FRWF", "id": "FRWF123"}]},
        "award.holders[1].id",
        "de type FRWF : « FRWF » suivi de 14",
    ),
    (
        {"holders": [{"id_type": "IREP", "id": "12A45"}]},
        "award.holders[1].id",
        "de type IREP : 5 chiffres",
    ),
]


@pytest.mark.parametrize(("change", "field", "words"), CONSOLIDATION_PROBES)
def test_what_the_consolidation_sets_aside_is_refused_naming_the_field(
    change: dict[str, Any], field: str, words: str
) -> None:
    award = yaml.safe_load((AWARDS / "nettoyage-lycees.yaml").read_text("utf-8"))["award"]
    award.update(change)
    with pytest.raises(ProfileError) as caught:
        parse_award(award)
    assert [(e.field, words in e.message) for e in caught.value.errors] == [(field, True)], (
        caught.value.errors
    )


@pytest.mark.parametrize(
    ("id_type", "value"),
    [
        ("SIRET", "35600000000048"),  # La Poste's head office: an ordinary Luhn number
        ("HORS-UE", "GB12345"),
        ("TAHITI", "A1B2C3D4E"),
        ("RIDET", "1234567890"),
        ("FRWF", "FRWF12345678901234"),
        ("IREP", "12345AB"),
        ("TVA", "FR12345678901"),  # the ministry checks no pattern for TVA
    ],
)
def test_holder_ids_the_consolidation_keeps_are_accepted(id_type: str, value: str) -> None:
    award = yaml.safe_load((AWARDS / "nettoyage-lycees.yaml").read_text("utf-8"))["award"]
    award["holders"] = [{"id_type": id_type, "id": value}]
    assert parse_award(award).holders is not None


def test_siret_keys_follow_python_stdnum() -> None:
    """Luhn on the SIRET and on its SIREN; La Poste's establishments by their digit sum."""
    from clauses.decp.identifiers import siret_ok

    assert siret_ok("73282932000074")  # a published SIRET
    assert not siret_ok("73282932000075")
    # La Poste's establishments (its SIREN 356000000) are accepted by the sum of their digits,
    # a multiple of 5, as python-stdnum does; the consolidation's plain Luhn check would set
    # them aside (a known exception, DOMAIN §9).
    assert siret_ok("35600000012346")  # digit sum 30
    assert not siret_ok("35600000012347")  # digit sum 31
    assert not siret_ok("00000000000000"[:-1] + "A")
    # A SIRET passing Luhn whose SIREN does not (what stdnum refuses too).
    assert not siret_ok("12345678900007")


def test_an_advance_needs_its_rate_zero_when_unknown(library: Library, schema: DecpSchema) -> None:
    data = example("nettoyage-lycees")
    data["award"]["advance_payment"] = True
    with pytest.raises(DecpError) as caught:
        build(data, library, schema)
    (error,) = caught.value.errors
    assert error.field == "award.advance_rate"
    assert "taux de l’avance obligatoire quand une avance est versée (0 s’il n’est pas connu" in (
        error.message
    )
    data["award"]["advance_rate"] = 0
    (marche,) = build(data, library, schema)["marches"]["marche"]
    assert (marche["attributionAvance"], marche["tauxAvance"]) == (True, 0)


def test_the_data_is_not_published_before_a_lot_is_notified(
    library: Library, schema: DecpSchema
) -> None:
    data = example("lycee-rehabilitation")
    data["award"]["publication_date"] = "2026-11-20"  # lot 5 is notified on 27 November
    with pytest.raises(DecpError) as caught:
        build(data, library, schema)
    assert [(e.field, e.message) for e in caught.value.errors] == [
        (
            "award.publication_date",
            "la date de publication des données essentielles ne peut pas précéder la "
            "notification du lot 5 (27/11/2026)",
        )
    ]
    data["award"]["publication_date"] = "2026-11-10"  # before the contract's own notification
    with pytest.raises(DecpError) as caught:
        build(data, library, schema)
    assert "notification du lot 5 (27/11/2026)" in caught.value.errors[0].message


def test_the_cli_refuses_a_date_after_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    path = write_example(tmp_path, "restauration-lycees", {"publication_date": tomorrow})
    assert main(["decp", str(path), "--schema", str(SCHEMA_PATH)]) == 2
    err = capsys.readouterr().err
    assert (
        "award.publication_date : la date de publication des données essentielles ne peut "
        "pas être postérieure à aujourd’hui" in err
    )
    path = write_example(
        tmp_path,
        "lycee-rehabilitation",
        {"notification_date": tomorrow, "publication_date": tomorrow},
    )
    assert main(["decp", str(path), "--schema", str(SCHEMA_PATH)]) == 2
    err = capsys.readouterr().err
    assert "award.notification_date : la date de notification ne peut pas être postérieure" in err
    assert "award.publication_date : la date de publication" in err


def contract(name: str, library: Library, **award_changes: Any) -> Contract:
    data = example(name)
    data["award"].update(award_changes)
    award = parse_award(data.pop("award"))
    profile = parse_profile(data)
    strategy = resolve_strategy(profile, advise(profile, library, AS_OF), library, None)
    return Contract(label=name, profile=profile, strategy=strategy, award=award)


def test_batch_gives_one_valid_file_for_a_period(library: Library, schema: DecpSchema) -> None:
    contracts = [contract(name, library) for name in NAMES]
    contracts.append(contract("nettoyage-lycees", library, id="2026-NET-003", procedure=None))
    batch = decp_batch(contracts, dt.date(2026, 11, 1), dt.date(2026, 11, 20), library, schema)
    assert OFFICIAL.is_valid(batch.document)
    ids = [m["id"] for m in batch.document["marches"]["marche"]]
    assert "2026-FOR-012" not in ids  # notified on 27 November
    assert "2026-TRX-014-05" not in ids  # this lot was notified on 27 November
    assert sorted(ids) == ["2026-NET-002", "2026-TRX-014-01", "2026-TRX-014-02", "2026-TRX-014-03"]
    assert batch.left_out == ["nettoyage-lycees : award.procedure : " + MISSING_TEXT]


def test_batch_keeps_one_contract_per_buyer_and_id(library: Library, schema: DecpSchema) -> None:
    """decp.info keeps one contract per (buyer SIRET, id) and drops the other silently: the
    batch never gives it two, and says which one it left out."""
    first = contract("nettoyage-lycees", library)
    again = contract("restauration-lycees", library, buyer_siret=first.award.buyer_siret,
                     id=first.award.id, notification_date="2026-11-10")  # fmt: skip
    other_buyer = contract("restauration-lycees", library, id=first.award.id,
                           notification_date="2026-11-10")  # fmt: skip
    batch = decp_batch(
        [first, again, other_buyer], dt.date(2026, 11, 1), dt.date(2026, 11, 30), library, schema
    )
    pairs = [(m["acheteur"]["id"], m["id"]) for m in batch.document["marches"]["marche"]]
    assert len(pairs) == len(set(pairs)) == 2
    assert pairs == [(first.award.buyer_siret, "2026-NET-002"), ("23350001600040", "2026-NET-002")]
    assert len(batch.left_out) == 1
    assert batch.left_out[0].startswith(
        "restauration-lycees : award.id : l’identifiant « 2026-NET-002 »"
    )
    assert "« nettoyage-lycees »" in batch.left_out[0]


MISSING_TEXT = "champ obligatoire des données essentielles (DECP) manquant"


def write_example(tmp_path: Path, name: str, change: dict[str, Any] | None = None) -> Path:
    data = example(name)
    data["award"].update(change or {})
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_prints_the_checked_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_example(tmp_path, "restauration-lycees")
    assert main(["decp", str(path), "--schema", str(SCHEMA_PATH), "--as-of", "2026-11-22"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["marches"]["marche"][0]["id"] == "2026-RES-005"


def test_cli_exits_2_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_example(tmp_path, "restauration-lycees", {"place": None})
    assert main(["decp", str(path), "--schema", str(SCHEMA_PATH)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "award.place : champ obligatoire" in captured.err

    path = write_example(tmp_path, "restauration-lycees", {"grouping": "Seul"})
    assert main(["decp", str(path), "--schema", str(SCHEMA_PATH)]) == 2
    assert "award.grouping : valeur non reconnue" in capsys.readouterr().err

    path = write_example(tmp_path, "restauration-lycees", {"buyer_siret": "23350001600041"})
    assert main(["decp", str(path), "--schema", str(SCHEMA_PATH)]) == 2
    assert (
        "award.buyer_siret : le SIRET de l’acheteur n’est pas un numéro SIRET valide : sa clé de "
        "contrôle (formule de Luhn) est fausse"
    ) in capsys.readouterr().err


def test_cli_reads_the_schema_from_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_example(tmp_path, "restauration-lycees")
    monkeypatch.setenv("CLAUSES_DECP_SCHEMA", str(tmp_path / "absent.json"))
    assert main(["decp", str(path)]) == 1
    assert "CLAUSES_DECP_SCHEMA : schéma DECP illisible" in capsys.readouterr().err


def test_the_strategy_read_takes_the_recommended_mechanisms_and_the_overrides(
    library: Library,
) -> None:
    data = example("lycee-rehabilitation")
    data.pop("award")
    profile = parse_profile(data)
    advice = advise(profile, library, AS_OF)
    resolved = resolve_strategy(profile, advice, library, None)
    assert advice.plan is not None
    assert [m.id for m in resolved.mechanisms] == [m.id for m in advice.plan.mechanisms]
    # Lot 3 is reserved: its hours are not owed.
    clause = advice.recommendation(M.insertion_clause)
    assert clause and resolved.total_hours == advice.insertion_hours - clause.lots[2].hours
    raw = {"hours_override": {"2": 450}, "hours_override_reason": "Charpente sous-traitée à une EI",
           "penalty_eur_per_hour": 40}  # fmt: skip
    resolved = resolve_strategy(profile, advice, library, raw)
    assert [(line.lot, line.hours, line.overridden) for line in resolved.hours][:2] == [
        (1, 2167, False),
        (2, 450, True),
    ]
    assert resolved.penalty_eur_per_hour == 40
    assert resolved.hours_override_reason == "Charpente sous-traitée à une EI"
    with pytest.raises(ProfileError) as caught:
        resolve_strategy(profile, advice, library, {"mechanisms": [{"id": "reserved_ess"}]})
    assert caught.value.errors[0].field == "strategy.mechanisms[1].id"


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    removed=st.sets(st.sampled_from(sorted(Award.model_fields)), max_size=4),
    lot_removed=st.sets(st.sampled_from(["id", "amount_eur", "holders", "offers_received"])),
)
def test_whatever_is_left_out_is_named_or_the_object_is_valid(
    library: Library, schema: DecpSchema, name: str, removed: set[str], lot_removed: set[str]
) -> None:
    data = example(name)
    for key in removed:
        data["award"].pop(key, None)
    for lot in data["award"].get("lots") or []:
        for key in lot_removed:
            lot.pop(key, None)
    try:
        document = build(data, library, schema)
    except ProfileError as exc:
        assert exc.errors
        assert all(e.field.startswith(("award", "cpv", "lots[")) for e in exc.errors), exc.errors
        return
    assert OFFICIAL.is_valid(document)


def test_cli_reads_json_and_names_a_missing_award(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "marche.json"
    path.write_text(json.dumps(example("transport-scolaire"), default=str), encoding="utf-8")
    assert main(["decp", str(path), "--schema", str(SCHEMA_PATH)]) == 0
    assert json.loads(capsys.readouterr().out)["marches"]["marche"][0]["id"] == "2026-TS-009"
    path.write_text(
        json.dumps({**example("transport-scolaire"), "award": None}, default=str), encoding="utf-8"
    )
    assert main(["decp", str(path), "--schema", str(SCHEMA_PATH)]) == 2
    assert "award : clé manquante" in capsys.readouterr().err
    path.write_text("[1, 2]", encoding="utf-8")
    assert main(["decp", str(path), "--schema", str(SCHEMA_PATH)]) == 2
    assert "le profil doit être un objet" in capsys.readouterr().err
