"""The values the drafter fills the model clauses with, and the clauses of a retained mechanism
rendered with them (what is not known stays « à compléter »)."""

from __future__ import annotations

from typing import Any

from clauses import french
from clauses.drafting.blocks import TABLE
from clauses.drafting.sections.context import RESERVATIONS, Context, M
from clauses.library.models import ClauseText, Section, Status
from clauses.library.render import placeholder, render_clause
from clauses.strategy.model import HoursLine, ResolvedMechanism, ResolvedStrategy
from clauses.strategy.texts import TEXT_PARAMETERS
from clauses.vocabulary import EXECUTION_MODES, ORDER_UNITS, RESERVED_TO

FRAMEWORK_CLAUSE = "ccap_insertion_clause_framework"


def _ccag_article(ctx: Context) -> str:
    ccag = ctx.ccag
    if ccag is None:
        return "l’article « Clause d’insertion sociale » du CCAG auquel le marché se réfère"
    if ccag.insertion_article and ccag.status is Status.sourced:
        return (
            f"l’article {ccag.insertion_article} « Clause d’insertion sociale » du "
            f"{ccag.title} ({ccag.short_title})"
        )
    return (
        f"l’article « Clause d’insertion sociale » du {ccag.title} ({ccag.short_title}) "
        "(numéro de l’article à vérifier)"
    )


def _ratio(line: HoursLine) -> str:
    """« 0,83 heure de travail par tranche de 1 000 € HT commandés »."""
    ratio = line.hours_per_1000_eur or 0.0
    plural = "s" if ratio >= 2 else ""
    return (
        f"{french.number(ratio, 2)}\u00a0heure{plural} de travail par tranche de "
        "1\u00a0000\u00a0€ HT commandés"
    )


def _hours_commitment(ctx: Context) -> str:
    lines = ctx.strategy.hours
    if not lines:  # the clause is retained on lots for which no hour was calculated
        return placeholder("nombre d’heures de travail dû (aucune heure calculée)")
    if ctx.strategy.framework:  # an accord-cadre: hours follow the orders (issue 22)
        if lines[0].lot is None:
            return f"{_ratio(lines[0])}, soit des heures dues selon les commandes notifiées"
        owed = " ; ".join(f"{ctx.lot_label(h.lot)} : {_ratio(h)}" for h in lines if h.lot)
        return (
            "un nombre d’heures de travail proportionnel au montant HT des commandes notifiées, "
            f"fixé pour chaque lot concerné ({owed})"
        )
    if lines[0].lot is None:
        return f"au moins {french.hours(ctx.strategy.total_hours)} de travail"
    owed = " ; ".join(f"{ctx.lot_label(h.lot)} : {french.hours(h.hours)}" for h in lines if h.lot)
    return f"au moins le nombre d’heures de travail fixé pour chaque lot concerné ({owed})"


def _clause_scope(ctx: Context) -> str:
    lots = [h.lot for h in ctx.strategy.hours if h.lot is not None]
    if not lots:
        return f"à l’ensemble des prestations du marché {french.quote(ctx.title)}"
    return (
        f"{'au' if len(lots) == 1 else 'aux'} {ctx.lots_label(lots)} de la consultation {french.quote(ctx.title)} ; chaque lot "
        "faisant l’objet d’un marché distinct, l’engagement s’apprécie lot par lot"
    )


def _article_of(ctx: Context, mechanism: ResolvedMechanism) -> str | None:
    recommendation = ctx.recommendation(mechanism.id)
    article = recommendation.parameters.get("article") if recommendation else None
    if isinstance(article, str):
        return article
    return mechanism.legal_basis[0] if mechanism.legal_basis else None


def known_values(ctx: Context, mechanism: ResolvedMechanism) -> dict[str, Any]:
    """Every clause parameter the dossier fills; the others stay « à compléter »."""
    s, p = ctx.advice.sizing, ctx.profile
    values: dict[str, Any] = {
        "contract_title": ctx.title,
        "amount_eur": p.estimated_amount_eur,
        "duration_months": p.duration_months,
        "hours": ctx.strategy.total_hours or s.hours,
        "fte": s.fte,
        "labour_share": s.labour_share,
        "insertion_rate": s.insertion_rate,
        "hourly_cost_eur": s.hourly_cost_eur,
        "hours_commitment": _hours_commitment(ctx),
        "hours_table": TABLE,
        "commitment_basis": (
            "le nombre d’heures de travail par tranche de 1 000 € HT commandés indiqué "
            "ci-dessous, appliqué au montant HT des commandes notifiées"
            if ctx.strategy.framework
            else "au moins le nombre d’heures de travail indiqué ci-dessous"
        ),
        "clause_scope": _clause_scope(ctx),
        "ccag_article": _ccag_article(ctx),
        "lot_count": len(p.lots),
        "lot_list": " ; ".join(ctx.lot_label(n) for n in range(1, len(p.lots) + 1)),
    }
    if ctx.facilitator:
        values["facilitator_contact"] = ctx.facilitator
    if p.agreement is not None and ctx.strategy.framework:
        values["execution_mode"] = EXECUTION_MODES[p.agreement.kind.value]
        unit = ORDER_UNITS[p.agreement.kind.value]
        values["order_unit"] = unit
        floor = ctx.strategy.order_floor_eur
        values["order_floor"] = (
            f"Aucune heure n’est due sur un {unit} d’un montant inférieur à "
            f"{french.eur(floor)} HT ; il n’entre pas dans le calcul."
            if floor
            else "Toute commande entre dans le calcul, quel que soit son montant."
        )
        at_min = sum(h.hours_at_minimum or 0 for h in ctx.strategy.hours)
        at_max = sum(h.hours for h in ctx.strategy.hours)
        values["range_text"] = (
            f"le ratio représente {french.hours(at_min)} au montant minimum et "
            f"{french.hours(at_max)} au montant maximum, sans que ce dernier soit dû si les "
            "commandes ne l’atteignent pas"
        )
    if ctx.strategy.penalty_eur_per_hour is not None:
        values["penalty_per_hour_eur"] = ctx.strategy.penalty_eur_per_hour
    criterion = ctx.strategy.retained(M.insertion_criterion)
    if criterion is not None and criterion.weight_percent is not None:
        values["criterion_weighting"] = criterion.weight_percent / 100
    article = _article_of(ctx, mechanism)
    if article:
        values["article"] = article
    if mechanism.id in RESERVATIONS:
        values["reserved"] = _reserved(ctx, mechanism.lots)
    if mechanism.option_title:
        values["condition_summary"] = f"« {mechanism.option_title} »"
    values.update(mechanism.parameters)
    values.update(_text_values(ctx.strategy))
    values["ccag_publics"] = _ccag_publics(ctx)
    values.update(_criterion_scope(ctx, mechanism))
    values.update(_lots_rules(ctx))
    if mechanism.lots:
        # The texts quote it: « Réhabilitation du lycée – lot n° 3 : Peinture intérieure ».
        values["contract_title"] = f"{ctx.title} – {_lots_short(ctx, mechanism.lots)}"
    return values


def _lots_short(ctx: Context, numbers: list[int]) -> str:
    """« lot n° 3 : Peinture intérieure », « lots n° 1, 2 et 4 »."""
    if len(numbers) == 1:
        return f"lot n° {numbers[0]} : {ctx.lot_titles[numbers[0] - 1]}"
    shown = [str(n) for n in numbers]
    return f"lots n° {', '.join(shown[:-1])} et {shown[-1]}"


def _text_values(strategy: ResolvedStrategy) -> dict[str, Any]:
    """The clause parameters the buyer's text values fill (clauses.strategy.texts)."""
    values: dict[str, Any] = {}
    for parameter in TEXT_PARAMETERS:
        name, _, part = parameter.key.partition(".")
        value = getattr(strategy, name)
        if part and value is not None:
            value = getattr(value, part) / 100  # a sub-criterion's weight, as a share
        if value is not None:
            values.update(dict.fromkeys(parameter.fills, value))
    return values


def _ccag_publics(ctx: Context) -> str:
    """Where the CCAG lists the eligible publics (art. 16.1.1 of the CCAG-FCS)."""
    ccag = ctx.ccag
    if ccag is None:
        return "l’article « Clause d’insertion sociale » du CCAG auquel le marché se réfère"
    if ccag.insertion_article and ccag.status is Status.sourced:
        return f"l’article {ccag.insertion_article}.1 du {ccag.short_title}"
    return (
        f"l’article « Clause d’insertion sociale » du {ccag.short_title} "
        "(numéro de l’article à vérifier)"
    )


def _criterion_scope(ctx: Context, mechanism: ResolvedMechanism) -> dict[str, str]:
    """Criteria are announced lot by lot: the offers of which lots the criterion judges."""
    if mechanism.id is not M.insertion_criterion or not mechanism.lots or not ctx.profile.lots:
        return {"criterion_offers": "", "criterion_other_lots": ""}
    others = [n for n in range(1, len(ctx.profile.lots) + 1) if n not in mechanism.lots]
    offers = f"remises pour {'le' if len(mechanism.lots) == 1 else 'les'} "
    offers += f"{ctx.lots_label(mechanism.lots)} "
    other = (
        f" Ce critère ne s’applique pas aux offres remises pour "
        f"{'le' if len(others) == 1 else 'les'} {ctx.lots_label(others)}."
        if others
        else ""
    )
    return {"criterion_offers": offers, "criterion_other_lots": other}


def _lots_rules(ctx: Context) -> dict[str, str]:
    """Who may bid on which lots (the reserved ones are closed to others) and how many lots one
    candidate may win (R2113-1, à vérifier)."""
    if not ctx.profile.lots:
        return {}
    bidding = ["Un candidat peut présenter une offre pour un, plusieurs ou tous les lots."]
    for m in ctx.retained:
        if m.id not in RESERVATIONS:
            continue
        who = RESERVED_TO[m.id.value]
        if not m.lots:
            bidding.append(
                f"Tous les lots sont réservés aux {who} dans les conditions précisées ci-après "
                "(marché réservé) ; seuls les opérateurs qui les remplissent peuvent soumissionner."
            )
            continue
        verb = "est réservé" if len(m.lots) == 1 else "sont réservés"
        article = "Le" if len(m.lots) == 1 else "Les"
        bidding.append(
            f"{article} {ctx.lots_label(m.lots)} {verb} aux {who} dans les conditions précisées "
            "ci-après : seuls les opérateurs qui les remplissent peuvent y soumissionner ; les "
            "autres lots sont ouverts à tous les opérateurs économiques."
        )
    cap = ctx.strategy.max_lots_per_candidate
    if cap is None:
        lots_cap = "Un même candidat peut obtenir tous les lots."
    else:
        lots_cap = (
            f"Un même candidat ne peut obtenir plus de {french.count(cap, 'lot')} (R2113-1, à "
            "vérifier) ; lorsque ses offres sont classées premières pour davantage de lots, "
            "ceux qu’il obtient sont déterminés selon la règle suivante : "
            + placeholder("règle d’attribution des lots au-delà du plafond")
            + "."
        )
    return {"bidding": " ".join(bidding), "lots_cap": lots_cap}


def _reserved(ctx: Context, lots: list[int]) -> str:
    """What a reservation covers, with its verb: the whole contract, or its reserved lots (the
    notice and the RC then say the same thing)."""
    contract = f"du marché {french.quote(ctx.title)}"
    if not lots:
        return f"le marché {french.quote(ctx.title)} est réservé"
    if len(lots) == 1:
        return f"le {ctx.lots_label(lots)} {contract} est réservé"
    return f"les {ctx.lots_label(lots)} {contract} sont réservés"


def render(ctx: Context, mechanism: ResolvedMechanism, clause: ClauseText) -> str:
    known = known_values(ctx, mechanism)
    values: dict[str, Any] = {}
    for parameter in clause.parameters:
        if parameter.name in known:
            values[parameter.name] = known[parameter.name]
        else:
            values[parameter.name] = placeholder(parameter.label)
            if not parameter.placeholder:
                ctx.messages.append(
                    f"Clause « {clause.id} » : paramètre « {parameter.name} » inconnu du rédacteur, "
                    "laissé à compléter."
                )
    return render_clause(clause, values)


def model_clauses(
    ctx: Context, mechanism: ResolvedMechanism, *sections: Section
) -> list[ClauseText]:
    """The model clauses of a retained mechanism; an option's own clause replaces the
    mechanism's generic CCAP article."""
    content = ctx.library.mechanisms[mechanism.id]
    option = next((o for o in content.options if o.id == mechanism.option), None)
    clauses = list(content.clauses)
    if mechanism.id is M.insertion_clause:  # a framework agreement's article (issue 22)
        framework = ctx.strategy.framework
        clauses = [
            c
            for c in clauses
            if c.id
            != (FRAMEWORK_CLAUSE.removesuffix("_framework") if framework else FRAMEWORK_CLAUSE)
        ]
    if option is not None:
        clauses = [c for c in clauses if c.section is not Section.ccap] + [option.clause]
    return [c for s in sections for c in clauses if c.section is s]
