"""The follow-up report of one contract (.docx, house style), for the buyer and the holder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from clauses import french
from clauses.decp.award import Award
from clauses.drafting.ooxml import Writer
from clauses.drafting.report import report_bytes, report_writer
from clauses.drafting.sanitize import one_line
from clauses.followup.balance import Balance
from clauses.followup.model import FollowUp
from clauses.library import Library
from clauses.library.reporting import Term
from clauses.profile import TenderProfile

T = french.typography


def lot_label(lot: int | None) -> str:
    return f"Lot {lot}" if lot is not None else "Marché"


def share(value: float | None) -> str:
    return french.percent(value) if value is not None else "—"


def follow_up_report(
    profile: TenderProfile,
    award: Award | None,
    followup: FollowUp,
    result: Balance,
    library: Library,
    as_of: dt.date,
) -> bytes:
    """The report of ``result`` (the :func:`~clauses.followup.balance.balance` of ``followup``)."""
    document, wr = report_writer()
    title = one_line(profile.title) or "(objet non renseigné)"
    wr.title("Suivi de la clause d’insertion", title)
    wr.paragraph(T(f"Situation au {french.date(as_of)}, pour l’acheteur et le titulaire."))
    holders = [h.name or h.id for h in (award.holders or [])] if award else []
    count = len(holders)
    if award and award.lots:
        holders = [f"lot {a.lot} : " + ", ".join(h.name or h.id for h in a.holders or [])
                   for a in award.lots]  # fmt: skip
        count = sum(len(a.holders or []) for a in award.lots)
    if holders:
        label = "Titulaire" if count < 2 else "Titulaires"
        wr.paragraph(T(f"{label} : " + " ; ".join(holders) + "."))
    wr.paragraph(
        "Ce suivi ne contient que des effectifs : aucune donnée nominative sur les personnes."
    )
    _hours(wr, result)
    _orders(wr, result)
    _periods(wr, result)
    _ways(wr, result, library)
    _people(wr, result, library)
    _non_imputable(wr, followup)
    return report_bytes(
        document, wr, title=title, subject="Suivi de la clause d’insertion", as_of=as_of
    )


def _hours(wr: Writer, result: Balance) -> None:
    wr.heading(1, "Heures dues et réalisées par lot")
    rows = [
        [
            f"{lot_label(line.lot)} – {one_line(line.title, 80)}",
            french.number(line.owed, 2),
            french.number(line.deducted, 2),
            french.number(line.performed, 2),
            french.number(line.missing, 2),
            french.eur(line.penalty_eur) if line.penalty_eur is not None else "—",
        ]
        for line in result.lots
    ]
    owed = result.owed
    rows.append(
        [
            "Total",
            french.number(owed, 2),
            french.number(result.deducted, 2),
            french.number(result.performed, 2),
            french.number(result.missing, 2),
            french.eur(result.penalty_eur) if result.penalty_eur is not None else "—",
        ]
    )
    wr.table(
        ["Lot", "Heures dues", "Non imputables", "Réalisées", "Manquantes", "Pénalité"],
        rows,
        [5, 4, 4, 4, 5, 4],
        bold_last_row=True,
    )  # fmt: skip
    wr.paragraph(
        T(
            "Heures manquantes = heures dues − heures non imputables (déduites au plus à hauteur "
            "des heures dues) − heures réalisées, lot par lot : chaque lot est un marché distinct. "
            f"Heures réalisées : {share(result.performed / owed if owed else None)} des heures "
            f"dues, soit {french.number(result.fte_performed, 2)} "
            f"{'équivalent' if result.fte_performed < 2 else 'équivalents'} temps plein "
            f"({french.number(result.hours_per_fte)} heures par ETP)."
        )
    )
    if result.penalty_eur_per_hour is None:
        wr.paragraph("La stratégie ne fixe pas de pénalité par heure : aucune pénalité calculée.")
    else:
        wr.paragraph(
            T(
                f"Pénalité prévue au CCAP : {french.eur(result.penalty_eur_per_hour)} par heure "
                "d’insertion non réalisée ; pénalité = heures manquantes × ce montant."
            )
        )


def _orders(wr: Writer, result: Balance) -> None:
    """A framework agreement: the hours owed follow the orders (issue 22)."""
    if not result.framework:
        return
    wr.heading(1, "Accord-cadre : heures dues sur les commandes")
    wr.paragraph(
        T(
            "Aucun total fixe d’heures n’est dû : par lot, heures dues = montant HT commandé ÷ "
            "1 000 × le nombre d’heures par tranche de 1 000 € HT commandés fixé au CCAP, au "
            "centième d’heure. Les heures au maximum disent ce que devrait le montant maximum "
            "s’il était commandé ; elles ne sont pas dues."
        )
    )
    wr.table(
        ["Lot", "Heures par 1 000 € HT", "Montant commandé HT", "Heures dues", "Heures au maximum"],
        [
            [
                f"{lot_label(line.lot)} – {one_line(line.title, 80)}",
                french.number(line.hours_per_1000_eur, 2),
                french.eur(line.ordered_eur or 0),
                french.number(line.owed, 2),
                french.number(line.owed_at_maximum or 0),
            ]
            for line in result.lots
            if line.hours_per_1000_eur is not None
        ],
        [5, 3, 4, 3, 3],
    )
    if result.orders_by_period:
        wr.table(
            ["Lot", "Période", "Montant commandé HT", "Heures dues sur la période"],
            [
                [
                    lot_label(p.lot),
                    f"du {french.date(p.period_start)} au {french.date(p.period_end)}",
                    french.eur(p.amount_eur),
                    french.number(p.owed, 2),
                ]
                for p in result.orders_by_period
            ],
            [2, 5, 3, 3],
        )


def _periods(wr: Writer, result: Balance) -> None:
    if not result.by_period:
        return
    wr.heading(1, "Heures réalisées par période")
    wr.table(
        ["Lot", "Période", "Heures réalisées"],
        [
            [
                lot_label(p.lot),
                f"du {french.date(p.period_start)} au {french.date(p.period_end)}",
                french.number(p.hours, 2),
            ]
            for p in result.by_period
        ],
        [2, 5, 2],
    )


def _counts(
    wr: Writer,
    header: str,
    counts: dict[str, float],
    labels: Mapping[str, Term],
    unit: str = "Personnes",
) -> None:
    rows = [
        [labels[key].label if key in labels else key, french.number(value, 2)]
        for key, value in sorted(counts.items(), key=lambda item: -item[1])
    ]
    wr.table([header, unit], rows, [6, 2])


def _ways(wr: Writer, result: Balance, library: Library) -> None:
    if not result.by_way:
        return
    wr.heading(1, "Heures réalisées par modalité")
    _counts(
        wr, "Modalité de réalisation", dict(result.by_way), library.followup.ways.by_id, "Heures"
    )


def _people(wr: Writer, result: Balance, library: Library) -> None:
    wr.heading(1, "Personnes")
    if not result.people:
        wr.paragraph("Aucune personne déclarée pour l’instant.")
        return
    vocabularies = library.followup
    wr.paragraph(
        T(
            f"{french.count(result.people, 'personne déclarée', 'personnes déclarées')} "
            "(effectifs, sans nom)."
        )
    )
    wr.heading(2, "Par public éligible")
    _counts(wr, "Public", dict(result.people_by_public), vocabularies.publics.by_id)
    wr.heading(2, "Par type de contrat")
    _counts(
        wr,
        "Type de contrat",
        dict(result.people_by_contract_type),
        vocabularies.contract_types.by_id,
    )
    wr.heading(2, "Sorties à six mois")
    outcomes: dict[str, float] = dict(result.outcomes)
    unknown = result.people - sum(result.outcomes.values())
    if unknown:
        outcomes["Sortie inconnue"] = unknown
    _counts(wr, "Situation six mois après", outcomes, vocabularies.outcomes.by_id)


def _non_imputable(wr: Writer, followup: FollowUp) -> None:
    wr.heading(1, "Cas non imputables au titulaire")
    if not followup.non_imputable:
        wr.paragraph("Aucun cas non imputable enregistré.")
        return
    wr.table(
        ["Lot", "Heures", "Justification"],
        [
            [lot_label(case.lot), french.number(case.hours, 2), T(one_line(case.justification))]
            for case in followup.non_imputable
        ],
        [2, 2, 8],
    )
