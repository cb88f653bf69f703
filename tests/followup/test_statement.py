"""CSV import of a facilitator's statement: separators, BOM, decimal commas, bad rows reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clauses.followup import read_statement
from clauses.library import Library
from clauses.library.models import StructureKind
from tests.conftest import AS_OF

GOOD = (
    "lot;debut;fin;modalite;structure;heures;public;type_contrat;personnes;sortie_6_mois;justification\n"
    "1;2027-04-01;2027-06-30;provision;ETTI;1 200,5;rsa;assignment;2;employment;\n"
    "1;01/04/2027;30/06/2027;Embauche directe par le titulaire;;35,25;Bénéficiaire du RSA;CDD;1;;\n"
    "2;2027-04-01;2027-06-30;subcontracting;ei;80;;;;;\n"
    "2;2027-04-01;2027-06-30;non imputable;;40;;;;;Lot suspendu par ordre de service n° 3\n"
)


def test_a_good_statement_is_read_whole(library: Library) -> None:
    statement = read_statement(GOOD.encode(), library.followup, lots=2, today=AS_OF)
    assert statement.errors == []
    assert statement.rows == 4
    first, second, third = statement.followup.records
    assert (first.lot, first.way, first.structure, first.hours) == (
        1,
        "provision",
        StructureKind.etti,
        1200.5,
    )
    assert first.people[0].model_dump() == {
        "public": "rsa",
        "contract_type": "assignment",
        "count": 2,
        "outcome": "employment",
    }
    # Labels are accepted for ids, and dates in the French order.
    assert (second.way, second.period_start, second.hours) == (
        "direct_hiring",
        dt.date(2027, 4, 1),
        35.25,
    )
    assert (second.people[0].public, second.people[0].contract_type) == ("rsa", "cdd")
    assert third.structure is StructureKind.ei and third.people == []
    (case,) = statement.followup.non_imputable
    assert (case.lot, case.hours, case.justification) == (
        2,
        40,
        "Lot suspendu par ordre de service n° 3",
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_comma_separated_with_or_without_bom(library: Library, encoding: str) -> None:
    text = (
        "Lot,Début,Fin,Modalité,Structure,Heures\n"
        '1,2027-04-01,2027-06-30,provision,GEIQ,"12,5"\n'
        "2,2027-04-01,2027-06-30,direct_hiring,,7.5\n"
    )
    statement = read_statement(text.encode(encoding), library.followup, lots=2, today=AS_OF)
    assert statement.errors == []
    assert [r.hours for r in statement.followup.records] == [12.5, 7.5]


def test_bad_rows_are_reported_and_never_stop_the_rest(library: Library) -> None:
    text = (
        "lot;debut;fin;modalite;structure;heures;public;type_contrat;personnes;sortie_6_mois;justification\n"
        "1;2027-04-01;2027-06-30;provision;ETTI;12,5;rsa;assignment;1;;\n"  # 2: good
        "1;2027-04-31;2027-06-30;provision;ETTI;10;;;;;\n"  # 3: no 31 April
        "1;2027-04-01;2027-06-30;provision;;10;;;;;\n"  # 4: provision needs its structure
        "1;2027-04-01;2027-06-30;direct_hiring;;dix;;;;;\n"  # 5: not a number
        "3;2027-04-01;2027-06-30;direct_hiring;;10;;;;;\n"  # 6: no lot 3
        "1;2027-04-01;2027-06-30;direct_hiring;;10;rsa;;1;;\n"  # 7: contract type missing
        "1;2027-04-01;2027-06-30;direct_hiring;;10;retraité;cdd;1;;\n"  # 8: unknown public
        "1;2027-04-01;2027-06-30;non_imputable;;10;;;;;\n"  # 9: no justification
        "1;2027-06-30;2027-04-01;direct_hiring;;10;;;;;\n"  # 10: period backwards
        "\n"
        "2;2027-04-01;2027-06-30;direct_hiring;;-4;;;;;\n"  # 12: negative
        "2;2027-04-01;2027-06-30;direct_hiring;;4;rsa;cdd;0;;\n"  # 13: zero people
        ";2027-04-01;2027-06-30;direct_hiring;;4;;;;;\n"  # 14: lot missing
        "2;2027-04-01;2027-06-30;direct_hiring;;4;;;;;;;\n"  # 15: too many cells
        "2;2027-07-01;2027-09-30;co_contracting;ESAT;30;disability_structure;structure_employee;2;training;\n"
    )
    statement = read_statement(text.encode(), library.followup, lots=2, today=AS_OF)
    assert [(e.line, e.column) for e in statement.errors] == [
        (3, "debut"),
        (4, "structure"),
        (5, "heures"),
        (6, "lot"),
        (7, "type_contrat"),
        (8, "public"),
        (9, "justification"),
        (10, None),
        (12, "heures"),
        (13, "personnes"),
        (14, "lot"),
        (15, None),
    ]
    messages = {e.line: str(e) for e in statement.errors}
    assert messages[3] == "ligne 3, colonne debut : date attendue (AAAA-MM-JJ ou JJ/MM/AAAA)"
    assert messages[4].endswith("structure attendue pour cette modalité : ETTI, AI, GEIQ")
    assert messages[5].endswith("nombre attendu (ex. 12,5)")
    assert messages[10] == "ligne 10 : la fin de la période précède son début"
    # The two good rows were read despite the twelve bad ones.
    assert statement.rows == 14
    assert [r.hours for r in statement.followup.records] == [12.5, 30]


def test_file_level_problems(library: Library) -> None:
    missing = read_statement(
        b"lot;debut;heures\n1;2027-04-01;3\n", library.followup, lots=2, today=AS_OF
    )
    assert [str(e) for e in missing.errors] == [
        "ligne 1 : colonnes obligatoires manquantes : fin, modalite"
    ]
    binary = read_statement(b"lot;d\x81but\n\x00", library.followup, lots=2, today=AS_OF)
    assert [str(e) for e in binary.errors] == [
        "ligne 1 : encodage du fichier non reconnu (ni UTF-8 ni Windows-1252) : dans Excel, "
        "enregistrez-le au format « CSV UTF-8 (délimité par des virgules) » ou "
        "« CSV (séparateur : point-virgule) »"
    ]
    unknown = read_statement(
        b"debut;fin;modalite;heures;nom\n2027-04-01;2027-06-30;direct_hiring;3;Dupont\n",
        library.followup,
        lots=0,
        today=AS_OF,
    )
    assert [(e.line, e.column) for e in unknown.errors] == [(1, "nom")]
    assert len(unknown.followup.records) == 1


def test_the_readme_example_reads_without_error(library: Library) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```text\nlot;debut;fin", 1)[1].split("```", 1)[0]
    statement = read_statement(
        ("lot;debut;fin" + block).encode(), library.followup, lots=2, today=AS_OF
    )
    assert statement.errors == []
    assert (len(statement.followup.records), len(statement.followup.non_imputable)) == (2, 1)


def test_a_column_given_twice_is_refused(library: Library) -> None:
    statement = read_statement(
        b"debut;fin;modalite;heures;Heures\n2027-04-01;2027-06-30;direct_hiring;3;4\n",
        library.followup,
        lots=0,
        today=AS_OF,
    )
    assert [str(e) for e in statement.errors] == ["ligne 1 : colonnes en double : heures"]
    assert statement.followup.records == []


@pytest.mark.parametrize("end", ["\r\n", "\r", "\n"])
def test_every_line_end_reads_alike(library: Library, end: str) -> None:
    """Old spreadsheets export lone « \\r » line ends (found by the fuzz test: it raised)."""
    statement = read_statement(
        end.join(GOOD.splitlines()).encode(), library.followup, lots=2, today=AS_OF
    )
    expected = read_statement(GOOD.encode(), library.followup, lots=2, today=AS_OF)
    assert statement == expected
    assert not statement.errors
    broken = read_statement(b'lot;"debut\rfin', library.followup, lots=2, today=AS_OF)
    assert broken.errors


def test_what_excel_saves_on_a_french_windows_imports(library: Library) -> None:
    """Issue 23: Windows-1252, « ; », decimal commas, a BOM-less header with accents, CRLF."""
    rows = (
        "lot;début;fin;modalité;structure;heures;public;type_contrat;personnes;sortie_6_mois\r\n"
        "1;01/04/2026;30/06/2026;provision;ETTI;350,5;rsa;assignment;2;employment\r\n"
        "2;01/04/2026;30/06/2026;Embauche directe par le titulaire;;1 200,25;;;;\r\n"
    )
    for encoding in ("cp1252", "utf-8-sig", "utf-8"):
        statement = read_statement(rows.encode(encoding), library.followup, lots=2, today=AS_OF)
        assert statement.errors == [], (encoding, [str(e) for e in statement.errors])
        assert [r.hours for r in statement.followup.records] == [350.5, 1200.25], encoding
