"""Section ``summary``: the cover and the synthesis (the contract, the mechanisms retained and
set aside, the obligations, the insertion hours, the points of vigilance)."""

from __future__ import annotations

from clauses import french
from clauses.advisor.compatibility import lots_text
from clauses.advisor.model import LEVEL_LABELS, REGIME_LABELS, Level, Note
from clauses.drafting.ooxml import Span, Writer
from clauses.drafting.regions import region_label
from clauses.drafting.sanitize import one_line
from clauses.drafting.sections.context import SECTION_TITLES, Context, M
from clauses.drafting.sections.hours import hours_table
from clauses.library.models import ObligationId
from clauses.library.render import placeholder
from clauses.profile import BUYER_LABELS, NATURE_LABELS
from clauses.strategy.model import ResolvedMechanism

# Mechanisms that put a social consideration in the execution conditions (what L2112-2-1 asks).
SOCIAL_EXECUTION_CONDITIONS = (M.insertion_clause, M.other_social_condition)


def write_summary(wr: Writer, ctx: Context) -> None:
    a = ctx.advice
    wr.title("Clauses sociales", ctx.title)
    wr.paragraph(
        f"Document préparé le {french.date(a.as_of)} avec la bibliothèque de clauses "
        f"{a.library_version}, à partir des choix de l’acheteur. Les passages surlignés en jaune "
        "sont à compléter ; faites relire le document par votre service juridique avant "
        "publication.",
        italic=True,
    )
    wr.heading(1, SECTION_TITLES["summary"])
    _facts(wr, ctx)
    _mechanisms(wr, ctx)
    _obligations(wr, ctx)
    _hours(wr, ctx)
    _vigilance(wr, ctx)


def _facts(wr: Writer, ctx: Context) -> None:
    p, proc = ctx.profile, ctx.advice.procedure
    sector = ctx.advice.sizing.sector_label
    cpv = p.cpv or "non renseigné"
    if sector:
        cpv += f" (secteur : {sector})"
    launch = (
        french.date(p.launch_date)
        if p.launch_date
        else f"non renseignée : date du document retenue ({french.date(proc.launch_date)})"
    )
    reached = "atteint" if proc.above_eu_threshold else "non atteint"
    lots = (
        f"{len(p.lots)} lots : " + " ; ".join(ctx.lot_label(n) for n in range(1, len(p.lots) + 1))
        if p.lots
        else "marché non alloti"
    )
    rows = [
        ["Objet", ctx.title],
        ["Nature et CPV", f"{NATURE_LABELS[p.nature].capitalize()} ; {cpv}"],
        [
            "Montant et durée",
            f"{french.eur(p.estimated_amount_eur)} HT "
            f"({'tous lots, ' if p.lots else ''}toute la durée) ; "
            f"{french.number(p.duration_months)} mois",
        ],
        ["Lancement", launch],
        ["Acheteur", f"{BUYER_LABELS[p.buyer_kind]} ; {region_label(p.region_code)}"],
        [
            "Procédure",
            f"{REGIME_LABELS[proc.regime]} ; seuil européen de "
            f"{french.eur(proc.eu_threshold_eur)} HT {reached}",
        ],
        ["Lots", lots],
        ["CCAG", ctx.ccag.short_title if ctx.ccag else "à préciser"],
        ["Facilitateur", ctx.facilitator or "non désigné"],
    ]
    wr.heading(2, "Le marché")
    wr.table(["Élément", "Valeur"], rows, [24, 76])


def where(ctx: Context, mechanism: ResolvedMechanism) -> str:
    """Where a retained mechanism applies, as the summary writes it (« Lot 3 », « Lots 1 et
    2 »)."""
    lots = mechanism.lots
    if mechanism.id is M.insertion_clause and ctx.strategy.hours:
        lots = [h.lot for h in ctx.strategy.hours if h.lot is not None] or lots
    if lots:
        return lots_text(lots).removeprefix("le ").removeprefix("les ").capitalize()
    return "Tous les lots" if ctx.profile.lots else "Marché entier"


def _mechanisms(wr: Writer, ctx: Context) -> None:
    wr.heading(2, "Mécanismes retenus")
    if not ctx.retained:
        wr.paragraph("Aucun mécanisme retenu pour ce marché.")
    else:
        rows: list[list[str]] = []
        for m in ctx.retained:
            detail = LEVEL_LABELS[m.level]
            if m.weight_percent is not None:
                detail += f" ; pondération {french.number(m.weight_percent, 1)} %"
            name = ctx.library.mechanisms[m.id].short_title
            if m.option_title:
                name += f" : {m.option_title}"
            rows.append([name, where(ctx, m), ", ".join(m.legal_basis), detail])
        wr.table(["Mécanisme", "Porte sur", "Base légale", "Avis"], rows, [28, 26, 26, 20])
    retained = {m.id for m in ctx.retained}
    set_aside = [r for r in ctx.advice.recommendations if r.mechanism not in retained]
    if set_aside:
        wr.paragraph(
            "Non retenus : "
            + " ; ".join(f"{r.title} ({LEVEL_LABELS[r.level]} par l’avis)" for r in set_aside)
            + ".",
            italic=True,
        )


def _obligations(wr: Writer, ctx: Context) -> None:
    wr.heading(2, "Obligations")
    lines: list[str | list[Span]] = []
    for result in ctx.advice.obligations:
        head = f"{result.title} ({', '.join(result.legal_basis)}) : "
        if not result.applies:
            lines.append(head + "ne s’applique pas à ce marché.")
            continue
        if result.id is ObligationId.social_consideration_above_eu_threshold:
            meeting = [m for m in ctx.retained if m.id in SOCIAL_EXECUTION_CONDITIONS]
            if meeting:
                lines.append(head + "satisfaite par " + ", ".join(m.title for m in meeting) + ".")
            elif ctx.strategy.derogation is not None:
                d = ctx.strategy.derogation
                lines.append(
                    head
                    + f"dérogation retenue ({one_line(d.ground)}) : {one_line(d.justification)} "
                    "(motif et rédaction à vérifier par votre service juridique)."
                )
            else:
                lines.append(
                    head
                    + "aucune condition d’exécution sociale n’est retenue : "
                    + placeholder("justification de la dérogation (à vérifier)")
                )
        else:
            lines.append(head + "s’applique ; à prévoir dans les documents, hors clauses sociales.")
        if result.valid_from_to_verify:
            lines[-1] = str(lines[-1]) + (
                f" Date d’application retenue : {french.date(result.valid_from)} (à vérifier)."
            )
    wr.bullets(lines)


def _hours(wr: Writer, ctx: Context) -> None:
    s = ctx.advice.sizing
    if not ctx.is_retained(M.insertion_clause):
        return
    wr.heading(2, "Heures d’insertion")
    adjust = " (valeurs par défaut à ajuster avec le facilitateur)" if s.defaults_to_adjust else ""
    formula = s.formula
    if s.agreement is not None and ctx.strategy.framework:
        formula = f"Accord-cadre, aucun total fixe : {s.agreement.formula}"
    wr.paragraph(
        f"{formula} ; part de main-d’œuvre {french.percent(s.labour_share)}, taux "
        f"{french.percent(s.insertion_rate)}, coût horaire {french.eur(s.hourly_cost_eur)}"
        f"{adjust}."
    )
    hours_table(wr, ctx, kind="summary")
    if ctx.strategy.hours_override_reason:
        wr.paragraph(
            "Heures modifiées par l’acheteur : " + one_line(ctx.strategy.hours_override_reason)
        )


def _about_retained(ctx: Context, note: Note) -> bool:
    """A note of the advice is repeated only when it is about the whole tender, or about a
    mechanism the strategy retains — on that lot, when it is about one lot."""
    if note.mechanism is None:
        return True
    entries = ctx.strategy.all_retained(note.mechanism)
    if not entries:
        return False
    if note.lot is None:
        return True
    return any(not m.lots or note.lot in m.lots for m in entries)


def _vigilance(wr: Writer, ctx: Context) -> None:
    warnings = [n.text for n in ctx.advice.notes if _about_retained(ctx, n)]
    for m in ctx.retained:
        if m.level is Level.discouraged:
            warnings.append(f"{m.title} : déconseillé par l’avis, retenu par l’acheteur.")
        warnings.extend(m.warnings)
    if not ctx.facilitator and ctx.is_retained(M.insertion_clause):
        warnings.append("Facilitateur non désigné : ses coordonnées restent à compléter.")
    if warnings:
        wr.heading(2, "Points de vigilance")
        wr.bullets(dict.fromkeys(warnings))
    decp = ", ".join(ctx.strategy.decp_social)
    wr.paragraph(
        [Span("Données essentielles : ", bold=True), Span(f"considération sociale « {decp} ».")]
    )
