"""The award form's values and the ``award`` data, both ways, and errors placed on their field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from clauses.library import Library
from clauses.profile import FieldError, parse_document
from clauses.web import award_form
from tests import moves
from tests.conftest import EXAMPLES

AWARDS = sorted((EXAMPLES / "award").glob("*.yaml"))


@pytest.mark.parametrize("path", AWARDS, ids=lambda p: p.stem)
def test_an_award_shown_in_the_form_reads_back_the_same(path: Path) -> None:
    """Every example award, shown in the form to be corrected and sent unchanged, gives back
    the same data (dates as ISO text, as the form sends them)."""
    profile, _ = parse_document(yaml.safe_load((EXAMPLES / path.name).read_text()))
    data = yaml.safe_load(path.read_text())["award"]
    values = award_form.values_of(data, profile)
    again, layout = award_form.award_data(values, profile)
    assert again == json.loads(json.dumps(data, default=str))
    assert layout.lots == [lot["lot"] for lot in data.get("lots", [])]


def test_french_numbers_dates_and_blank_rows() -> None:
    profile, _ = parse_document(
        {"title": "T", "nature": "works", "estimated_amount_eur": 1, "duration_months": 1}
    )
    values = award_form.values_of(None, profile)
    values |= {
        "amount_eur": "1 150 000,50",
        "offers_received": "4",
        "advance_rate": "5",
        "advance_payment": "true",
        "notification_date": "15/03/2027",
        "holders-count": 3,
        "holders-2-id": "41234567000019",
        "holders-3-name": "Sans identifiant",
    }
    for j in (2, 3):
        values.setdefault(f"holders-{j}-id", "")
        values.setdefault(f"holders-{j}-name", "")
        values.setdefault(f"holders-{j}-id_type", "")
    data, layout = award_form.award_data(values, profile)
    assert data["amount_eur"] == 1_150_000.5 and data["offers_received"] == 4
    assert data["advance_rate"] == 0.05 and data["advance_payment"] is True
    assert data["notification_date"] == "2027-03-15"
    assert data["holders"] == [
        {"id_type": "SIRET", "id": "41234567000019"},
        {"id_type": "SIRET", "id": "", "name": "Sans identifiant"},
    ]
    assert layout.holders["holders"] == [2, 3]  # the blank first row is left out
    assert award_form.form_id("award.holders[2].id", layout) == "holders-3-id"
    placed, items = award_form.form_errors(
        [
            FieldError("award.holders[2].id", "texte trop court"),
            FieldError("award.place", "champ obligatoire"),
            FieldError("marches.marche[1].id", "format invalide"),
        ],
        layout,
        award_form.input_ids(values),
    )
    assert placed == {"holders-3-id": "texte trop court", "place-code": "champ obligatoire"}
    # In the page's order (the place is in « Le marché », the holders after), then the errors
    # no field gives.
    assert [(i.id, i.label) for i in items] == [
        ("place-code", "Lieu d’exécution\u00a0: code"),
        ("holders-3-id", "Titulaire 3, identifiant (SIRET…)"),
        ("", "marches.marche[1].id"),
    ]


def test_lot_errors_name_the_lot_not_its_place_in_the_award() -> None:
    layout = award_form.Layout(lots=[2, 3], holders={"lots-3-holders": [1, 2]})
    assert award_form.form_id("award.lots[2].holders[2].name", layout) == "lots-3-holders-2-name"
    assert award_form.form_id("award.lots[1].holders", layout) == "lots-2-holders-1-id"
    assert award_form.form_id("award.lots[5].id", layout) == ""
    assert award_form.label_of("lots-3-holders-2-name") == "Lot 3, titulaire 2, nom"
    assert award_form.label_of("lots-2-amount_eur") == "Lot 2, montant (€ HT)"


@pytest.mark.parametrize(
    ("name", "procedure", "environmental"),
    [
        ("lycee-rehabilitation", "Appel d'offres ouvert", ["Clause environnementale", "Critère environnemental"]),
        ("restauration-lycees", "Procédure adaptée", ["Clause environnementale", "Critère environnemental"]),
        ("petite-reparation", "Marché passé sans publicité ni mise en concurrence préalable", ["Clause environnementale"]),
    ],
)  # fmt: skip
def test_the_dossier_suggests_what_it_knows(
    library: Library, name: str, procedure: str, environmental: list[str]
) -> None:
    """The procedure from the regime the advice computed (formalised, adapted, below the
    dispensation threshold), the environmental considerations from the obligations that apply,
    the region as the place, each with its source; values the DECP enumerations hold."""
    published = moves.published(library, name, moves.PUBLISHED_ON)
    found = award_form.prefill(published, "Région Test", "23440003400026")
    assert found.values["procedure"] == procedure
    assert found.values["environmental_considerations"] == environmental
    assert found.values["buyer_siret"] == "23440003400026"
    assert found.values["place-code"] == published.profile.region_code
    assert set(found.values) == set(found.sources)
    for field_name, enum in {**award_form.SELECTS, **award_form.CHECKBOXES}.items():
        given = found.values.get(field_name)
        for value in [given] if isinstance(given, str) else given or []:
            assert value in award_form.options(enum), (field_name, value)
    without = award_form.prefill(published, "Région Test", None)
    assert "buyer_siret" not in without.values and "buyer_siret" not in without.sources


def test_a_framework_agreement_suggests_its_technique_and_modality(library: Library) -> None:
    """The maintenance framework of issue 22 (purchase orders): « Accord-cadre », « Bons de
    commande », where an ordinary contract gets « Sans objet »."""
    framework = moves.published(library, "entretien-lycees-accord-cadre", moves.PUBLISHED_ON)
    found = award_form.prefill(framework, "Région Test", None)
    assert found.values["techniques"] == ["Accord-cadre"]
    assert found.values["execution_modalities"] == ["Bons de commande"]
    assert "accord-cadre à bons de commande" in found.sources["techniques"]
    ordinary = moves.published(library, "lycee-rehabilitation", moves.PUBLISHED_ON)
    assert award_form.prefill(ordinary, "Région Test", None).values["techniques"] == ["Sans objet"]
