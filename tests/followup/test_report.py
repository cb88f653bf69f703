"""The follow-up report: house style, the balance's figures, no names."""

from __future__ import annotations

import io

import docx

from clauses.decp import parse_award
from clauses.followup import balance
from clauses.followup.report import follow_up_report
from clauses.library import Library
from tests.conftest import AS_OF
from tests.followup import fixtures

NBSP = "\u00a0"


def test_report_shows_the_balance(library: Library) -> None:
    followup = fixtures.followup()
    result = balance(followup, fixtures.strategy(), fixtures.profile(), 1600)
    award = parse_award(
        {"lots": [{"lot": 1, "holders": [{"id_type": "SIRET", "id": "55204599900869",
                                          "name": "Bâtiments de l’Ouest"}]}]}
    )  # fmt: skip
    data = follow_up_report(fixtures.profile(), award, followup, result, library, AS_OF)
    assert data == follow_up_report(fixtures.profile(), award, followup, result, library, AS_OF)
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].style.name == "Title"
    assert f"Titulaire{NBSP}: lot 1{NBSP}: Bâtiments de l’Ouest." in text
    assert f"Pénalité prévue au CCAP{NBSP}: 50{NBSP}€ par heure" in text
    assert (
        f"Heures réalisées{NBSP}: 74,7{NBSP}% des heures dues, soit 0,61 équivalent temps plein"
        in text
    )
    assert f"{NBSP}personnes déclarées (effectifs, sans nom)." in text
    hours = document.tables[0]
    assert [c.text for c in hours.rows[1].cells] == [
        "Lot 1 – Gros œuvre", "1\u00a0000", "120", "650,5", "229,5", "11\u00a0475\u00a0€",
    ]  # fmt: skip
    assert hours.rows[-1].cells[0].text == "Total"
    assert hours.rows[-1].cells[-1].text == "11\u00a0475\u00a0€"
    cells = {c.text for table in document.tables for row in table.rows for c in row.cells}
    assert {"Bénéficiaire du RSA", "Travailleur reconnu handicapé (RQTH)", "En emploi",
            "Sortie inconnue", "Chantier suspendu par l’acheteur en mai"} <= cells  # fmt: skip
    assert document.core_properties.title == fixtures.profile().title
