"""``advise(profile, library, as_of)``: a pure function of the tender's facts and the library.

Each rule reads the facts (:class:`Facts`), and only the earlier results it is given as
arguments, and returns an :class:`Outcome`: at most one recommendation or one exclusion, with
the warnings it raises. :func:`advise` composes them in one visible order, then applies the
compatibility rules of the library (:mod:`clauses.advisor.compatibility`) so that no two
mechanisms that exclude each other are both « recommandé ». Nothing here reads a clock, a file
or a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from clauses import french, vocabulary
from clauses.advisor import hours as h
from clauses.advisor.compatibility import Selection, conflicts
from clauses.advisor.model import (
    Advice,
    Decp,
    DecpEnvironmentalValues,
    DecpSocialValues,
    Exclusion,
    Level,
    LotHours,
    ObligationResult,
    Procedure,
    Recommendation,
    Regime,
    Sizing,
)
from clauses.advisor.procedure import eu_period, procedure_for, procedure_warnings
from clauses.advisor.reads import (
    DISABILITY_STRUCTURES,
    INSERTION_STRUCTURES,
    PRISON_STRUCTURES,
    fitting_lots,
    reservation_applies,
)
from clauses.library import Library
from clauses.library.models import (
    DecpEnvironmental,
    DecpSocial,
    MechanismId,
    Obligation,
    ObligationId,
    Sector,
    SocialOption,
    Status,
    StructureKind,
)
from clauses.profile import BuyerKind, Nature, OfferLevel, TenderProfile, cpv_nature

M = MechanismId
RESERVATIONS = (M.reserved_disability, M.reserved_insertion, M.reserved_both, M.reserved_prison)
OFFER_RANK = {OfferLevel.many: 2, OfferLevel.some: 1}
# The library's notes (legal prose, case law) each rule quotes, by mechanism: check-library
# verifies they exist, so that no case law is written in code.
ADVICE_NOTES = {
    M.insertion_criterion: ("execution_only", "admitted", "combined", "not_this_contract"),
}


@dataclass(frozen=True)
class Facts:
    """What the rules read: the profile plus what the advisor derived from it."""

    profile: TenderProfile
    library: Library
    procedure: Procedure
    social_obligation: bool
    sized: h.Sized

    @property
    def sizing(self) -> Sizing:
        return self.sized.sizing

    @property
    def lots(self) -> list[LotHours]:
        return self.sized.lots

    @property
    def regime(self) -> Regime:
        return self.procedure.regime

    @cached_property
    def sector(self) -> Sector | None:
        return self.library.sector_for(self.profile.cpv)

    @property
    def accessible(self) -> bool:
        """People in insertion can do this contract's work (DOMAIN §8)."""
        return h.accessible(self.sector)

    @property
    def labour_light(self) -> bool:
        return self.sizing.labour_share < self.library.sizing.labour_light_share

    @property
    def low_hours(self) -> bool:
        return self.sizing.hours < self.library.sizing.low_hours

    @property
    def insertion_services(self) -> bool:
        """The main CPV code is one whose object may be insertion (R2123-1 3°)."""
        return self.profile.nature is Nature.services and self.library.in_cpv_list(
            "insertion_services", self.profile.cpv
        )

    def sector_text(self) -> str:
        return (
            f"secteur « {self.sizing.sector_label} »" if self.sizing.sector_label else "ce marché"
        )


@dataclass(frozen=True)
class Outcome:
    """What one rule says: a recommendation, or an exclusion, and the warnings it raises."""

    recommendation: Recommendation | None = None
    exclusion: Exclusion | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def advise(profile: TenderProfile, library: Library, as_of: dt.date) -> Advice:
    launch = profile.launch_on(as_of)
    procedure = procedure_for(profile, library, launch)
    obligations = [_obligation(o, procedure, launch) for o in library.obligations.obligations]
    social_obligation = next(
        o.applies
        for o in obligations
        if o.id is ObligationId.social_consideration_above_eu_threshold
    )
    sized = h.size(profile, library)
    facts = Facts(profile, library, procedure, social_obligation, sized)

    clause = insertion_clause(facts)
    disability = reserved_disability(facts)
    insertion = reserved_insertion(facts)
    reservations = [
        disability,
        insertion,
        reserved_both(facts, disability.recommendation, insertion.recommendation),
        reserved_prison(facts),
        reserved_ess(facts),
    ]
    outcomes = [
        clause,
        insertion_criterion(facts, clause.recommendation),
        *reservations,
        insertion_services_contract(facts),
        lots_division(facts, [o.recommendation for o in reservations]),
        other_social_condition(facts, clause.recommendation),
    ]
    excluded = [o.exclusion for o in outcomes if o.exclusion]
    found = _compatible(facts, [o.recommendation for o in outcomes if o.recommendation])
    obligations = [_met_by(o, found, library) for o in obligations]
    warnings = [
        *_profile_warnings(profile),
        *procedure_warnings(profile, library, procedure),
        *sized.warnings,
        *(w for o in outcomes for w in o.warnings),
        *_obligation_warnings(obligations),
    ]
    return Advice(
        library_version=library.version,
        as_of=as_of,
        procedure=procedure,
        obligations=obligations,
        recommendations=found,
        insertion_hours=sized.sizing.hours,
        decp=_decp(found, obligations, library),
        warnings=list(dict.fromkeys(warnings)),
        sizing=sized.sizing,
        excluded=excluded,
    )


def _profile_warnings(profile: TenderProfile) -> list[str]:
    """Facts that disagree without being contradictory enough to refuse the profile."""
    implied = cpv_nature(profile.cpv)
    if implied is None or (implied is Nature.works) == (profile.nature is Nature.works):
        return []
    nature = vocabulary.NATURE_LABELS[profile.nature]
    if profile.nature is Nature.works:
        return [
            f"Champs nature et cpv : marché de {nature}, mais le code CPV principal {profile.cpv} "
            "n’est pas dans la division 45 (travaux) ; vérifiez la nature ou le code, qui "
            "décident du seuil applicable."
        ]
    return [
        f"Champs nature et cpv : marché de {nature}, mais le code CPV principal {profile.cpv} est "
        "un code de travaux (division 45) ; vérifiez la nature ou le code, qui décident du seuil "
        "applicable."
    ]


def _obligation(obligation: Obligation, procedure: Procedure, launch: dt.date) -> ObligationResult:
    started = launch >= obligation.valid_from
    date_note = " (date à vérifier)" if obligation.valid_from_status is Status.to_verify else ""
    match obligation.scope:
        case "above_eu_threshold":
            in_scope = procedure.above_eu_threshold
        case "with_procedure":
            in_scope = procedure.regime is not Regime.no_procedure
        case _:
            in_scope = True
    if not started:
        why = (
            f"Consultation lancée le {french.date(launch)}, avant le {french.date(obligation.valid_from)}"
            f"{date_note} : l’obligation ne s’applique pas encore."
        )
    elif not in_scope and obligation.scope == "with_procedure":
        why = (
            "Achat sans publicité ni mise en concurrence préalables (R2122-8) : il n’y a pas "
            "d’attribution sur critères, l’obligation ne s’applique pas."
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


def _exclusion(facts: Facts, mechanism: MechanismId, reasons: list[str]) -> Exclusion:
    content = facts.library.mechanisms[mechanism]
    return Exclusion(
        mechanism=mechanism,
        title=content.title,
        legal_basis=[b.article for b in content.legal_basis],
        reasons=reasons,
    )


def _hours_parameters(s: Sizing) -> dict[str, int | float | str]:
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


def _circular(facts: Facts) -> str:
    """The library's own words for an hours clause on an insertion contract."""
    found = conflicts(
        [Selection(M.insertion_services_contract), Selection(M.insertion_clause)], facts.library
    )
    return found[0].message


def insertion_clause(facts: Facts) -> Outcome:
    s, lib, profile = facts.sizing, facts.library, facts.profile
    if profile.insertion_contract:
        return Outcome(exclusion=_exclusion(facts, M.insertion_clause, [_circular(facts)]))
    share = french.percent(s.labour_share)
    reasons: list[str] = list(facts.sized.lot_exclusions)
    warnings: list[str] = []
    if profile.lots and not facts.sized.applies_to_lots:
        level = Level.discouraged
        reasons.append("Aucun lot ne se prête à des heures d’insertion.")
    elif s.below_floor:
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
    elif not facts.accessible and not profile.lots:
        level = Level.possible
        reasons.append(
            f"Main-d’œuvre qualifiée ({facts.sector_text()}) : des personnes en insertion ne "
            f"peuvent guère assurer ce travail ; une clause d’heures ({h.computed(s.hours)}) y "
            "resterait formelle, préférez une autre condition sociale liée à l’exécution."
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
    elif facts.insertion_services and profile.insertion_contract is None:
        level = Level.possible
        reasons.append(
            f"{french.hours(s.hours)} calculées ; mais si le marché a pour objet l’insertion "
            f"(marché d’insertion et de qualification), pas de clause d’heures : {_circular(facts)}"
        )
    else:
        level = Level.recommended
        reasons.append(
            f"Part de main-d’œuvre de {share} ({facts.sector_text()}) : "
            f"{french.hours(s.hours)} d’insertion, soit environ {french.number(s.fte, 1)} ETP."
        )
    if level is not Level.discouraged:
        if facts.social_obligation and level is Level.recommended:
            reasons.append(
                "Répond à l’obligation de considération sociale dans les conditions d’exécution (L2112-2-1)."
            )
        if profile.facilitator_available is False:
            warnings.append(
                "Aucun facilitateur sur le territoire : une clause sans accompagnement est difficile à "
                "suivre ; prévoyez un référent interne ou rapprochez-vous d’une Maison de l’emploi ou d’un PLIE."
            )
        elif profile.facilitator_available is None:
            reasons.append(
                "Vérifiez qu’un facilitateur de clauses sociales couvre le territoire d’exécution."
            )
        if profile.local_offer.insertion is OfferLevel.none:
            warnings.append(
                "Aucune structure d’insertion connue localement : les heures risquent d’être difficiles à "
                "trouver ; privilégiez l’embauche directe, l’ETTI ou le GEIQ et validez le volume avec le facilitateur."
            )
        if s.defaults_to_adjust:
            reasons.append(
                "Paramètres par défaut à ajuster avec le facilitateur : "
                + ", ".join(vocabulary.PARAMETER_LABELS[p] for p in s.defaults_to_adjust)
                + "."
            )
    return Outcome(
        recommendation=_recommendation(
            facts,
            M.insertion_clause,
            level,
            reasons,
            parameters=_hours_parameters(s),
            lots=facts.lots,
            applies_to_lots=list(facts.sized.applies_to_lots),
        ),
        warnings=tuple(warnings),
    )


def insertion_criterion(facts: Facts, clause: Recommendation | None) -> Outcome:
    if facts.regime is Regime.no_procedure:
        return Outcome(
            exclusion=_exclusion(
                facts,
                M.insertion_criterion,
                [
                    "Achat sans publicité ni mise en concurrence préalables (R2122-8) : il n’y a "
                    "pas d’attribution sur critères."
                ],
            )
        )
    if clause is None:  # an insertion contract: its award already judges the insertion
        return Outcome()
    notes = facts.library.mechanisms[M.insertion_criterion].notes
    not_this_contract = notes["not_this_contract"].text
    if facts.labour_light and clause.level is Level.discouraged:
        reason = f"Peu de main-d’œuvre sur ce marché : {not_this_contract}"
    elif not facts.accessible and not facts.profile.lots:
        reason = (
            f"Main-d’œuvre qualifiée ({facts.sector_text()}), que des personnes en insertion ne "
            f"peuvent guère assurer : {not_this_contract}"
        )
    elif clause.level is Level.discouraged:
        return Outcome()
    else:
        return Outcome(
            recommendation=_recommendation(
                facts,
                M.insertion_criterion,
                Level.possible,
                [notes["admitted"].text, notes["combined"].text],
                applies_to_lots=list(clause.applies_to_lots),
            ),
            warnings=(notes["execution_only"].text,),
        )
    return Outcome(
        recommendation=_recommendation(facts, M.insertion_criterion, Level.discouraged, [reason])
    )


def of_kind(kind: str) -> str:
    """« de SIAE », « d’EA et d’ESAT »: the French elision before a vowel."""
    return " et ".join(
        f"d’{word}" if word[0] in "AEIOUaeiou" else f"de {word}" for word in kind.split(" et ")
    )


def _lots_fitting(facts: Facts, structures: frozenset[StructureKind]) -> list[int]:
    return fitting_lots(
        facts.library, facts.profile.cpv, [lot.cpv for lot in facts.profile.lots], structures
    )


def _reservation_applies(facts: Facts, structures: frozenset[StructureKind]) -> bool:
    return reservation_applies(
        facts.library, facts.profile.cpv, [lot.cpv for lot in facts.profile.lots], structures
    )


def _reserved(
    facts: Facts,
    mechanism: MechanismId,
    structures: frozenset[StructureKind],
    offer: OfferLevel,
) -> Outcome:
    """A reservation needs the trade to fit the structures (the sector), not only a local offer;
    with lots, it is offered on the lots that fit; without, on the whole contract."""
    if not _reservation_applies(facts, structures):
        return Outcome()
    kind = vocabulary.RESERVATION_KINDS[mechanism.value]
    lots = _lots_fitting(facts, structures)
    article = facts.library.mechanisms[mechanism].legal_basis[0].article
    if lots:
        titles = ", ".join(f"{n} « {facts.profile.lots[n - 1].title} »" for n in lots)
        reasons = [f"Activité courante des {kind} sur les lots {titles}."]
    else:
        reasons = [f"Activité courante des {kind} ({facts.sector_text()})."]
    warnings: list[str] = []
    if offer is OfferLevel.none:
        warnings.append(
            f"Marché réservé ({article}) sans offre locale connue {of_kind(kind)} : risque de "
            "consultation infructueuse ; vérifiez l’offre avec le facilitateur avant de réserver."
        )
        reasons.append(f"Aucune offre locale connue {of_kind(kind)} : réservation déconseillée.")
        level = Level.discouraged
    elif offer in OFFER_RANK:
        reasons.append(f"Offre locale {of_kind(kind)} : {vocabulary.OFFER_LABELS[offer]}.")
        if facts.procedure.above_eu_threshold and not facts.profile.lots:
            reasons.append(
                "Montant élevé et marché non alloti : réservez plutôt un lot à la mesure des "
                "structures locales que le marché entier."
            )
            level = Level.discouraged
        else:
            level = Level.recommended
    else:
        reasons.append(
            f"Offre locale {of_kind(kind)} inconnue : vérifiez-la avec le facilitateur avant de réserver."
        )
        level = Level.possible
    return Outcome(
        recommendation=_recommendation(
            facts, mechanism, level, reasons, parameters={"article": article}, applies_to_lots=lots
        ),
        warnings=tuple(warnings),
    )


def reserved_disability(facts: Facts) -> Outcome:
    return _reserved(
        facts, M.reserved_disability, DISABILITY_STRUCTURES, facts.profile.local_offer.disability
    )


def reserved_insertion(facts: Facts) -> Outcome:
    return _reserved(
        facts, M.reserved_insertion, INSERTION_STRUCTURES, facts.profile.local_offer.insertion
    )


def reserved_both(
    facts: Facts, disability: Recommendation | None, insertion: Recommendation | None
) -> Outcome:
    if not (disability and insertion) or Level.discouraged in (disability.level, insertion.level):
        return Outcome()
    lots = sorted(set(disability.applies_to_lots) & set(insertion.applies_to_lots))
    if facts.profile.lots and not lots:
        return Outcome()
    article = facts.library.mechanisms[M.reserved_both].legal_basis[0].article
    return Outcome(
        recommendation=_recommendation(
            facts,
            M.reserved_both,
            Level.possible,
            [
                "Les EA/ESAT et les SIAE peuvent toutes deux exécuter ce marché : une réservation "
                "commune élargit la concurrence entre structures ; elle remplace les deux autres "
                "réservations, qui ne se cumulent pas.",
            ],
            parameters={"article": article},
            applies_to_lots=lots,
        )
    )


def reserved_prison(facts: Facts) -> Outcome:
    if not _reservation_applies(facts, PRISON_STRUCTURES):
        return Outcome()
    lots = _lots_fitting(facts, PRISON_STRUCTURES)
    article = facts.library.mechanisms[M.reserved_prison].legal_basis[0].article
    return Outcome(
        recommendation=_recommendation(
            facts,
            M.reserved_prison,
            Level.possible,
            [f"Activité que le travail en détention peut assurer ({facts.sector_text()})."],
            parameters={"article": article},
            applies_to_lots=lots,
        ),
        warnings=(
            "Marché réservé aux opérateurs employant des personnes détenues : vérifiez auprès de "
            "l’administration pénitentiaire qu’une offre existe pour cette prestation.",
        ),
    )


def reserved_ess(facts: Facts) -> Outcome:
    """Only the closed list of art. 77 of directive 2014/24, for at most three years."""
    cpv, months = facts.profile.cpv, facts.profile.duration_months
    limit = facts.library.mechanisms[M.reserved_ess].max_duration_months
    if not facts.library.in_cpv_list("ess_reservable", cpv):
        reason = (
            f"Le code CPV {cpv} ne figure pas sur la liste fermée des services de santé, sociaux "
            "et culturels réservables aux entreprises de l’ESS (L2113-15) ; la liste vaut code "
            "par code, sans les codes voisins."
            if cpv
            else "Sans code CPV, rien n’établit que le marché figure sur la liste fermée des "
            "services réservables aux entreprises de l’ESS (L2113-15)."
        )
        return Outcome(exclusion=_exclusion(facts, M.reserved_ess, [reason]))
    if limit is not None and months > limit:
        return Outcome(
            exclusion=_exclusion(
                facts,
                M.reserved_ess,
                [
                    f"Durée de {months} mois : un marché réservé aux entreprises de l’ESS ne peut "
                    f"pas dépasser {limit} mois (L2113-16) ; réduisez la durée pour le réserver."
                ],
            )
        )
    article = facts.library.mechanisms[M.reserved_ess].legal_basis[0].article
    return Outcome(
        recommendation=_recommendation(
            facts,
            M.reserved_ess,
            Level.possible,
            [
                f"Code CPV {cpv} sur la liste fermée des services réservables aux entreprises de "
                "l’ESS (article 77 de la directive 2014/24/UE, L2113-15).",
                "Condition : l’entreprise ne doit pas avoir obtenu de l’acheteur, au cours des "
                "trois années précédentes, un marché pour les mêmes services réservé au titre de "
                "ce même article (L2113-16).",
            ],
            parameters={"article": article},
        )
    )


def insertion_services_contract(facts: Facts) -> Outcome:
    declared = facts.profile.insertion_contract
    if declared is False or not (declared or facts.insertion_services):
        return Outcome()
    social_threshold = eu_period(facts.library, facts.procedure.launch_date).social_services_eur
    reasons = [
        "Prestation dont l’objet est l’insertion et la qualification de personnes éloignées de "
        "l’emploi par une activité support (marché d’insertion et de qualification)."
        if declared
        else "Prestation dont l’objet peut être l’insertion et la qualification de personnes "
        "éloignées de l’emploi par une activité support (marché d’insertion et de qualification).",
        "Services sociaux et autres services spécifiques : procédure adaptée quel que soit le "
        f"montant, avis européen à partir de {french.eur(social_threshold)} HT.",
    ]
    warnings: tuple[str, ...] = ()
    if facts.profile.buyer_kind is BuyerKind.region:
        warnings = (
            "Marché d’insertion : la compétence de la Région (formation professionnelle) pour un "
            "tel marché est à valider par votre service juridique (à vérifier).",
        )
    level = Level.recommended if declared else Level.possible
    return Outcome(
        recommendation=_recommendation(facts, M.insertion_services_contract, level, reasons),
        warnings=warnings,
    )


def lots_division(facts: Facts, reservations: Sequence[Recommendation | None]) -> Outcome:
    if facts.regime is Regime.no_procedure:
        return Outcome()
    offered = [r for r in reservations if r is not None]
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
        too_big = [r for r in offered if r.level is Level.discouraged and _has_offer(facts, r)]
        level = (
            Level.recommended
            if too_big
            or any(r.level is not Level.discouraged for r in offered)
            or facts.procedure.above_eu_threshold
            else Level.possible
        )
    if any(r.level is not Level.discouraged or _has_offer(facts, r) for r in offered):
        reasons.append(
            "Un lot dimensionné pour les structures d’insertion ou du handicap peut être réservé."
        )
    return Outcome(
        recommendation=_recommendation(
            facts, M.lots_division, level, reasons, parameters={"lots": len(facts.lots)}
        )
    )


def _has_offer(facts: Facts, reservation: Recommendation) -> bool:
    offer = _offer(facts, reservation.mechanism)
    return offer in OFFER_RANK


def _offer(facts: Facts, mechanism: MechanismId) -> OfferLevel | None:
    return {
        M.reserved_insertion: facts.profile.local_offer.insertion,
        M.reserved_disability: facts.profile.local_offer.disability,
    }.get(mechanism)


def social_options(facts: Facts) -> list[SocialOption]:
    """The concrete social conditions of the library that fit the tender's nature and sector."""
    sector = facts.sector.id if facts.sector else None
    return [
        option
        for option in facts.library.mechanisms[M.other_social_condition].options
        if facts.profile.nature.value in option.natures
        and (not option.sectors or sector in option.sectors)
        and sector not in option.not_sectors
    ]


def other_social_condition(facts: Facts, clause: Recommendation | None) -> Outcome:
    if clause is not None and clause.level is Level.recommended:
        return Outcome()
    if facts.regime is Regime.no_procedure and not facts.social_obligation:
        return Outcome()
    options = social_options(facts)
    listed = [f"Option « {o.title} » : {o.summary}" for o in options]
    parameters: dict[str, int | float | str] = {"options": ",".join(o.id for o in options)}
    why_not_hours = (
        "la clause d’heures d’insertion n’est pas la plus adaptée ici"
        if clause is not None
        else "un marché d’insertion n’appelle pas de clause d’heures"
    )
    if facts.social_obligation and options:
        reasons = [
            "L2112-2-1 impose une considération sociale ou relative à l’emploi dans les conditions "
            f"d’exécution, et {why_not_hours}.",
            *listed,
            "Choisissez une condition liée à l’exécution de ce marché (pas une politique générale "
            "de responsabilité sociale, ni le rappel d’une obligation légale de l’employeur).",
        ]
        level = Level.recommended
    else:
        reasons = [
            "Une condition sociale autre que des heures d’insertion peut être liée à l’exécution "
            "de ce marché.",
            *listed,
        ]
        level = Level.possible
    return Outcome(
        recommendation=_recommendation(
            facts, M.other_social_condition, level, reasons, parameters=parameters
        )
    )


def _priority(facts: Facts, r: Recommendation) -> int:
    """Between two mechanisms that exclude each other, the one with the larger local offer."""
    return OFFER_RANK.get(_offer(facts, r.mechanism) or OfferLevel.unknown, 0)


def _compatible(facts: Facts, found: list[Recommendation]) -> list[Recommendation]:
    """Of a pair that breaks a compatibility rule, only one stays « recommandé » (the larger
    local offer, then the rules' order); the other becomes « possible » and says why."""
    kept: list[Selection] = []
    out: dict[MechanismId, Recommendation] = {}
    for r in sorted(found, key=lambda r: -_priority(facts, r)):
        if r.level is Level.recommended:
            selection = Selection(r.mechanism, tuple(r.applies_to_lots))
            clash = [
                c for c in conflicts([*kept, selection], facts.library) if c.index == len(kept)
            ]
            if clash:
                r = r.model_copy(
                    update={
                        "level": Level.possible,
                        "reasons": [*r.reasons, *(c.message for c in clash)],
                    }
                )
            else:
                kept.append(selection)
        out[r.mechanism] = r
    return [out[r.mechanism] for r in found]


def _met_by(
    result: ObligationResult, found: list[Recommendation], library: Library
) -> ObligationResult:
    """Which recommended mechanisms meet the obligation; when none, the grounds to derogate."""
    obligation = next(o for o in library.obligations.obligations if o.id is result.id)
    if not result.applies or not obligation.met_by:
        return result
    met = [
        r.mechanism
        for r in found
        if r.level is Level.recommended and r.mechanism in obligation.met_by
    ]
    grounds = [] if met else [d.text for d in obligation.derogations]
    return result.model_copy(update={"met_by": met, "derogation_grounds": grounds})


def _obligation_warnings(obligations: list[ObligationResult]) -> list[str]:
    out = []
    for o in obligations:
        if o.derogation_grounds:
            out.append(
                f"{o.title} ({', '.join(o.legal_basis)}) : aucun mécanisme recommandé n’y répond. "
                "Retenez-en un, ou justifiez la dérogation dans le dossier (motifs possibles, "
                "rédaction à vérifier par votre service juridique) : "
                + " ".join(o.derogation_grounds)
            )
    return out


def _decp(
    found: list[Recommendation], obligations: list[ObligationResult], library: Library
) -> Decp:
    social = decp_social((r.mechanism for r in found if r.level is Level.recommended), library)
    applies = {o.id for o in obligations if o.applies}
    environmental = [
        value.value
        for oid, value in (
            (ObligationId.environmental_execution_condition, DecpEnvironmental.clause),
            (ObligationId.environmental_award_criterion, DecpEnvironmental.criterion),
        )
        if oid in applies
    ]
    return Decp(
        considerationsSociales=DecpSocialValues(considerationSociale=social),
        considerationsEnvironnementales=DecpEnvironmentalValues(
            considerationEnvironnementale=environmental
        )
        if environmental
        else None,
    )


def decp_social(mechanisms: Iterable[MechanismId], library: Library) -> list[str]:
    """The DECP ``considerationSociale`` values of these mechanisms, in the order of the DECP
    schema (« Pas de considération sociale » when none has one); the strategy uses it too."""
    values = {library.mechanisms[m].decp_value for m in mechanisms}
    return [
        v.value
        for v in (DecpSocial.clause, DecpSocial.criterion, DecpSocial.reserved)
        if v in values
    ] or [DecpSocial.none.value]
