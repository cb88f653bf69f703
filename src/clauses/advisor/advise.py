"""``advise(profile, library, as_of)``: a pure function of the tender's facts and the library.

Each rule reads the facts (:class:`Facts`) and returns at most one recommendation with the
reasons drawn from those facts; nothing here reads a clock, a file or a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from clauses import french
from clauses.advisor import hours as h
from clauses.advisor.model import (
    Advice,
    Decp,
    DecpEnvironmentalValues,
    DecpSocialValues,
    Level,
    LotHours,
    ObligationResult,
    Procedure,
    Recommendation,
    Regime,
    Sizing,
)
from clauses.advisor.procedure import eu_period, procedure_for, threshold_warnings
from clauses.library import Library
from clauses.library.models import (
    DecpEnvironmental,
    DecpSocial,
    MechanismId,
    Obligation,
    ObligationId,
    Status,
    StructureKind,
)
from clauses.profile import OFFER_LABELS, OfferLevel, TenderProfile

# Structures that can perform a reserved contract themselves (ETTI, AI and GEIQ place workers:
# they help fulfil an insertion clause rather than take a reserved contract).
INSERTION_STRUCTURES = {StructureKind.ei, StructureKind.aci}
DISABILITY_STRUCTURES = {StructureKind.ea, StructureKind.eatt, StructureKind.esat}
ESS_MAX_MONTHS = 36
CSR_WARNING = (
    "Critère d’insertion : il doit noter la manière dont ce marché sera exécuté (tutorat, "
    "formation, parcours des personnes), jamais la politique sociale générale de l’entreprise "
    "(CE, 25 mai 2018, Nantes Métropole, n° 417580)."
)


@dataclass(frozen=True)
class Facts:
    """What the rules read: the profile plus what the advisor derived from it."""

    profile: TenderProfile
    library: Library
    procedure: Procedure
    social_obligation: bool
    sizing: Sizing
    lots: list[LotHours]
    structures: frozenset[StructureKind]

    @property
    def regime(self) -> Regime:
        return self.procedure.regime

    @property
    def labour_light(self) -> bool:
        return self.sizing.labour_share < self.library.sizing.labour_light_share

    @property
    def low_hours(self) -> bool:
        return self.sizing.hours < self.library.sizing.low_hours

    def sector_text(self) -> str:
        return (
            f"secteur « {self.sizing.sector_label} »" if self.sizing.sector_label else "ce marché"
        )


Rule = Callable[[Facts, dict[MechanismId, Recommendation], list[str]], Recommendation | None]


def advise(profile: TenderProfile, library: Library, as_of: dt.date) -> Advice:
    launch = profile.launch_on(as_of)
    procedure = procedure_for(profile, library, launch)
    obligations = [_obligation(o, procedure, launch) for o in library.obligations.obligations]
    social_obligation = next(
        o.applies
        for o in obligations
        if o.id is ObligationId.social_consideration_above_eu_threshold
    )
    sizing, lots, warnings = _size(profile, library)
    warnings[:0] = threshold_warnings(library, launch)
    sector = library.sectors.get(sizing.sector or "")
    facts = Facts(
        profile=profile,
        library=library,
        procedure=procedure,
        social_obligation=social_obligation,
        sizing=sizing,
        lots=lots,
        structures=frozenset(sector.typical_structures if sector else ()),
    )
    recommendations: dict[MechanismId, Recommendation] = {}
    for rule in RULES:
        recommendation = rule(facts, recommendations, warnings)
        if recommendation is not None:
            recommendations[recommendation.mechanism] = recommendation

    social_values = _decp_social(recommendations, library)
    env_applies = any(
        o.applies
        for o in obligations
        if o.id is not ObligationId.social_consideration_above_eu_threshold
    )
    decp = Decp(
        considerationsSociales=DecpSocialValues(considerationSociale=social_values),
        considerationsEnvironnementales=DecpEnvironmentalValues(
            considerationEnvironnementale=[
                DecpEnvironmental.clause.value,
                DecpEnvironmental.criterion.value,
            ]
        )
        if env_applies
        else None,
    )
    return Advice(
        library_version=library.version,
        as_of=as_of,
        procedure=procedure,
        obligations=obligations,
        recommendations=list(recommendations.values()),
        insertion_hours=sizing.hours,
        decp=decp,
        warnings=warnings,
        sizing=sizing,
    )


def _obligation(obligation: Obligation, procedure: Procedure, launch: dt.date) -> ObligationResult:
    started = launch >= obligation.valid_from
    in_scope = obligation.scope == "all_contracts" or procedure.above_eu_threshold
    date_note = " (date à vérifier)" if obligation.valid_from_status is Status.to_verify else ""
    if not started:
        why = (
            f"Consultation lancée le {french.date(launch)}, avant le {french.date(obligation.valid_from)}"
            f"{date_note} : l’obligation ne s’applique pas encore."
        )
    elif not in_scope:
        why = (
            f"Montant estimé inférieur au seuil européen applicable "
            f"({french.eur(procedure.eu_threshold_eur)} HT) : l’obligation ne s’applique pas."
        )
    else:
        why = obligation.explanation
        if obligation.scope == "above_eu_threshold":
            why += (
                f" Le montant estimé atteint le seuil européen ({french.eur(procedure.eu_threshold_eur)} HT)"
                f" et la consultation est lancée à compter du {french.date(obligation.valid_from)}{date_note}."
            )
    return ObligationResult(
        id=obligation.id,
        applies=started and in_scope,
        legal_basis=list(obligation.legal_basis),
        explanation=why,
        title=obligation.title,
        valid_from=obligation.valid_from,
        valid_from_to_verify=bool(date_note),
    )


def _size(profile: TenderProfile, library: Library) -> tuple[Sizing, list[LotHours], list[str]]:
    """Insertion hours for the whole contract, per lot when lots are given."""
    warnings: list[str] = []
    whole = h.rates_for(profile, library)
    cleaning = whole.sector is not None and whole.sector.sizing_method == "cleaning_branch"
    weighting: float | None = None
    if cleaning:
        coefficient = whole.hourly_cost_eur / whole.labour_share if whole.labour_share else 0.0
        weighting = (
            h.transferred_staff_weighting(
                profile.estimated_amount_eur,
                profile.duration_months,
                profile.transferred_staff_monthly_hours or 0.0,
                coefficient,
            )
            if coefficient
            else 0.0
        )

    def lot_hours(amount: float, rates: h.Rates) -> int:
        if cleaning:
            c = rates.hourly_cost_eur / rates.labour_share if rates.labour_share else 0.0
            return h.cleaning_hours(amount, weighting or 0.0, c, rates.insertion_rate) if c else 0
        return h.general_hours(
            amount, rates.labour_share, rates.insertion_rate, rates.hourly_cost_eur
        )

    lots: list[LotHours] = []
    to_adjust = set(whole.to_adjust)
    for lot in profile.lots:
        rates = h.rates_for(profile, library, lot)
        to_adjust.update(rates.to_adjust)
        hours = lot_hours(lot.estimated_amount_eur, rates)
        lots.append(
            LotHours(
                title=lot.title,
                estimated_amount_eur=lot.estimated_amount_eur,
                labour_share=rates.labour_share,
                insertion_rate=rates.insertion_rate,
                hourly_cost_eur=rates.hourly_cost_eur,
                hours=hours,
                fte=h.fte(hours, library),
            )
        )
    if lots:
        total = sum(lot.hours for lot in lots)
        lots_amount = sum(lot.estimated_amount_eur for lot in lots)
        labour_share = (
            sum(lot.labour_share * lot.estimated_amount_eur for lot in lots) / lots_amount
        )
        if abs(lots_amount - profile.estimated_amount_eur) >= 1:
            warnings.append(
                f"La somme des lots ({french.eur(lots_amount)} HT) diffère du montant total estimé "
                f"({french.eur(profile.estimated_amount_eur)} HT) : les seuils sont appréciés sur le "
                "montant total, les heures sur les lots."
            )
    else:
        total = lot_hours(profile.estimated_amount_eur, whole)
        labour_share = whole.labour_share
    floor = library.sizing.cleaning.floor_hours
    below_floor = cleaning and total < floor
    if below_floor:
        warnings.append(
            f"Méthode de la branche propreté : {french.hours(total)} calculées, sous le plancher de "
            f"{french.hours(floor)} ; la méthode ne prévoit pas de clause d’insertion en dessous."
        )
        total = 0
        lots = [lot.model_copy(update={"hours": 0, "fte": 0.0}) for lot in lots]
    sizing = Sizing(
        method="cleaning_branch" if cleaning else "general",
        formula=h.CLEANING_FORMULA if cleaning else h.GENERAL_FORMULA,
        hours=total,
        fte=h.fte(total, library),
        labour_share=round(labour_share, 4),
        insertion_rate=whole.insertion_rate,
        hourly_cost_eur=whole.hourly_cost_eur,
        sector=whole.sector.id if whole.sector else None,
        sector_label=whole.sector.label if whole.sector else None,
        defaults_to_adjust=sorted(to_adjust),
        transferred_staff_weighting=round(weighting, 4) if weighting is not None else None,
        below_floor=below_floor,
    )
    return sizing, lots, warnings


def _recommendation(
    facts: Facts, mechanism: MechanismId, level: Level, reasons: list[str], **extra: object
) -> Recommendation:
    content = facts.library.mechanisms[mechanism]
    return Recommendation(
        mechanism=mechanism,
        level=level,
        legal_basis=[b.article for b in content.legal_basis],
        former_legal_basis=list(dict.fromkeys(f for b in content.legal_basis for f in b.former)),
        reasons=reasons,
        title=content.title,
        **extra,
    )


def _hours_parameters(facts: Facts) -> dict[str, int | float | str]:
    s = facts.sizing
    parameters: dict[str, int | float | str] = {
        "hours": s.hours,
        "labour_share": s.labour_share,
        "insertion_rate": s.insertion_rate,
        "hourly_cost_eur": s.hourly_cost_eur,
        "fte": s.fte,
        "method": s.method,
    }
    if s.transferred_staff_weighting is not None:
        parameters["transferred_staff_weighting"] = s.transferred_staff_weighting
    return parameters


def insertion_clause(
    facts: Facts, _: dict[MechanismId, Recommendation], warnings: list[str]
) -> Recommendation:
    s, lib = facts.sizing, facts.library
    share = french.percent(s.labour_share)
    reasons = []
    if s.below_floor:
        level = Level.discouraged
        reasons.append(
            f"Propreté : moins de {french.hours(lib.sizing.cleaning.floor_hours)} d’insertion "
            "après prise en compte du personnel repris."
        )
    elif facts.labour_light:
        level = Level.discouraged
        reasons.append(
            f"Marché peu intensif en main-d’œuvre ({share} du montant, sous le repère de "
            f"{french.percent(lib.sizing.labour_light_share)}) : une clause d’heures d’insertion "
            "pèserait sur très peu d’heures."
        )
        warnings.append(
            f"Marché peu intensif en main-d’œuvre ({share}) : une clause d’insertion en heures est "
            "déconseillée ; préférez une autre condition sociale liée à l’exécution."
        )
    elif facts.regime is Regime.no_procedure:
        level = Level.possible
        reasons.append(
            f"Achat sous le seuil de dispense de procédure ({french.eur(facts.procedure.no_procedure_threshold_eur)} HT) : "
            f"une clause reste possible pour {french.hours(s.hours)}."
        )
    elif facts.low_hours:
        level = Level.possible
        reasons.append(f"Volume calculé faible : {french.hours(s.hours)}.")
        warnings.append(
            f"Heures d’insertion faibles ({french.hours(s.hours)}, sous le repère de "
            f"{french.hours(lib.sizing.low_hours)}) : vérifiez avec le facilitateur que le volume "
            "justifie une clause et son suivi."
        )
    else:
        level = Level.recommended
        reasons.append(
            f"Part de main-d’œuvre de {share} ({facts.sector_text()}) : "
            f"{french.hours(s.hours)} d’insertion, soit environ {french.number(s.fte, 1)} ETP."
        )
    if facts.social_obligation and level is not Level.discouraged:
        reasons.append(
            "Répond à l’obligation de considération sociale dans les conditions d’exécution (L2112-2-1)."
        )
    if level is not Level.discouraged:
        if facts.profile.facilitator_available is False:
            warnings.append(
                "Aucun facilitateur sur le territoire : une clause sans accompagnement est difficile à "
                "suivre ; prévoyez un référent interne ou rapprochez-vous d’une Maison de l’emploi ou d’un PLIE."
            )
        elif facts.profile.facilitator_available is None:
            reasons.append(
                "Vérifiez qu’un facilitateur de clauses sociales couvre le territoire d’exécution."
            )
        if facts.profile.local_offer.insertion is OfferLevel.none:
            warnings.append(
                "Aucune structure d’insertion connue localement : les heures risquent d’être difficiles à "
                "trouver ; privilégiez l’embauche directe, l’ETTI ou le GEIQ et validez le volume avec le facilitateur."
            )
        if s.defaults_to_adjust:
            reasons.append(
                "Paramètres par défaut à ajuster avec le facilitateur : "
                + ", ".join(PARAMETER_LABELS[p] for p in s.defaults_to_adjust)
                + "."
            )
    return _recommendation(
        facts,
        MechanismId.insertion_clause,
        level,
        reasons,
        parameters=_hours_parameters(facts),
        lots=facts.lots,
    )


PARAMETER_LABELS = {
    "labour_share": "part de main-d’œuvre",
    "insertion_rate": "taux d’insertion",
    "hourly_cost_eur": "coût horaire chargé",
}


def insertion_criterion(
    facts: Facts, found: dict[MechanismId, Recommendation], warnings: list[str]
) -> Recommendation | None:
    clause = found[MechanismId.insertion_clause]
    if facts.regime is Regime.no_procedure:
        return None
    if clause.level is Level.discouraged:
        if not facts.labour_light:
            return None
        return _recommendation(
            facts,
            MechanismId.insertion_criterion,
            Level.discouraged,
            [
                "Peu de main-d’œuvre sur ce marché : un critère d’insertion ne pourrait pas porter sur "
                "son exécution et glisserait vers la politique générale de l’entreprise, ce qui est "
                "illégal (CE, 25 mai 2018, Nantes Métropole, n° 417580).",
            ],
        )
    warnings.append(CSR_WARNING)
    return _recommendation(
        facts,
        MechanismId.insertion_criterion,
        Level.possible,
        [
            "Le marché peut être exécuté en partie par des personnes en insertion : un critère sur la "
            "qualité de la démarche d’insertion est admis (CE, 25 mars 2013, Département de l’Isère, "
            "n° 364950, pondération de 15 %).",
            "À combiner avec la clause d’exécution : le critère note le tutorat, la formation et le "
            "parcours proposés pour ce marché.",
        ],
    )


def of_kind(kind: str) -> str:
    """« de SIAE », « d’EA et d’ESAT »: the French elision before a vowel."""
    return " et ".join(
        f"d’{word}" if word[0] in "AEIOUaeiou" else f"de {word}" for word in kind.split(" et ")
    )


def _reserved(
    facts: Facts,
    mechanism: MechanismId,
    structures: set[StructureKind],
    offer: OfferLevel,
    kind: str,
    warnings: list[str],
) -> Recommendation | None:
    typical = bool(facts.structures & structures)
    if not typical and offer not in (OfferLevel.some, OfferLevel.many):
        return None
    article = facts.library.mechanisms[mechanism].legal_basis[0].article
    reasons = []
    if typical:
        reasons.append(f"Activité courante des {kind} ({facts.sector_text()}).")
    if offer is OfferLevel.none:
        warnings.append(
            f"Marché réservé ({article}) sans offre locale connue {of_kind(kind)} : risque d’appel d’offres "
            "infructueux ; vérifiez l’offre avec le facilitateur ou réservez plutôt un lot."
        )
        reasons.append(f"Aucune offre locale connue {of_kind(kind)} : réservation déconseillée.")
        level = Level.discouraged
    elif offer in (OfferLevel.some, OfferLevel.many):
        reasons.append(f"Offre locale {of_kind(kind)} : {OFFER_LABELS[offer]}.")
        whole_contract_too_big = facts.procedure.above_eu_threshold and not facts.profile.lots
        if whole_contract_too_big:
            reasons.append(
                "Montant élevé et marché non alloti : réservez plutôt un lot à la mesure des "
                "structures locales que le marché entier."
            )
        level = Level.recommended if typical and not whole_contract_too_big else Level.possible
    else:
        reasons.append(
            f"Offre locale {of_kind(kind)} inconnue : vérifiez-la avec le facilitateur avant de réserver."
        )
        level = Level.possible
    if facts.profile.lots and level is not Level.discouraged:
        reasons.append("La réservation peut porter sur un ou plusieurs lots seulement.")
    return _recommendation(facts, mechanism, level, reasons, parameters={"article": article})


def reserved_disability(
    facts: Facts, _: dict[MechanismId, Recommendation], warnings: list[str]
) -> Recommendation | None:
    return _reserved(
        facts,
        MechanismId.reserved_disability,
        DISABILITY_STRUCTURES,
        facts.profile.local_offer.disability,
        "EA et ESAT",
        warnings,
    )


def reserved_insertion(
    facts: Facts, _: dict[MechanismId, Recommendation], warnings: list[str]
) -> Recommendation | None:
    return _reserved(
        facts,
        MechanismId.reserved_insertion,
        INSERTION_STRUCTURES,
        facts.profile.local_offer.insertion,
        "SIAE",
        warnings,
    )


def reserved_both(
    facts: Facts, found: dict[MechanismId, Recommendation], _: list[str]
) -> Recommendation | None:
    disability = found.get(MechanismId.reserved_disability)
    insertion = found.get(MechanismId.reserved_insertion)
    if not (disability and insertion) or Level.discouraged in (disability.level, insertion.level):
        return None
    article = facts.library.mechanisms[MechanismId.reserved_both].legal_basis[0].article
    return _recommendation(
        facts,
        MechanismId.reserved_both,
        Level.possible,
        [
            "Les EA/ESAT et les SIAE peuvent toutes deux exécuter ce marché : une réservation commune "
            "élargit la concurrence entre structures.",
        ],
        parameters={"article": article},
    )


def reserved_prison(
    facts: Facts, _: dict[MechanismId, Recommendation], warnings: list[str]
) -> Recommendation | None:
    if StructureKind.prison not in facts.structures:
        return None
    article = facts.library.mechanisms[MechanismId.reserved_prison].legal_basis[0].article
    warnings.append(
        "Marché réservé aux opérateurs employant des personnes détenues : vérifiez auprès de "
        "l’administration pénitentiaire qu’une offre existe pour cette prestation."
    )
    return _recommendation(
        facts,
        MechanismId.reserved_prison,
        Level.possible,
        [
            f"Activité que le travail en détention peut assurer ({facts.sector_text()}).",
        ],
        parameters={"article": article},
    )


def reserved_ess(
    facts: Facts, _: dict[MechanismId, Recommendation], warnings: list[str]
) -> Recommendation | None:
    if not facts.library.in_cpv_list("ess_reservable", facts.profile.cpv):
        return None
    article = facts.library.mechanisms[MechanismId.reserved_ess].legal_basis[0].article
    months = facts.profile.duration_months
    reasons = [
        "Services de santé, sociaux ou culturels pouvant être réservés aux entreprises de l’ESS "
        "(liste des services à vérifier par votre service juridique).",
        "Condition : l’acheteur ne doit pas avoir attribué à la même entreprise un marché réservé "
        "pour les mêmes services au cours des trois années précédentes.",
    ]
    if months > ESS_MAX_MONTHS:
        warnings.append(
            f"Réservation ESS : durée de {months} mois, au-delà du maximum de 3 ans ; "
            "réduisez la durée ou renoncez à la réservation."
        )
        reasons.append(f"Durée de {months} mois supérieure au maximum de 36 mois.")
        level = Level.discouraged
    else:
        level = Level.possible
    return _recommendation(
        facts, MechanismId.reserved_ess, level, reasons, parameters={"article": article}
    )


def insertion_services_contract(
    facts: Facts, _: dict[MechanismId, Recommendation], warnings: list[str]
) -> Recommendation | None:
    if not facts.library.in_cpv_list("insertion_services", facts.profile.cpv):
        return None
    social_threshold = eu_period(facts.library, facts.procedure.launch_date).social_services_eur
    reasons = [
        "Prestation dont l’objet peut être l’insertion et la qualification de personnes éloignées "
        "de l’emploi par une activité support (marché d’insertion et de qualification).",
        "Services sociaux et autres services spécifiques : procédure adaptée quel que soit le "
        f"montant, avis européen à partir de {french.eur(social_threshold)} HT.",
    ]
    if facts.profile.buyer_kind.value == "region":
        warnings.append(
            "Marché d’insertion : la compétence de la Région (formation professionnelle) pour un "
            "tel marché est à valider par votre service juridique (à vérifier)."
        )
    return _recommendation(facts, MechanismId.insertion_services_contract, Level.possible, reasons)


def lots_division(
    facts: Facts, found: dict[MechanismId, Recommendation], _: list[str]
) -> Recommendation | None:
    if facts.regime is Regime.no_procedure:
        return None
    reserved = [
        r
        for r in found.values()
        if r.mechanism.value.startswith("reserved_") and r.level is not Level.discouraged
    ]
    reasons = []
    if facts.lots:
        ranked = sorted(facts.lots, key=lambda lot: -lot.hours)
        best = ", ".join(
            f"« {lot.title} » ({french.hours(lot.hours)})" for lot in ranked[:3] if lot.hours
        )
        reasons.append(
            f"{len(facts.lots)} lots : les heures d’insertion sont calculées lot par lot."
        )
        if best:
            reasons.append(f"Lots qui portent le plus d’heures d’insertion : {best}.")
        level = Level.recommended
    else:
        reasons.append(
            "Allotissement (principe de L2113-10) : des lots techniques ou géographiques permettent "
            "de cibler les prestations à forte main-d’œuvre."
        )
        level = (
            Level.recommended if reserved or facts.procedure.above_eu_threshold else Level.possible
        )
    if reserved:
        reasons.append(
            "Un lot dimensionné pour les structures d’insertion ou du handicap peut être réservé."
        )
    return _recommendation(
        facts, MechanismId.lots_division, level, reasons, parameters={"lots": len(facts.lots)}
    )


def other_social_condition(
    facts: Facts, found: dict[MechanismId, Recommendation], _: list[str]
) -> Recommendation | None:
    clause = found[MechanismId.insertion_clause]
    if clause.level is Level.recommended:
        return None
    if facts.social_obligation:
        return _recommendation(
            facts,
            MechanismId.other_social_condition,
            Level.recommended,
            [
                "L2112-2-1 impose une considération sociale ou relative à l’emploi dans les conditions "
                "d’exécution, et la clause d’heures d’insertion n’est pas la plus adaptée ici.",
                "Choisissez une condition liée à l’exécution de ce marché (pas une politique générale "
                "de responsabilité sociale).",
            ],
        )
    if clause.level is Level.discouraged and facts.regime is not Regime.no_procedure:
        return _recommendation(
            facts,
            MechanismId.other_social_condition,
            Level.possible,
            [
                "Une condition sociale autre que des heures d’insertion peut être liée à l’exécution "
                "de ce marché.",
            ],
        )
    return None


RULES: tuple[Rule, ...] = (
    insertion_clause,
    insertion_criterion,
    reserved_disability,
    reserved_insertion,
    reserved_both,
    reserved_prison,
    reserved_ess,
    insertion_services_contract,
    lots_division,
    other_social_condition,
)


def _decp_social(found: dict[MechanismId, Recommendation], library: Library) -> list[str]:
    values = {
        library.mechanisms[r.mechanism].decp_value
        for r in found.values()
        if r.level is Level.recommended and library.mechanisms[r.mechanism].decp_value is not None
    }
    ordered = [
        v.value
        for v in (DecpSocial.clause, DecpSocial.criterion, DecpSocial.reserved)
        if v in values
    ]
    return ordered or [DecpSocial.none.value]
