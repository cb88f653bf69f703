"""Section ``ccap``: the CCAP articles, numbered from the buyer's chosen article."""

from __future__ import annotations

from clauses.drafting.ooxml import Writer
from clauses.drafting.sections.context import SECTION_TITLES, Context, M
from clauses.drafting.sections.hours import hours_table
from clauses.drafting.sections.numbering import write_clause
from clauses.drafting.sections.values import model_clauses, render
from clauses.library.models import Section
from clauses.library.render import placeholder


def ccap_numbers(ctx: Context, count: int) -> list[str]:
    """Article numbers: the chosen one, then the next ones when it is a number; without one,
    « [n] », « [n+1] »…, so that sub-articles never read « 1. » like the CCAP's own article 1."""
    first = (ctx.strategy.ccap_article or "").strip()
    if first.isdigit():
        return [str(int(first) + i) for i in range(count)]
    if first:
        return [first] * count
    return ["[n]" if i == 0 else f"[n+{i}]" for i in range(count)]


def write_ccap(wr: Writer, ctx: Context) -> None:
    wr.heading(1, SECTION_TITLES["ccap"])
    articles = [(m, c) for m in ctx.retained for c in model_clauses(ctx, m, Section.ccap)]
    if ctx.is_retained(M.insertion_criterion):
        wr.heading(2, "Pièces contractuelles (à ajouter à la liste du CCAP)")
        wr.paragraph(
            "Le mémoire d’insertion remis par le titulaire à l’appui de son offre, selon le cadre "
            "de réponse annexé au règlement de la consultation, est une pièce contractuelle du "
            "marché ; il prend place dans la liste des pièces contractuelles après le mémoire "
            "technique."
        )
    if not articles:
        wr.paragraph("Aucun mécanisme retenu ne comporte d’article de CCAP.")
        return
    for number, (mechanism, clause) in zip(ccap_numbers(ctx, len(articles)), articles, strict=True):
        shown = number.strip("[]")
        label = placeholder(f"numéro de l’article {shown}") if number.startswith("[") else number
        title = clause.title
        if mechanism.lots and mechanism.id is not M.insertion_clause:
            title += f" ({ctx.lots_label(mechanism.lots)})"
        wr.heading(2, f"Article {label} – {title}")
        table = (
            (lambda: hours_table(wr, ctx, kind="ccap"))
            if mechanism.id is M.insertion_clause
            else None
        )
        write_clause(
            wr, render(ctx, mechanism, clause), prefix=number, bookmark=clause.id, table=table
        )
