"""The sections of a draft, written from the tender, the advice, the strategy and the library.

The drafter writes only what the strategy retained, once: one text for the notice and the
consultation rules, one CCAP article per retained mechanism that has one (the insertion clause
with a table of the hours owed, lot by lot), one commitment form and one follow-up table with a
row per lot. Section ids (the caller selects any subset; the document keeps this order):
``summary`` (cover and synthesis), ``rc`` (notice and consultation rules), ``ccap`` (CCAP
articles), ``annexes`` (commitment form, follow-up table, memo outline), ``practices``
(good-practice sheets) and ``references`` (legal references cited).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote as url_quote

from clauses import french
from clauses.advisor.compatibility import lots_text
from clauses.advisor.model import (
    LEVEL_LABELS,
    REGIME_LABELS,
    Advice,
    Level,
    Note,
    Recommendation,
    Regime,
)
from clauses.drafting.blocks import TABLE, clause_blocks, markdown_blocks, write_blocks
from clauses.drafting.ooxml import Ref, Span, Writer
from clauses.drafting.practices import AttachedPractice
from clauses.drafting.references import cited_references
from clauses.drafting.regions import region_label
from clauses.drafting.sanitize import one_line
from clauses.library import Library
from clauses.library.models import Ccag, ClauseText, MechanismId, ObligationId, Section, Status
from clauses.library.render import placeholder, render_clause
from clauses.profile import BUYER_LABELS, NATURE_LABELS, TenderProfile
from clauses.strategy.model import HoursLine, ResolvedMechanism, ResolvedStrategy
from clauses.strategy.texts import TEXT_PARAMETERS
from clauses.vocabulary import RESERVED_TO

SECTION_IDS = ("summary", "rc", "ccap", "annexes", "practices", "references")
SECTION_TITLES = {
    "summary": "Synthèse",
    "rc": "Extrait pour l’avis et le règlement de la consultation",
    "ccap": "Extrait du CCAP",
    "annexes": "Annexes",
    "practices": "Fiches de bonnes pratiques",
    "references": "Références juridiques citées",
}

M = MechanismId
# Mechanisms that put a social consideration in the execution conditions (what L2112-2-1 asks).
SOCIAL_EXECUTION_CONDITIONS = (M.insertion_clause, M.other_social_condition)
RESERVATIONS = (M.reserved_disability, M.reserved_insertion, M.reserved_both, M.reserved_prison,
                M.reserved_ess)  # fmt: skip
# The order a buyer reads the consultation rules in: who may bid, the object, the lots, the
# award, then the execution conditions.
DOCUMENT_ORDER = (*RESERVATIONS, M.insertion_services_contract, M.insertion_criterion,
                  M.insertion_clause, M.other_social_condition)  # fmt: skip
FOLLOW_UP_CLAUSE = "annex_insertion_follow_up"
COMMITMENT_CLAUSE = "annex_insertion_commitment"
FRAMEWORK_CLAUSE = "ccap_insertion_clause_framework"
EXECUTION_MODES = {
    "purchase_orders": "bons de commande",
    "subsequent_contracts": "marchés subséquents",
}
ORDER_UNITS = {"purchase_orders": "bon de commande", "subsequent_contracts": "marché subséquent"}
FOLLOW_UP_COLUMNS = ("Heures dues", "Période", "Personne", "Modalité, structure",
                     "Heures", "Cumul", "Pièces")  # fmt: skip
FOLLOW_UP_WIDTHS = (20, 12, 13, 19, 12, 12, 12)  # « Heures » and « Cumul » on one line
FOLLOW_UP_BLANK_ROWS = 3
NUMBER_INDENT = 709  # hanging indent of Word-numbered sub-clauses (1.25 cm)
_POINT_REFERENCE = re.compile(r"(au point |aux points? )(\d{1,2})\b")
# Légifrance's search of the codes by article number. No article identifier (LEGIARTI) of the
# library is sourced yet: when one is, the link should go to the article itself.
LEGIFRANCE_SEARCH = (
    "https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE"
    "&query={query}&page=1&init=true"
)


@dataclass
class Context:
    """What every section reads; ``messages`` collects notes for the caller."""

    profile: TenderProfile
    library: Library
    advice: Advice
    strategy: ResolvedStrategy
    title: str  # the tender's title, sanitised
    practices: list[AttachedPractice]
    messages: list[str] = field(default_factory=list)

    @cached_property
    def retained(self) -> list[ResolvedMechanism]:
        """What the strategy retains, in the order of the documents (« Autre condition sociale »
        once per option)."""
        order = {m: i for i, m in enumerate(DOCUMENT_ORDER)}
        kept = [m for m in self.strategy.mechanisms if m.id in order]
        return sorted(kept, key=lambda m: order[m.id])

    def is_retained(self, mechanism: MechanismId) -> bool:
        return self.strategy.retained(mechanism) is not None

    def recommendation(self, mechanism: MechanismId) -> Recommendation | None:
        return self.advice.recommendation(mechanism)

    @cached_property
    def lot_titles(self) -> list[str]:
        return [one_line(lot.title) or f"lot {n}" for n, lot in enumerate(self.profile.lots, 1)]

    def lot_label(self, number: int) -> str:
        """« lot n° 3 « Peinture intérieure » »."""
        return f"lot n° {number} {french.quote(self.lot_titles[number - 1])}"

    def lots_label(self, numbers: list[int]) -> str:
        """« lot n° 3 « A » », « lots n° 1 « A », n° 2 « B » et n° 5 « C » »."""
        if len(numbers) == 1:
            return self.lot_label(numbers[0])
        labels = [f"n° {n} {french.quote(self.lot_titles[n - 1])}" for n in numbers]
        return "lots " + ", ".join(labels[:-1]) + " et " + labels[-1]

    @cached_property
    def ccag(self) -> Ccag | None:
        return self.library.legal.ccag_for(self.profile.nature.value, self.profile.cpv)

    @cached_property
    def facilitator(self) -> str | None:
        f = self.strategy.facilitator
        parts = [] if f is None else [f.name, f.organisation, f.phone, f.email]
        text = ", ".join(one_line(p) for p in parts if p and one_line(p))
        return text or None


# Values the drafter knows ------------------------------------------------------------------------


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


def _clauses(ctx: Context, mechanism: ResolvedMechanism, *sections: Section) -> list[ClauseText]:
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


# Writing a clause: sub-clauses numbered by Word, references to them as fields ---------------------


def write_clause(
    wr: Writer,
    text: str,
    *,
    prefix: str = "",
    bookmark: str = "",
    table: Callable[[], None] | None = None,
) -> None:
    """``text`` with its numbered lines as a Word multi-level list under ``prefix`` (« 9 » gives
    « 9.1 », « 9.1.1 »); « au point 3 » becomes a REF field to point 3's bookmark."""
    blocks = clause_blocks(text)
    numbered = any(b.kind in ("point", "item") for b in blocks)
    num_id = wr.number_list.outline(prefix, NUMBER_INDENT) if numbered else None
    has_points = any(b.kind == "point" for b in blocks)
    marks = {b.items[0]: f"_Ref{bookmark}_{b.items[0]}" for b in blocks if b.kind == "point"}

    def shown(label: str) -> str:
        return f"{prefix}.{label}" if prefix else label

    def spans(line: str) -> list[Span | Ref] | str:
        if not marks or "point" not in line:
            return line
        out: list[Span | Ref] = []
        position = 0
        for match in _POINT_REFERENCE.finditer(line):
            target = marks.get(match.group(2))
            if target is None:
                continue
            out.append(Span(line[position : match.end(1)]))
            out.append(Ref(target, shown(match.group(2))))
            position = match.end()
        out.append(Span(line[position:]))
        return out if len(out) > 1 else line

    for block in blocks:
        match block.kind:
            case "point":
                wr.paragraph(
                    block.text,
                    bold=True,
                    keep_next=True,
                    num_id=num_id,
                    bookmark=marks[block.items[0]] if bookmark else None,
                )
            case "item":
                level = block.level if has_points else 0
                wr.paragraph(spans(block.text), num_id=num_id, level=level)
            case "paragraph":
                wr.paragraph(spans(block.text), markup=True)
            case "bullets":
                wr.bullets(block.items, markup=True)
            case "table":
                if table is not None:
                    table()


# 1. Summary ------------------------------------------------------------------------------------


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
        rows = [[label(h), french.hours(h.hours)] for h in lines]
        header = [first, "Heures d’insertion dues"]
        widths = [70, 30]
        if lines and lines[0].lot is not None:
            header.append("Lot visé par l’offre")
            widths = [58, 24, 18]
            rows = [[*row, "☐"] for row in rows]
        wr.table(header, rows, widths)
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
        rows = [[label(h), ratio(h)] for h in lines]
        header = [first, "Heures d’insertion par tranche de 1 000 € HT commandés"]
        widths = [60, 40]
        if lines and lines[0].lot is not None:
            header.append("Lot visé par l’offre")
            widths = [52, 30, 18]
            rows = [[*row, "☐"] for row in rows]
        wr.table(header, rows, widths)
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


# 2. Notice and consultation rules ----------------------------------------------------------------


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
    notice = [(m, c) for m in written for c in _clauses(ctx, m, Section.notice)]
    rules = consultation(ctx) + [(m, c) for m in written for c in _clauses(ctx, m, Section.rc)]
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


# 3. CCAP -----------------------------------------------------------------------------------------


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
    articles = [(m, c) for m in ctx.retained for c in _clauses(ctx, m, Section.ccap)]
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


# 4. Annexes --------------------------------------------------------------------------------------


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
    annexes = [(m, c) for m in ctx.retained for c in _clauses(ctx, m, Section.annex)]
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


# 5. Good-practice sheets -------------------------------------------------------------------------


def write_practices(wr: Writer, ctx: Context) -> None:
    wr.heading(1, SECTION_TITLES["practices"])
    if not ctx.practices:
        wr.paragraph("Aucune fiche de bonnes pratiques ne correspond à ce marché.")
        return
    for attached in ctx.practices:
        write_practice(wr, attached)


def write_practice(wr: Writer, attached: AttachedPractice) -> None:
    sheet = attached.practice
    wr.heading(2, sheet.title)
    wr.paragraph(
        f"{attached.reason} Faits de {sheet.facts_year} ; fiche relue le "
        f"{french.date(sheet.reviewed_on)}.",
        italic=True,
    )
    write_blocks(wr, markdown_blocks(sheet.body), top_heading=3)


# 6. Legal references -----------------------------------------------------------------------------


def legifrance_url(article: str) -> str:
    """A Légifrance search for the article number: no article identifier is sourced yet."""
    return LEGIFRANCE_SEARCH.format(query=url_quote(article))


def write_references(wr: Writer, ctx: Context) -> None:
    cited = cited_references(ctx.library, "\n".join(dict.fromkeys(wr.texts)))  # each text once
    wr.heading(1, SECTION_TITLES["references"])
    if not cited:
        wr.paragraph("Aucune référence juridique citée dans les sections retenues.")
        return
    wr.paragraph(
        "Textes cités dans ce document. Les liens mènent à la recherche de l’article dans les "
        "codes sur Légifrance (choisissez le Code de la commande publique) ; vérifiez la version "
        "en vigueur à la date de la consultation."
    )
    rows: list[list[Any]] = []
    for ref in cited:
        title = ref.title
        if ref.text == "CCAG" and ctx.ccag is not None:
            ccag = ctx.ccag  # the contract's CCAG, not the generic reference
            article = ccag.insertion_article or "numéro à vérifier"
            title = f"{ccag.short_title} 2021, article « Clause d’insertion sociale » ({article})"
            rows.append([ccag.short_title, title, "—"])
            continue
        if ref.former:
            title += f" (avant 2019 : {' ; '.join(ref.former)})"
        if ref.status is Status.to_verify and "à vérifier" not in title:
            title += " (à vérifier par votre service juridique)"
        url = legifrance_url(ref.id) if ref.text == "CCP" else (str(ref.url) if ref.url else "—")
        rows.append([ref.id, title, url])
    wr.table(["Référence", "Intitulé", "Lien"], rows, [21, 61, 18], link_column=2)


WRITERS: dict[str, Callable[[Writer, Context], None]] = {
    "summary": write_summary,
    "rc": write_rc,
    "ccap": write_ccap,
    "annexes": write_annexes,
    "practices": write_practices,
    "references": write_references,
}
