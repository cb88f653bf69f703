"""Section ``rc``: the extract for the notice and the consultation rules."""

from __future__ import annotations

from clauses.advisor.model import Level, Regime
from clauses.drafting.ooxml import Writer
from clauses.drafting.sections.context import RESERVATIONS, SECTION_TITLES, Context, M
from clauses.drafting.sections.numbering import write_clause
from clauses.drafting.sections.values import model_clauses, render
from clauses.library.models import ClauseText, Section
from clauses.strategy.model import ResolvedMechanism


def consultation(ctx: Context) -> list[tuple[ResolvedMechanism, ClauseText]]:
    """What the RC says of the lots whatever the strategy (allotment is a fact, DOMAIN §9): the
    lots and who may bid on them, or the motivation of an undivided contract above the EU
    threshold."""
    content = ctx.library.mechanisms[M.lots_division]
    wanted = (
        "rc_lots_division"
        if ctx.profile.lots
        else "rc_non_allotment"
        if ctx.advice.procedure.above_eu_threshold
        and ctx.advice.procedure.regime is not Regime.no_procedure
        else None
    )
    clause = next((c for c in content.clauses if c.id == wanted), None)
    if clause is None:
        return []
    fact = ResolvedMechanism(
        id=M.lots_division,
        title=content.title,
        level=Level.possible,
        legal_basis=[b.article for b in content.legal_basis],
    )
    return [(fact, clause)]


def write_rc(wr: Writer, ctx: Context) -> None:
    wr.heading(1, SECTION_TITLES["rc"])
    written = ctx.retained
    notice = [(m, c) for m in written for c in model_clauses(ctx, m, Section.notice)]
    rules = consultation(ctx) + [(m, c) for m in written for c in model_clauses(ctx, m, Section.rc)]
    if not notice and not rules:
        wr.paragraph("Aucun mécanisme retenu ne comporte de clause pour l’avis ou le règlement.")
        return
    if notice:
        wr.heading(2, "Avis de publicité")
        for mechanism, clause in notice:
            write_clause(wr, render(ctx, mechanism, clause))
    if rules:
        wr.heading(2, "Règlement de la consultation : clauses sociales")
        for mechanism, clause in rules:
            wr.heading(3, _rc_title(ctx, mechanism, clause))
            write_clause(wr, render(ctx, mechanism, clause))


def _rc_title(ctx: Context, mechanism: ResolvedMechanism, clause: ClauseText) -> str:
    if mechanism.id in RESERVATIONS and mechanism.lots:
        which = "Lot réservé" if len(mechanism.lots) == 1 else "Lots réservés"
        return f"{which} : {ctx.lots_label(mechanism.lots)}"
    if mechanism.lots:
        return f"{clause.title} ({ctx.lots_label(mechanism.lots)})"
    return clause.title
