"""The tables of the hours owed, as the summary, the CCAP and the commitment form show them
(a framework agreement's as a ratio per 1 000 € HT ordered)."""

from __future__ import annotations

from collections.abc import Callable

from clauses import french
from clauses.drafting.ooxml import Writer
from clauses.drafting.sections.context import Context
from clauses.strategy.model import HoursLine


def hours_table(wr: Writer, ctx: Context, *, kind: str) -> None:
    """The hours owed, one row per lot the clause applies to (one row without lots)."""
    lines = ctx.strategy.hours

    def label(line: HoursLine) -> str:
        if line.lot is None:
            return f"Marché {french.quote(ctx.title)}"
        return f"Lot n° {line.lot} : {ctx.lot_titles[line.lot - 1]}"

    first = "Lot" if lines and lines[0].lot is not None else "Marché"

    def fte(line: HoursLine) -> str:
        return french.number(line.hours / ctx.library.sizing.hours_per_fte, 1)

    if ctx.strategy.framework:
        framework_table(wr, ctx, kind=kind, label=label, first=first)
        return
    if kind == "commitment":
        owed = [[label(h), french.hours(h.hours)] for h in lines]
        commitment_table(wr, lines, first, "Heures d’insertion dues", owed, [70, 30], [58, 24, 18])
        return
    # Full-time equivalents help the buyer weigh the clause; the CCAP owes hours only.
    with_fte = kind == "summary"
    rows = [
        [label(h), french.eur(h.estimated_amount_eur), french.hours(h.hours)]
        + ([fte(h)] if with_fte else [])
        for h in lines
    ]
    if len(lines) > 1:
        total = ctx.strategy.total_hours
        rows.append(
            [
                "Total",
                french.eur(sum(h.estimated_amount_eur for h in lines)),
                french.hours(total),
            ]
            + ([french.number(total / ctx.library.sizing.hours_per_fte, 1)] if with_fte else [])
        )
    header = [first, "Montant estimé HT", "Heures d’insertion dues"]
    widths = [50, 25, 25]
    if with_fte:
        header.append("Années-ETP")
        widths = [46, 20, 20, 14]
    wr.table(header, rows, widths, bold_last_row=len(lines) > 1)


def framework_table(
    wr: Writer, ctx: Context, *, kind: str, label: Callable[[HoursLine], str], first: str
) -> None:
    """A framework agreement's hours: a ratio per 1 000 € HT ordered per lot, and in the summary
    what it means at the minimum and at the maximum; never a fixed total owed (issue 22)."""
    lines = ctx.strategy.hours

    def ratio(line: HoursLine) -> str:
        return f"{french.number(line.hours_per_1000_eur or 0, 2)}\u00a0h"

    if kind == "commitment":
        owed = [[label(h), ratio(h)] for h in lines]
        heading = "Heures d’insertion par tranche de 1 000 € HT commandés"
        commitment_table(wr, lines, first, heading, owed, [60, 40], [52, 30, 18])
        return
    if kind == "summary":
        rows = [
            [
                label(h),
                french.eur(h.estimated_amount_eur),
                ratio(h),
                french.hours(h.hours_at_minimum or 0),
                french.hours(h.hours),
            ]
            for h in lines
        ]
        header = [
            first,
            "Montant maximum HT",
            "Heures par 1 000 € HT commandés",
            "Heures au minimum",
            "Heures au maximum",
        ]
        wr.table(header, rows, [36, 18, 16, 15, 15])
        return
    rows = [[label(h), french.eur(h.estimated_amount_eur), ratio(h)] for h in lines]
    header = [first, "Montant maximum HT", "Heures d’insertion par tranche de 1 000 € HT commandés"]
    wr.table(header, rows, [46, 24, 30])


def commitment_table(
    wr: Writer,
    lines: list[HoursLine],
    first: str,
    owed_heading: str,
    rows: list[list[str]],
    widths: list[int],
    widths_with_lots: list[int],
) -> None:
    """The commitment form's table: what each lot owes and, with lots, a box for the lot the
    offer is for."""
    header = [first, owed_heading]
    if lines and lines[0].lot is not None:
        header.append("Lot visé par l’offre")
        widths = widths_with_lots
        rows = [[*row, "☐"] for row in rows]
    wr.table(header, rows, widths)
