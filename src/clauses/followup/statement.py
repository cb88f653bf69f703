"""Import of a facilitator's periodic statement (CSV), row by row.

The format (README, « Suivi des heures ») — one row per group of people, or per case not
imputable to the holder:

    lot;debut;fin;modalite;structure;heures;public;type_contrat;personnes;sortie_6_mois;justification
    1;2027-04-01;2027-06-30;provision;ETTI;350,5;rsa;assignment;2;employment;
    1;01/04/2027;30/06/2027;non_imputable;;120;;;;;Chantier suspendu par l’acheteur en mai

- separated by « ; » or « , » (the header line tells), UTF-8 with or without BOM or Windows-1252
  (what Excel saves), dates as
  AAAA-MM-JJ or JJ/MM/AAAA, hours with a decimal comma or point (« 1 200,5 » too);
- ``modalite``, ``public``, ``type_contrat``, ``sortie_6_mois`` take the ids of the library's
  ``followup.yaml`` or their labels; ``structure`` a kind (ETTI, AI, GEIQ, EI, ACI, EA, ESAT…);
  ``modalite`` « non_imputable » records hours not imputable, whose ``justification`` is required;
- ``lot`` is required when the contract is allotted, empty otherwise; the people columns are
  given together or not at all; counts only, never a name.

A bad row is reported with its line and column, in French, and never stops the others. A file
of more than :data:`MAX_ROWS` rows is refused whole (issue 20, finding 7: an uncapped import
stored 10 300 lines in seconds, or listed 100 000 errors), as is the rest of a file from a row
the CSV reader cannot read (a cell of more than 128 KiB).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from clauses import french, inputs
from clauses.followup.model import (
    FollowUp,
    HoursRecord,
    NonImputable,
    OrderedAmount,
    PeopleCount,
    check_followup,
)
from clauses.library.models import StructureKind
from clauses.library.reporting import FollowupVocabularies, Term
from clauses.profile import describe_errors

MAX_BYTES = 5_000_000
MAX_ROWS = 1_000  # a quarter's statement of a large contract is a few hundred rows
NON_IMPUTABLE = "non_imputable"
# A framework agreement (issue 22): a row of the amount ordered, or invoiced, on the period.
ORDER_WAYS: dict[str, Literal["ordered", "invoiced"]] = {
    "commandes": "ordered",
    "factures": "invoiced",
}
REQUIRED = ("debut", "fin", "modalite")
PEOPLE = ("public", "type_contrat", "personnes")
COLUMNS = (
    "lot", "debut", "fin", "modalite", "structure", "heures", *PEOPLE, "sortie_6_mois",
    "justification", "montant",
)  # fmt: skip
# The model's field names, as the statement's columns.
FIELD_COLUMNS = {
    "lot": "lot",
    "period_start": "debut",
    "period_end": "fin",
    "way": "modalite",
    "structure": "structure",
    "hours": "heures",
    "public": "public",
    "contract_type": "type_contrat",
    "count": "personnes",
    "outcome": "sortie_6_mois",
    "justification": "justification",
    "amount_eur": "montant",
}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
TOO_LONG = (
    f"relevé trop long : {french.number(MAX_ROWS)} lignes au plus ; découpez-le par période "
    "et importez chaque partie"
)
UNREADABLE = "ligne illisible (cellule trop longue ou guillemet non fermé) : lecture arrêtée ici"


@dataclass(frozen=True)
class RowError:
    line: int  # in the file, the header being line 1
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.line}" + (f", colonne {self.column}" if self.column else "")
        return f"{where} : {self.message}"


@dataclass(frozen=True)
class Statement:
    followup: FollowUp  # the rows that were read
    errors: list[RowError]  # the rows that were not, and why
    rows: int  # data rows in the file


class _RowProblem(ValueError):
    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _key(text: str) -> str:
    """Case, accents, apostrophes and spacing set aside: « Modalité » is « modalite »."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("’", "'")).encode("ascii", "ignore")
    return _SPACES.sub(" ", ascii_text.decode().casefold()).strip()


def _column(text: str) -> str:
    return _key(text).replace(" ", "_").replace("-", "_")


UNKNOWN_ENCODING = (
    "encodage du fichier non reconnu (ni UTF-8 ni Windows-1252) : dans Excel, enregistrez-le "
    "au format « CSV UTF-8 (délimité par des virgules) » ou « CSV (séparateur : point-virgule) »"
)


def decode(data: bytes) -> str | None:
    """The text of a file as a spreadsheet saves it: UTF-8 (with or without the BOM Excel
    writes), else Windows-1252 — what Excel saves as « CSV (séparateur : point-virgule) » on a
    French Windows (issue 23: « doit être encodé en UTF-8 » refused it). None if neither reads:
    the five bytes Windows-1252 leaves undefined, or control characters no sheet writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        return None
    return text


def read_statement(
    data: bytes, vocabularies: FollowupVocabularies, lots: int, *, today: dt.date
) -> Statement:
    """The rows of a statement for a contract of ``lots`` lots (0: not allotted), read on
    ``today`` (a period's dates are plausible: :func:`clauses.inputs.implausible`)."""
    if len(data) > MAX_BYTES:
        return Statement(
            FollowUp(), [RowError(1, None, "fichier trop volumineux (5 Mo au plus)")], 0
        )
    text = decode(data)
    if text is None:
        return Statement(FollowUp(), [RowError(1, None, UNKNOWN_ENCODING)], 0)
    first = text.splitlines()[0] if text else ""
    # newline="": the reader sees the file's own line ends (\r\n, \n or a lone \r).
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=";" if first.count(";") >= first.count(",") else ",",
    )
    try:
        header = [_column(name) for name in next(reader)]
    except StopIteration:
        return Statement(FollowUp(), [RowError(1, None, "fichier vide")], 0)
    except csv.Error:
        return Statement(FollowUp(), [RowError(1, None, "ligne d’en-tête illisible")], 0)
    errors: list[RowError] = []
    missing = [name for name in REQUIRED if name not in header]
    if "heures" not in header and "montant" not in header:
        missing.append("heures (ou montant, pour les commandes d’un accord-cadre)")
    if missing:
        errors.append(RowError(1, None, f"colonnes obligatoires manquantes : {', '.join(missing)}"))
        return Statement(FollowUp(), errors, 0)
    twice = sorted({name for name in header if name and header.count(name) > 1})
    if twice:
        errors.append(RowError(1, None, f"colonnes en double : {', '.join(twice)}"))
        return Statement(FollowUp(), errors, 0)
    for name in header:
        if name and name not in COLUMNS:
            errors.append(
                RowError(1, name, f"colonne inconnue ; colonnes possibles : {', '.join(COLUMNS)}")
            )
    records: list[HoursRecord] = []
    cases: list[NonImputable] = []
    orders: list[OrderedAmount] = []
    rows = 0
    lines = iter(reader)
    while True:
        try:
            cells = next(lines)
        except StopIteration:
            break
        except csv.Error:  # a cell longer than the reader takes (128 KiB), a broken quote
            errors.append(RowError(reader.line_num, None, UNREADABLE))
            break
        if not any(cell.strip() for cell in cells):
            continue  # blank lines between blocks are common in exported sheets
        rows += 1
        if rows > MAX_ROWS:
            return Statement(FollowUp(), [RowError(1, None, TOO_LONG)], rows)
        line = reader.line_num
        if len(cells) > len(header):
            errors.append(
                RowError(line, None, f"{len(cells)} cellules pour {len(header)} colonnes")
            )
            continue
        row = dict.fromkeys(header, "")  # a short row leaves its last cells empty
        row.update((name, cell.strip()) for name, cell in zip(header, cells, strict=False))
        try:
            item = _row(row, vocabularies, lots, today)
        except _RowProblem as problem:
            errors.append(RowError(line, problem.column, problem.message))
            continue
        if isinstance(item, NonImputable):
            cases.append(item)
        elif isinstance(item, OrderedAmount):
            orders.append(item)
        else:
            records.append(item)
    return Statement(FollowUp(records=records, non_imputable=cases, orders=orders), errors, rows)


def _order_row(
    row: dict[str, str],
    vocabularies: FollowupVocabularies,
    lots: int,
    where: tuple[int | None, dt.date, dt.date],
    basis: Literal["ordered", "invoiced"],
) -> OrderedAmount:
    """A framework agreement's row: the amount ordered (or invoiced) on the period; its hours
    owed come from the CCAP's ratio, never from the file."""
    for name in ("heures", "structure", *PEOPLE, "sortie_6_mois", "justification"):
        if row.get(name):
            raise _RowProblem(name, "à laisser vide pour une ligne de commandes (montant seul)")
    amount = _number(row.get("montant", ""), "montant")
    lot, start, end = where
    try:
        item = OrderedAmount(
            lot=lot, period_start=start, period_end=end, amount_eur=amount, basis=basis
        )
    except ValidationError as exc:
        first = describe_errors(exc)[0]
        name = first.field.split(".")[-1].split("[")[0]
        raise _RowProblem(FIELD_COLUMNS.get(name), first.message) from exc
    problems = check_followup(FollowUp(orders=[item]), vocabularies, lots)
    if problems:
        raise _RowProblem("lot", problems[0].message)
    return item


def _row(
    row: dict[str, str], vocabularies: FollowupVocabularies, lots: int, today: dt.date
) -> HoursRecord | NonImputable | OrderedAmount:
    lot = _integer(row.get("lot", ""), "lot")
    start, end = _date(row["debut"], "debut", today), _date(row["fin"], "fin", today)
    way_text = row["modalite"]
    basis = ORDER_WAYS.get(_key(way_text))
    if basis is not None:
        return _order_row(row, vocabularies, lots, (lot, start, end), basis)
    if row.get("montant"):
        raise _RowProblem(
            "montant", "un montant ne se donne que sur une ligne « commandes » ou « factures »"
        )
    hours = _number(row.get("heures", ""), "heures")
    people_given = [name for name in PEOPLE if row.get(name)]
    try:
        if _key(way_text).replace(" ", "_") == NON_IMPUTABLE:
            if people_given:
                raise _RowProblem(people_given[0], "pas de personnes pour un cas non imputable")
            item: HoursRecord | NonImputable = NonImputable(
                lot=lot,
                hours=hours,
                justification=row.get("justification", ""),
                period_start=start,
                period_end=end,
            )
            followup = FollowUp(non_imputable=[item])
        else:
            people = []
            if people_given:
                absent = [name for name in PEOPLE if not row.get(name)]
                if absent:
                    raise _RowProblem(absent[0], "obligatoire quand des personnes sont indiquées")
                people.append(
                    PeopleCount(
                        public=_term(vocabularies.publics.terms, row["public"]),
                        contract_type=_term(vocabularies.contract_types.terms, row["type_contrat"]),
                        count=_integer(row["personnes"], "personnes") or 0,
                        outcome=_term(vocabularies.outcomes.terms, row["sortie_6_mois"])
                        if row.get("sortie_6_mois")
                        else None,
                    )
                )
            elif row.get("sortie_6_mois"):
                raise _RowProblem(
                    "sortie_6_mois",
                    "une sortie suppose des personnes (public, type_contrat, personnes)",
                )
            item = HoursRecord(
                lot=lot,
                period_start=start,
                period_end=end,
                way=_term(vocabularies.ways.terms, way_text),
                structure=_structure(row.get("structure", "")),
                hours=hours,
                people=people,
            )
            followup = FollowUp(records=[item])
    except ValidationError as exc:
        first = describe_errors(exc)[0]
        name = first.field.split(".")[-1].split("[")[0]
        raise _RowProblem(FIELD_COLUMNS.get(name), first.message) from exc
    problems = check_followup(followup, vocabularies, lots)
    if problems:
        name = problems[0].field.split(".")[-1]
        raise _RowProblem(FIELD_COLUMNS.get(name), problems[0].message)
    return item


def _term(vocabulary: Sequence[Term], text: str) -> str:
    """The id of a term given by its id or its label; the text as is when unknown (the
    vocabulary check then names the column)."""
    wanted = _key(text)
    for term in vocabulary:
        if wanted in (_key(term.id), _key(term.label)):
            return term.id
    return text


def _structure(text: str) -> StructureKind | None:
    if not text:
        return None
    for kind in StructureKind:
        if _key(kind.value) == _key(text):
            return kind
    raise _RowProblem(
        "structure",
        f"structure inconnue ; valeurs possibles : {', '.join(k.value for k in StructureKind)}",
    )


def _date(text: str, column: str, today: dt.date) -> dt.date:
    day = inputs.date(text)
    if day is None:
        message = "date attendue (AAAA-MM-JJ ou JJ/MM/AAAA)" if text else "obligatoire"
        raise _RowProblem(column, message)
    reason = inputs.implausible(day, today)
    if reason:
        raise _RowProblem(column, reason)
    return day


def _number(text: str, column: str) -> float:
    clean = _SPACES.sub("", text)
    if "," in clean:
        clean = clean.replace(".", "").replace(",", ".")
    try:
        value = inputs.decimal(clean)
    except ValueError:
        raise _RowProblem(column, "nombre attendu (ex. 12,5)" if text else "obligatoire") from None
    if value < 0:
        raise _RowProblem(column, "nombre positif attendu")
    return value


def _integer(text: str, column: str) -> int | None:
    if not text:
        return None
    number = inputs.integer(text)
    if number is None:
        raise _RowProblem(column, "nombre entier attendu")
    return number
