"""Section ``annexes``: the commitment form, the follow-up table and the other annexes (the
memo outline of the criterion)."""

from __future__ import annotations

from collections.abc import Callable

from clauses import french
from clauses.drafting.ooxml import Writer
from clauses.drafting.sections.context import SECTION_TITLES, Context
from clauses.drafting.sections.hours import hours_table
from clauses.drafting.sections.numbering import write_clause
from clauses.drafting.sections.values import model_clauses, render
from clauses.library.models import ClauseText, Section
from clauses.strategy.model import ResolvedMechanism

FOLLOW_UP_CLAUSE = "annex_insertion_follow_up"
COMMITMENT_CLAUSE = "annex_insertion_commitment"
FOLLOW_UP_COLUMNS = ("Heures dues", "Période", "Personne", "Modalité, structure",
                     "Heures", "Cumul", "Pièces")  # fmt: skip
FOLLOW_UP_WIDTHS = (20, 12, 13, 19, 12, 12, 12)  # « Heures » and « Cumul » on one line
FOLLOW_UP_BLANK_ROWS = 3


def write_annexes(wr: Writer, ctx: Context) -> None:
    wr.heading(1, SECTION_TITLES["annexes"])
    annexes = annexes_of(ctx)
    if not annexes:
        wr.paragraph("Aucune annexe pour les mécanismes retenus.")
    for number, (mechanism, clause) in enumerate(annexes, start=1):
        write_annex(wr, ctx, mechanism, clause, number)


def annexes_of(ctx: Context) -> list[tuple[ResolvedMechanism, ClauseText]]:
    """The annexes in their order: the commitment form and the follow-up table, which go with
    the CCAP, then the others (the memo outline of the criterion)."""
    annexes = [(m, c) for m in ctx.retained for c in model_clauses(ctx, m, Section.annex)]
    annexes.sort(key=lambda pair: pair[1].id not in (COMMITMENT_CLAUSE, FOLLOW_UP_CLAUSE))
    return annexes


def write_annex(
    wr: Writer,
    ctx: Context,
    mechanism: ResolvedMechanism,
    clause: ClauseText,
    number: int,
    level: int = 2,
) -> None:
    wr.heading(level, f"Annexe {number} – {clause.title}")
    table: Callable[[], None] | None = None
    if clause.id == COMMITMENT_CLAUSE:
        table = lambda: hours_table(wr, ctx, kind="commitment")  # noqa: E731
    elif clause.id == FOLLOW_UP_CLAUSE:
        table = lambda: follow_up_table(wr, ctx)  # noqa: E731
    write_clause(wr, render(ctx, mechanism, clause), table=table)


def follow_up_table(wr: Writer, ctx: Context) -> None:
    rows: list[list[str]] = []
    for line in ctx.strategy.hours:
        owed = french.hours(line.hours)
        if line.framework:  # the hours owed follow the orders: the ratio is recalled
            owed = (
                f"{french.number(line.hours_per_1000_eur or 0, 2)}\u00a0h par tranche de "
                "1\u00a0000\u00a0€ HT commandés"
            )
        rows.append(
            [
                owed if line.lot is None else f"Lot n° {line.lot} : {owed}",
                *[""] * (len(FOLLOW_UP_COLUMNS) - 1),
            ]
        )
    rows.extend([[""] * len(FOLLOW_UP_COLUMNS)] * FOLLOW_UP_BLANK_ROWS)
    wr.table(FOLLOW_UP_COLUMNS, rows, FOLLOW_UP_WIDTHS)
