"""The six sections of a draft, each written from the tender, the advice and the library.

Section ids (the caller selects any subset; the document keeps this order): ``summary`` (cover
and synthesis), ``rc`` (extract for the notice and the consultation rules), ``ccap`` (CCAP
articles), ``annexes`` (commitment forms, hours follow-up table), ``practices`` (good-practice
sheets) and ``references`` (legal references cited).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from clauses import french
from clauses.advisor.model import (
    LEVEL_LABELS,
    REGIME_LABELS,
    Advice,
    Level,
    LotHours,
    Recommendation,
)
from clauses.drafting.blocks import clause_blocks, markdown_blocks, write_blocks
from clauses.drafting.ooxml import Span, Writer
from clauses.drafting.practices import AttachedPractice
from clauses.drafting.references import cited_references
from clauses.drafting.regions import region_label
from clauses.drafting.sanitize import one_line
from clauses.library import Library
from clauses.library.models import ClauseText, Mechanism, MechanismId, ObligationId, Section
from clauses.library.render import placeholder, render_clause
from clauses.profile import BUYER_LABELS, NATURE_LABELS, OFFER_LABELS, TenderProfile

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
# The notice and RC extract, by theme, in the order a buyer reads the consultation rules.
RC_GROUPS: tuple[tuple[str, tuple[MechanismId, ...]], ...] = (
    ("Marché ou lots réservés", RESERVATIONS),
    ("Objet du marché", (M.insertion_services_contract,)),
    ("Allotissement", (M.lots_division,)),
    ("Critères d’attribution", (M.insertion_criterion,)),
    ("Conditions d’exécution à caractère social", SOCIAL_EXECUTION_CONDITIONS),
)
DOCUMENT_ORDER = (M.insertion_clause, M.other_social_condition, M.insertion_criterion,
                  M.insertion_services_contract, M.lots_division, *RESERVATIONS)  # fmt: skip
SOURCE_LABELS = {Section.notice: "Avis de publicité", Section.rc: "Règlement de la consultation"}
FOLLOW_UP_CLAUSE = "annex_insertion_follow_up"
FOLLOW_UP_COLUMNS = ("Mois", "Personne (initiales)", "Type de contrat", "Structure",
                     "Heures réalisées", "Heures cumulées", "Justificatif")  # fmt: skip
FOLLOW_UP_WIDTHS = (11, 14, 15, 18, 13, 13, 16)
FOLLOW_UP_ROWS = 6
# Clause parameters the drafter fills only in some places (for a lot, for a reservation); left
# for the buyer elsewhere. Any other unfilled parameter is a content change the drafter missed.
CONTEXT_PARAMETERS = frozenset({"lot_title", "article"})


@dataclass
class Context:
    """What every section reads; ``messages`` collects notes for the caller."""

    profile: TenderProfile
    library: Library
    advice: Advice
    title: str  # the tender's title, sanitised
    retained: list[Recommendation]
    set_aside: list[Recommendation]
    practices: list[AttachedPractice]
    messages: list[str] = field(default_factory=list)

    @cached_property
    def lots(self) -> list[LotHours]:
        """Hours per lot, with titles cleaned like every user text."""
        clause = self.advice.recommendation(M.insertion_clause)
        return [
            lot.model_copy(update={"title": one_line(lot.title) or f"lot {n}"})
            for n, lot in enumerate(clause.lots if clause else [], start=1)
        ]

    def is_retained(self, mechanism: MechanismId) -> bool:
        return any(r.mechanism is mechanism for r in self.retained)

    def retained_in(self, order: tuple[MechanismId, ...]) -> list[Recommendation]:
        by_id = {r.mechanism: r for r in self.retained}
        return [by_id[m] for m in order if m in by_id]


# Clause rendering ------------------------------------------------------------------------------


def _article(ctx: Context, recommendation: Recommendation) -> str | None:
    article = recommendation.parameters.get("article")
    if isinstance(article, str):
        return article
    if recommendation.mechanism is M.lots_division:
        # The lot to reserve is reserved under the article of the reservation retained.
        for reserved in ctx.retained_in(RESERVATIONS):
            found = reserved.parameters.get("article")
            if isinstance(found, str):
                return found
    return None


def _known_values(
    ctx: Context, recommendation: Recommendation, lot: tuple[int, LotHours] | None
) -> dict[str, Any]:
    s = ctx.advice.sizing
    values: dict[str, Any] = {
        "contract_title": ctx.title,
        "amount_eur": ctx.profile.estimated_amount_eur,
        "duration_months": ctx.profile.duration_months,
        "hours": s.hours,
        "fte": s.fte,
        "labour_share": s.labour_share,
        "insertion_rate": s.insertion_rate,
        "hourly_cost_eur": s.hourly_cost_eur,
    }
    if lot is not None:
        number, hours = lot
        values.update(
            {
                "contract_title": f"{ctx.title}, lot n° {number} : {hours.title}",
                "lot_title": hours.title,
                "amount_eur": hours.estimated_amount_eur,
                "hours": hours.hours,
                "fte": hours.fte,
                "labour_share": hours.labour_share,
                "insertion_rate": hours.insertion_rate,
                "hourly_cost_eur": hours.hourly_cost_eur,
            }
        )
    article = _article(ctx, recommendation)
    if article:
        values["article"] = article
    return values


def render(
    ctx: Context,
    recommendation: Recommendation,
    clause: ClauseText,
    lot: tuple[int, LotHours] | None = None,
) -> str:
    known = _known_values(ctx, recommendation, lot)
    values: dict[str, Any] = {}
    for parameter in clause.parameters:
        if parameter.placeholder or parameter.name not in known:
            values[parameter.name] = placeholder(parameter.label)
            if not parameter.placeholder and parameter.name not in CONTEXT_PARAMETERS:
                ctx.messages.append(
                    f"Clause « {clause.id} » : paramètre « {parameter.name} » inconnu du rédacteur, "
                    "laissé à compléter."
                )
        else:
            values[parameter.name] = known[parameter.name]
    return render_clause(clause, values)


def _per_lot(ctx: Context, clause: ClauseText) -> bool:
    """Hours are owed lot by lot: a clause stating hours is written once per lot."""
    return bool(ctx.lots) and any(p.name == "hours" for p in clause.parameters)


def _lots_with_hours(ctx: Context) -> Iterator[tuple[int, LotHours]]:
    for number, lot in enumerate(ctx.lots, start=1):
        if lot.hours > 0:
            yield number, lot


def _lots_without_hours_note(wr: Writer, ctx: Context) -> None:
    empty = [f"lot n° {n} « {lot.title} »" for n, lot in enumerate(ctx.lots, 1) if lot.hours <= 0]
    if empty:
        wr.paragraph(
            "Aucune heure d’insertion calculée, donc pas de clause, pour : "
            + ", ".join(empty)
            + ".",
            italic=True,
        )


def _clause(
    wr: Writer,
    ctx: Context,
    recommendation: Recommendation,
    clause: ClauseText,
    heading: str,
    level: int,
    after: Callable[[], None] | None = None,
) -> None:
    """A clause under ``heading``, once or once per lot with hours."""
    wr.heading(level, heading)
    if not _per_lot(ctx, clause):
        write_blocks(wr, clause_blocks(render(ctx, recommendation, clause)), top_heading=level + 1)
        if after:
            after()
        return
    for number, lot in _lots_with_hours(ctx):
        lot_heading = f"Lot n° {number} : {lot.title} ({french.hours(lot.hours)})"
        if level < 3:
            wr.heading(level + 1, lot_heading)
        else:  # no heading level left under a level-3 heading
            wr.paragraph(lot_heading, bold=True, keep_next=True)
        write_blocks(
            wr, clause_blocks(render(ctx, recommendation, clause, (number, lot))), top_heading=3
        )
        if after:
            after()
    _lots_without_hours_note(wr, ctx)


def _clauses(mechanism: Mechanism, *sections: Section) -> list[ClauseText]:
    return [c for s in sections for c in mechanism.clauses if c.section is s]


# 1. Summary ------------------------------------------------------------------------------------


def write_summary(wr: Writer, ctx: Context) -> None:
    a = ctx.advice
    wr.title("Clauses sociales", ctx.title)
    wr.paragraph(
        f"Document préparé le {french.date(a.as_of)} avec la bibliothèque de clauses "
        f"{a.library_version}."
    )
    _in_brief(wr, ctx)
    wr.paragraph(
        f"Les passages surlignés en jaune, comme {placeholder('valeur')}, sont à compléter par "
        "l’acheteur. Faites relire le document par votre service juridique avant publication.",
        italic=True,
    )
    wr.page_break()
    wr.heading(1, SECTION_TITLES["summary"])
    _facts(wr, ctx)
    _obligations(wr, ctx)
    _mechanisms(wr, ctx)
    _hours(wr, ctx)
    _decp(wr, ctx)
    if a.warnings:
        wr.heading(2, "Points de vigilance")
        wr.bullets(a.warnings)


def _in_brief(wr: Writer, ctx: Context) -> None:
    a = ctx.advice
    recommended = [
        ctx.library.mechanisms[r.mechanism].short_title
        for r in ctx.retained
        if r.level is Level.recommended
    ]
    possible = [
        ctx.library.mechanisms[r.mechanism].short_title
        for r in ctx.retained
        if r.level is Level.possible
    ]
    lines = [
        f"Montant estimé : {french.eur(ctx.profile.estimated_amount_eur)} HT, "
        f"{REGIME_LABELS[a.procedure.regime]}",
        f"Heures d’insertion calculées : {french.hours(a.sizing.hours)} "
        f"(environ {french.number(a.sizing.fte, 1)} ETP)",
        "Mécanismes recommandés : " + (", ".join(recommended) or "aucun"),
    ]
    if possible:
        lines.append("Mécanismes possibles : " + ", ".join(possible))
    wr.paragraph("En bref", bold=True, keep_next=True)
    wr.bullets(lines)


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
    facilitator = {True: "oui", False: "non", None: "à vérifier"}[p.facilitator_available]
    rows = [
        ["Objet", ctx.title],
        ["Nature", NATURE_LABELS[p.nature].capitalize()],
        ["Code CPV principal", cpv],
        ["Montant estimé", f"{french.eur(p.estimated_amount_eur)} HT (tous lots, toute la durée)"],
        ["Durée", f"{french.number(p.duration_months)} mois"],
        ["Date de lancement", launch],
        ["Acheteur", BUYER_LABELS[p.buyer_kind]],
        ["Région", region_label(p.region_code)],
        [
            "Procédure",
            f"{REGIME_LABELS[proc.regime]} ; seuil européen applicable : "
            f"{french.eur(proc.eu_threshold_eur)} HT ({reached})",
        ],
        ["Lots", f"{len(p.lots)} lots" if p.lots else "marché non alloti"],
        ["Facilitateur de clauses sociales", facilitator],
        ["Offre locale d’insertion (SIAE)", OFFER_LABELS[p.local_offer.insertion]],
        ["Offre locale du handicap (EA, ESAT)", OFFER_LABELS[p.local_offer.disability]],
    ]
    wr.heading(2, "Le marché")
    wr.table(["Élément", "Valeur"], rows, [32, 68])


def _obligations(wr: Writer, ctx: Context) -> None:
    wr.heading(2, "Obligations")
    obligations = {o.id: o for o in ctx.library.obligations.obligations}
    for result in ctx.advice.obligations:
        wr.heading(3, f"{result.title} ({', '.join(result.legal_basis)})")
        status = "S’applique à ce marché." if result.applies else "Ne s’applique pas à ce marché."
        wr.paragraph([Span(status, bold=True), Span(" " + result.explanation)])
        if result.valid_from_to_verify:
            wr.paragraph(
                f"Date d’application retenue : {french.date(result.valid_from)} "
                "(à vérifier par votre service juridique).",
                italic=True,
            )
        if not result.applies:
            continue
        if result.id is ObligationId.social_consideration_above_eu_threshold:
            meeting = ctx.retained_in(SOCIAL_EXECUTION_CONDITIONS)
            if meeting:
                wr.paragraph("Comment elle est satisfaite :", bold=True, keep_next=True)
                wr.bullets(f"{r.title}, article {r.legal_basis[0]}" for r in meeting)
            else:
                wr.paragraph(
                    "Aucune condition d’exécution sociale n’est retenue : la dérogation doit être "
                    "justifiée dans les documents de la consultation.",
                    bold=True,
                )
                wr.paragraph(
                    placeholder(
                        "justification de la dérogation à l’obligation de l’article L2112-2-1 "
                        "(motif et circonstances propres au marché)"
                    )
                )
                derogations = obligations[result.id].derogations
                if derogations:
                    wr.paragraph("Motifs de dérogation :", keep_next=True)
                    wr.bullets(d.text for d in derogations)
        elif result.id is ObligationId.environmental_execution_condition:
            wr.paragraph(
                "Hors du champ des clauses sociales : "
                + placeholder("condition d’exécution environnementale retenue")
            )
        elif result.id is ObligationId.environmental_award_criterion:
            wr.paragraph(
                "Hors du champ des clauses sociales : "
                + placeholder("critère d’attribution environnemental et sa pondération")
            )


def _legal_basis_text(mechanism: Mechanism) -> str:
    parts = []
    for basis in mechanism.legal_basis:
        former = f" (avant 2019 : {' ; '.join(basis.former)})" if basis.former else ""
        parts.append(basis.article + former)
    return " ; ".join(parts)


def _mechanisms(wr: Writer, ctx: Context) -> None:
    wr.heading(2, "Mécanismes retenus")
    if not ctx.retained:
        wr.paragraph("Aucun mécanisme retenu pour ce marché.")
    else:
        wr.paragraph(
            "Mécanismes recommandés ou possibles pour ce marché ; un mécanisme possible "
            "est une option à confirmer avec le facilitateur."
        )
    for r in ctx.retained:
        mechanism = ctx.library.mechanisms[r.mechanism]
        wr.heading(3, f"{r.title} — {LEVEL_LABELS[r.level]}")
        wr.paragraph([Span("Base légale : ", bold=True), Span(_legal_basis_text(mechanism))])
        wr.bullets(r.reasons)
        if mechanism.pitfalls:
            wr.paragraph("Points de vigilance :", bold=True, keep_next=True)
            wr.bullets(p.text for p in mechanism.pitfalls[:2])
    if ctx.set_aside:
        wr.heading(2, "Mécanismes écartés")
        wr.bullets(
            f"{r.title} ({LEVEL_LABELS[r.level] if r.level is Level.discouraged else 'non retenu'}) : "
            + " ".join(r.reasons)
            for r in ctx.set_aside
        )


def _hours(wr: Writer, ctx: Context) -> None:
    s, lib = ctx.advice.sizing, ctx.library
    wr.heading(2, "Heures d’insertion")
    if not ctx.is_retained(M.insertion_clause):
        wr.paragraph(
            "La clause d’insertion n’est pas retenue pour ce marché : le calcul est donné "
            "pour information.",
            italic=True,
        )
    wr.paragraph([Span("Formule : ", bold=True), Span(s.formula)])
    adjust = set(s.defaults_to_adjust)

    def note(name: str) -> str:
        return " (valeur par défaut à ajuster avec le facilitateur)" if name in adjust else ""

    parameters = [
        f"Part de main-d’œuvre : {french.percent(s.labour_share)}{note('labour_share')}",
        f"Taux d’insertion : {french.percent(s.insertion_rate)}{note('insertion_rate')}",
        f"Coût horaire chargé : {french.eur(s.hourly_cost_eur)}{note('hourly_cost_eur')}",
        f"Un équivalent temps plein (ETP) compte {french.hours(lib.sizing.hours_per_fte)} par an",
    ]
    if s.transferred_staff_weighting is not None:
        parameters.append(
            f"Pondération du personnel repris (P) : {french.number(s.transferred_staff_weighting, 2)}"
        )
    wr.bullets(parameters)
    header = ["Lot", "Montant HT", "Main-d’œuvre", "Taux", "Coût horaire", "Heures", "ETP"]
    widths = [30, 16, 12, 9, 11, 12, 10]
    if ctx.lots:
        rows = [
            [
                f"{n}. {lot.title}",
                french.eur(lot.estimated_amount_eur),
                french.percent(lot.labour_share),
                french.percent(lot.insertion_rate),
                french.eur(lot.hourly_cost_eur),
                french.number(lot.hours),
                french.number(lot.fte, 1),
            ]
            for n, lot in enumerate(ctx.lots, start=1)
        ]
        amount = sum(lot.estimated_amount_eur for lot in ctx.lots)
        rows.append(
            [
                "Total",
                french.eur(amount),
                "",
                "",
                "",
                french.number(s.hours),
                french.number(s.fte, 1),
            ]
        )
        wr.table(header, rows, widths, bold_last_row=True)
    else:
        wr.table(
            header,
            [
                [
                    "Marché entier",
                    french.eur(ctx.profile.estimated_amount_eur),
                    french.percent(s.labour_share),
                    french.percent(s.insertion_rate),
                    french.eur(s.hourly_cost_eur),
                    french.number(s.hours),
                    french.number(s.fte, 1),
                ]
            ],
            widths,
        )
    wr.paragraph(
        [
            Span("Heures d’insertion à prévoir : ", bold=True),
            Span(f"{french.hours(s.hours)}, soit environ {french.number(s.fte, 1)} ETP."),
        ]
    )
    if s.below_floor:
        wr.paragraph(
            f"Méthode de la branche propreté : sous le plancher de "
            f"{french.hours(lib.sizing.cleaning.floor_hours)}, la méthode ne prévoit pas de clause.",
            italic=True,
        )


def _decp(wr: Writer, ctx: Context) -> None:
    decp = ctx.advice.decp
    wr.heading(2, "Données essentielles (DECP)")
    wr.paragraph("Valeurs à déclarer si les mécanismes recommandés sont utilisés :", keep_next=True)
    lines = [
        "considerationsSociales : " + ", ".join(decp.considerationsSociales.considerationSociale)
    ]
    if decp.considerationsEnvironnementales:
        lines.append(
            "considerationsEnvironnementales : "
            + ", ".join(decp.considerationsEnvironnementales.considerationEnvironnementale)
        )
    wr.bullets(lines)
    declared = set(decp.considerationsSociales.considerationSociale)
    extra = []
    for r in ctx.retained:
        value = ctx.library.mechanisms[r.mechanism].decp_value
        if r.level is not Level.recommended and value is not None and value.value not in declared:
            extra.append(f"{value.value} ({r.title})")
            declared.add(value.value)
    if extra:
        wr.paragraph(
            "Si vous retenez aussi les mécanismes possibles, ajoutez : "
            + ", ".join(extra)
            + " ; la valeur « Pas de considération sociale » ne se combine avec aucune autre."
        )


# 2. Notice and consultation rules ----------------------------------------------------------------


def write_rc(wr: Writer, ctx: Context) -> None:
    wr.heading(1, SECTION_TITLES["rc"])
    wr.paragraph(
        "Clauses types à reprendre dans l’avis de publicité et dans le règlement de la "
        "consultation (RC)."
    )
    written = False
    for title, order in RC_GROUPS:
        recommendations = ctx.retained_in(order)
        env_criterion = title == "Critères d’attribution" and _env_criterion_applies(ctx)
        clauses = [
            (r, c)
            for r in recommendations
            for c in _clauses(ctx.library.mechanisms[r.mechanism], Section.notice, Section.rc)
        ]
        if not clauses and not env_criterion:
            continue
        written = True
        wr.heading(2, title)
        if order == RESERVATIONS and len(recommendations) > 1:
            wr.paragraph(
                "Ces réservations sont des options qui s’excluent : retenez-en une seule "
                "par marché ou par lot.",
                italic=True,
            )
        if env_criterion:
            wr.paragraph(
                [
                    Span("Critère environnemental obligatoire (L2152-7, R2152-7) : "),
                    Span(placeholder("critère environnemental et sa pondération")),
                ]
            )
        for recommendation, clause in clauses:
            heading = f"{SOURCE_LABELS[clause.section]} : {clause.title}"
            _clause(wr, ctx, recommendation, clause, heading, 3)
    if not written:
        wr.paragraph(
            "Aucun mécanisme retenu ne comporte de clause pour l’avis ou le règlement de la "
            "consultation."
        )


def _env_criterion_applies(ctx: Context) -> bool:
    return any(
        o.applies
        for o in ctx.advice.obligations
        if o.id is ObligationId.environmental_award_criterion
    )


# 3. CCAP -----------------------------------------------------------------------------------------


def write_ccap(wr: Writer, ctx: Context) -> None:
    wr.heading(1, SECTION_TITLES["ccap"])
    wr.paragraph(
        "Articles à insérer dans le cahier des clauses administratives particulières (CCAP)."
    )
    written = False
    for recommendation in ctx.retained_in(DOCUMENT_ORDER):
        for clause in _clauses(ctx.library.mechanisms[recommendation.mechanism], Section.ccap):
            written = True
            _clause(wr, ctx, recommendation, clause, f"Article « {clause.title} »", 2)
    if not written:
        wr.paragraph("Aucun mécanisme retenu ne comporte d’article de CCAP.")


# 4. Annexes --------------------------------------------------------------------------------------


def write_annexes(wr: Writer, ctx: Context) -> None:
    wr.heading(1, SECTION_TITLES["annexes"])
    number = 0
    follow_up_written = False
    for recommendation in ctx.retained_in(DOCUMENT_ORDER):
        for clause in _clauses(ctx.library.mechanisms[recommendation.mechanism], Section.annex):
            number += 1
            is_follow_up = clause.id == FOLLOW_UP_CLAUSE
            follow_up_written |= is_follow_up
            _clause(
                wr,
                ctx,
                recommendation,
                clause,
                f"Annexe {number} – {clause.title}",
                2,
                after=(lambda: _follow_up_table(wr)) if is_follow_up else None,
            )
    if ctx.is_retained(M.insertion_clause) and not follow_up_written:
        number += 1
        wr.heading(2, f"Annexe {number} – Tableau de suivi des heures d’insertion")
        _follow_up_table(wr)
    if number == 0:
        wr.paragraph("Aucune annexe pour les mécanismes retenus.")


def _follow_up_table(wr: Writer) -> None:
    wr.table(FOLLOW_UP_COLUMNS, [[""] * len(FOLLOW_UP_COLUMNS)] * FOLLOW_UP_ROWS, FOLLOW_UP_WIDTHS)


# 5. Good-practice sheets -------------------------------------------------------------------------


def write_practices(wr: Writer, ctx: Context) -> None:
    wr.heading(1, SECTION_TITLES["practices"])
    if not ctx.practices:
        wr.paragraph("Aucune fiche de bonnes pratiques ne correspond à ce marché.")
        return
    for attached in ctx.practices:
        sheet = attached.practice
        wr.heading(2, sheet.title)
        wr.paragraph(attached.reason, italic=True)
        wr.paragraph(
            f"Faits de {sheet.facts_year} ; fiche relue le {french.date(sheet.reviewed_on)}.",
            italic=True,
        )
        write_blocks(wr, markdown_blocks(sheet.body), top_heading=3)


# 6. Legal references -----------------------------------------------------------------------------


def write_references(wr: Writer, ctx: Context) -> None:
    cited = cited_references(ctx.library, "\n".join(dict.fromkeys(wr.texts)))  # each text once
    wr.heading(1, SECTION_TITLES["references"])
    if not cited:
        wr.paragraph("Aucune référence juridique citée dans les sections retenues.")
        return
    wr.paragraph(
        "Textes cités dans ce document. Les liens mènent au Code de la commande publique "
        "sur Légifrance ; vérifiez la version en vigueur à la date de la consultation."
    )
    rows: list[list[Any]] = []
    for ref in cited:
        title = ref.title
        if ref.former:
            title += f" (avant 2019 : {' ; '.join(ref.former)})"
        if ref.status.value == "to_verify" and "à vérifier" not in title:
            title += " (à vérifier par votre service juridique)"
        rows.append([ref.id, title, str(ref.url) if ref.url else "—"])
    wr.table(["Référence", "Intitulé", "Lien"], rows, [21, 61, 18], link_column=2)


WRITERS: dict[str, Callable[[Writer, Context], None]] = {
    "summary": write_summary,
    "rc": write_rc,
    "ccap": write_ccap,
    "annexes": write_annexes,
    "practices": write_practices,
    "references": write_references,
}
