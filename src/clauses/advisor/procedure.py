"""Which thresholds apply to a tender on its launch date, and hence its procedure regime."""

from __future__ import annotations

import datetime as dt

from clauses import french
from clauses.advisor.model import Procedure, Regime
from clauses.library import Library
from clauses.library.models import EuThresholdPeriod
from clauses.profile import BuyerKind, Nature, TenderProfile


def eu_period(library: Library, on: dt.date) -> EuThresholdPeriod:
    """The period in force on ``on``; outside the known periods, the nearest one."""
    periods = sorted(library.thresholds.eu, key=lambda p: p.valid_from)
    for period in periods:
        if period.valid_from <= on <= period.valid_to:
            return period
    return periods[0] if on < periods[0].valid_from else periods[-1]


def threshold_warnings(library: Library, on: dt.date) -> list[str]:
    period = eu_period(library, on)
    if period.valid_from <= on <= period.valid_to:
        return []
    return [
        f"Aucun seuil européen publié dans la bibliothèque pour le {french.date(on)} : les seuils "
        f"de la période du {french.date(period.valid_from)} au {french.date(period.valid_to)} sont "
        "utilisés ; à vérifier par votre service juridique."
    ]


def no_procedure_threshold(library: Library, nature: Nature, on: dt.date) -> int:
    kind = "works" if nature is Nature.works else "supplies_services"
    ranges = sorted(
        (t for t in library.thresholds.no_procedure if t.nature == kind), key=lambda t: t.valid_from
    )
    for threshold in ranges:
        if threshold.valid_from <= on and (threshold.valid_to is None or on <= threshold.valid_to):
            return threshold.amount_eur
    return ranges[0].amount_eur


def is_social_services(profile: TenderProfile, library: Library) -> bool:
    """Declared by the buyer, or inferred from the main CPV code (list to verify)."""
    if profile.social_services is not None:
        return profile.social_services
    return profile.nature is Nature.services and library.in_cpv_list("social_services", profile.cpv)


def procedure_for(profile: TenderProfile, library: Library, launch: dt.date) -> Procedure:
    period = eu_period(library, launch)
    social = is_social_services(profile, library)
    if social:
        category, threshold = "social_services", period.social_services_eur
    elif profile.nature is Nature.works:
        category, threshold = "works", period.works_eur
    elif profile.buyer_kind is BuyerKind.state:
        category, threshold = "central_supplies_services", period.central_supplies_services_eur
    else:
        category, threshold = "other_supplies_services", period.other_supplies_services_eur
    floor = no_procedure_threshold(library, profile.nature, launch)
    amount = profile.estimated_amount_eur
    above = amount >= threshold
    if amount < floor:
        regime = Regime.no_procedure
    elif social or not above:
        regime = Regime.adapted
    else:
        regime = Regime.formalised
    return Procedure(
        eu_threshold_eur=threshold,
        above_eu_threshold=above,
        regime=regime,
        threshold_category=category,
        no_procedure_threshold_eur=floor,
        launch_date=launch,
        social_services=social,
    )
