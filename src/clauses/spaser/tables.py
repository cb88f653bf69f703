"""The SPASER indicators as titled tables: what both the .xlsx and the .docx show.

One place decides which figures appear, in which order and under which headings; the exports
only render them (French text in the .docx, numbers with their formats and native charts in the
.xlsx). A table marked ``chart`` is drawn as a bar chart of its first numeric column in the
workbook, next to the table that holds its data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from clauses import french
from clauses.library import Library
from clauses.library.reporting import Term
from clauses.spaser.indicators import CountValue, Indicators

Kind = Literal["text", "count", "eur", "hours", "share", "fte"]
Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    sheet: str  # the workbook's sheet name (31 characters at most)
    title: str
    header: list[str]
    kinds: list[Kind]
    rows: list[list[Cell]]
    chart: bool = False
    note: str | None = None
    # For a two-column « indicator, value » table: the kind of each row's value.
    row_kinds: list[Kind] | None = None

    def kind(self, row: int, column: int) -> Kind:
        if self.row_kinds is not None and column == 1:
            return self.row_kinds[row]
        return self.kinds[column]


def text(cell: Cell, kind: Kind) -> str:
    """A cell as the .docx shows it, in French typography."""
    if cell is None:
        return "—"
    if isinstance(cell, str):
        return cell
    if kind == "eur":
        return french.eur(cell)
    if kind == "share":
        return french.percent(cell)
    if kind in {"hours", "fte"}:
        return french.number(cell, 1 if kind == "fte" else 2)
    return french.number(cell)


def _counts(counts: dict[str, int], labels: Mapping[str, Term]) -> list[list[Cell]]:
    """Counts by term, largest first (equal ones in the order of their ids, whatever the order
    the counts were read in), under the library's labels."""
    return [
        [labels[key].label if key in labels else key, count]
        for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _count_value_rows(values: dict[str, CountValue], total: CountValue) -> list[list[Cell]]:
    return [
        [name, cv.count, _share(cv.count, total.count), cv.value, _share(cv.value, total.value)]
        for name, cv in values.items()
    ]


def tables(ind: Indicators, library: Library) -> list[Table]:
    counted: list[Kind] = ["text", "count", "share", "eur", "share"]
    counted_header = ["", "Nombre", "Part du nombre", "Montant HT", "Part du montant"]
    vocabularies = library.followup
    out = [
        _summary(ind),
        Table(
            "Social",
            "Considérations sociales (valeurs DECP)",
            ["Considération sociale", *counted_header[1:]],
            counted,
            _count_value_rows(ind.by_social, ind.contracts),
            chart=True,
            note="Un marché peut déclarer plusieurs considérations : les lignes ne s’additionnent pas.",
        ),
        Table(
            "Heures",
            "Heures d’insertion",
            ["", "Heures", "Équivalents temps plein"],
            ["text", "hours", "fte"],
            [
                ["Prévues (marchés notifiés dans l’année)", ind.hours_planned, ind.fte_planned],
                [
                    "Réalisées (périodes closes dans l’année)",
                    ind.hours_performed,
                    ind.fte_performed,
                ],
                [
                    "Dues sur les commandes des accords-cadres (périodes closes dans l’année)",
                    ind.hours_owed_on_orders,
                    ind.hours_owed_on_orders / ind.hours_per_fte,
                ],
            ],
            chart=True,
        ),
        Table(
            "Publics",
            "Personnes par public éligible",
            ["Public", "Personnes"],
            ["text", "count"],
            _counts(ind.people_by_public, vocabularies.publics.by_id),
            chart=True,
        ),
        Table(
            "Sorties",
            "Sorties à six mois",
            ["Situation", "Personnes"],
            ["text", "count"],
            [
                *_counts(ind.outcomes, vocabularies.outcomes.by_id),
                ["Inconnue", ind.people - sum(ind.outcomes.values())],
            ],
        ),
        Table(
            "L2112-2-1",
            "Obligation de considération sociale (L2112-2-1)",
            ["", "Dossiers"],
            ["text", "count"],
            [
                ["Dossiers soumis à l’obligation", ind.compliance.applies],
                ["… avec une considération sociale", ind.compliance.with_social],
                ["… avec une dérogation justifiée", len(ind.compliance.derogations)],
                ["… sans considération ni dérogation", len(ind.compliance.without)],
            ],
            note="Marchés d’un montant total (tous lots) au moins égal aux seuils européens.",
        ),
    ]
    if ind.compliance.derogations:
        out.append(
            Table(
                "Dérogations",
                "Dérogations à L2112-2-1 (libellé à vérifier)",
                ["Dossier", "Motif", "Justification"],
                ["text", "text", "text"],
                [[d.label, d.ground, d.justification] for d in ind.compliance.derogations],
            )
        )
    out += [
        Table(
            "Environnement",
            "Considérations environnementales (valeurs DECP)",
            ["Considération environnementale", *counted_header[1:]],
            counted,
            _count_value_rows(ind.by_environmental, ind.contracts),
            chart=True,
        ),
        _national_table(ind, library),
    ]
    if ind.left_out:
        out.append(
            Table(
                "Non comptés",
                "Dossiers non comptés (attribution incomplète)",
                ["Dossier et donnée manquante"],
                ["text"],
                [[line] for line in ind.left_out],
            )
        )
    return out


def _summary(ind: Indicators) -> Table:
    fte = f"Équivalents temps plein réalisés ({french.number(ind.hours_per_fte)} h par ETP)"
    lines: list[tuple[str, Cell, Kind]] = [
        ("Marchés notifiés (chaque lot attribué compte pour un marché)", ind.contracts.count,
         "count"),
        ("Montant total HT", ind.contracts.value, "eur"),
        ("Marchés avec une considération sociale", ind.with_social.count, "count"),
        ("Part en nombre", ind.share_count, "share"),
        ("Part en montant", ind.share_value, "share"),
        ("Heures d’insertion prévues", ind.hours_planned, "hours"),
        ("Heures d’insertion réalisées dans l’année", ind.hours_performed, "hours"),
        ("Heures dues sur les commandes des accords-cadres dans l’année",
         ind.hours_owed_on_orders, "hours"),
        (fte, ind.fte_performed, "fte"),
        ("Personnes déclarées", ind.people, "count"),
        ("Marchés réservés en totalité", ind.reserved_contracts, "count"),
        ("Lots réservés", ind.reserved_lots, "count"),
        ("Marchés avec une considération environnementale", ind.with_environmental.count,
         "count"),
    ]  # fmt: skip
    return Table(
        "Synthèse",
        "Synthèse",
        ["Indicateur", "Valeur"],
        ["text", "text"],
        [[label, value] for label, value, _ in lines],
        row_kinds=[kind for _, _, kind in lines],
    )


def _national_table(ind: Indicators, library: Library) -> Table:
    national = ind.national
    figures = library.national_figures
    # Two measures, each beside the national figure it compares with: the OECP counts contracts
    # of at least 90 000 € HT with a « Clause sociale »; the national plan's target counts every
    # contract with any social consideration. The same organisation reads two shares: each row
    # says which contracts it counts, so that 80 % and 100 % do not look like a contradiction.
    minimum = french.eur(figures.social_clause_share.min_amount_eur)
    rows: list[list[Cell]] = [
        [f"{ind.organisation} ({ind.year}) : marchés d’au moins {minimum} HT avec une clause "
         f"sociale, sur {french.count(national.eligible, 'marché')} d’au moins {minimum} HT",
         national.share],
    ]  # fmt: skip
    if national.national_year is not None:
        rows.append([f"Ensemble des acheteurs ({national.national_year})", national.national_all])
        rows.append([f"Collectivités ({national.national_year})", national.national_collectivites])
    for target in ind.targets:
        rows.append(
            [f"{ind.organisation} ({ind.year}) : marchés avec une considération sociale "
             f"(clause, critère ou réservation), tous montants, sur "
             f"{french.count(ind.contracts.count, 'marché')}", target.share]
        )  # fmt: skip
        rows.append([f"Objectif national {target.year}, même mesure", target.target])
    sources = [s.title for s in figures.social_clause_share.sources]
    sources += [s.title for t in figures.targets for s in t.sources]
    return Table(
        "Repères nationaux",
        "Repères nationaux",
        ["", "Part"],
        ["text", "share"],
        rows,
        note=f"{national.title}. Objectifs : "
        + " ; ".join(t.title for t in figures.targets)
        + ". Sources : "
        + " ; ".join(dict.fromkeys(sources))
        + ".",
    )
