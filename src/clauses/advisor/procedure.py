"""Which thresholds apply to a tender on its launch date, and hence its procedure regime."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clauses.advisor.facts import note
from clauses.advisor.model import Note, Procedure, Regime
from clauses.library import Library
from clauses.library.models import CpvRange, EuThresholdPeriod, NationalThreshold, Status
from clauses.profile import BuyerKind, Nature, TenderProfile


def eu_period(library: Library, on: dt.date) -> EuThresholdPeriod:
    """The period in force on ``on``; outside the known periods, the nearest one."""
    periods = sorted(library.thresholds.eu, key=lambda p: p.valid_from)
    for period in periods:
        if period.valid_from <= on <= period.valid_to:
            return period
    return periods[0] if on < periods[0].valid_from else periods[-1]


def threshold_warnings(library: Library, on: dt.date) -> list[Note]:
    period = eu_period(library, on)
    if period.valid_from <= on <= period.valid_to:
        return []
    return [
        note(library, "eu_threshold_unknown", day=on.isoformat(),
             start=period.valid_from.isoformat(), end=period.valid_to.isoformat())
    ]  # fmt: skip


def no_procedure_period(library: Library, nature: Nature, on: dt.date) -> NationalThreshold:
    """The R2122-8 threshold in force on ``on`` (before the first known period: the first)."""
    kind = "works" if nature is Nature.works else "supplies_services"
    ranges = sorted(
        (t for t in library.thresholds.no_procedure if t.nature == kind), key=lambda t: t.valid_from
    )
    for threshold in ranges:
        if threshold.valid_from <= on and (threshold.valid_to is None or on <= threshold.valid_to):
            return threshold
    return ranges[0]


def no_procedure_threshold(library: Library, nature: Nature, on: dt.date) -> int:
    return no_procedure_period(library, nature, on).amount_eur


def no_procedure_warnings(library: Library, nature: Nature, on: dt.date) -> list[Note]:
    period = no_procedure_period(library, nature, on)
    if on < period.valid_from:
        return [
            note(library, "no_procedure_threshold_unknown", day=on.isoformat(),
                 start=period.valid_from.isoformat(), amount=period.amount_eur)
        ]  # fmt: skip
    if period.status is Status.to_verify:
        return [
            note(library, "no_procedure_threshold_to_verify", day=on.isoformat(),
                 amount=period.amount_eur, source=period.sources[0].title)
        ]  # fmt: skip
    return []


def social_services_match(profile: TenderProfile, library: Library) -> CpvRange | str | None:
    """Where the main CPV code sits in the annex XIV table (services only)."""
    if profile.nature is not Nature.services:
        return None
    return library.cpv_match("social_services", profile.cpv)


def is_social_services(profile: TenderProfile, library: Library) -> bool:
    """Declared by the buyer, or read from the main CPV code in the annex XIV table."""
    if profile.social_services is not None:
        return profile.social_services
    return social_services_match(profile, library) is not None


def social_services_note(profile: TenderProfile, library: Library, threshold: int) -> Note | None:
    """Which family of annex XIV the code falls in, shown with the mark the table carries."""
    if profile.social_services is not None:
        return None
    found = social_services_match(profile, library)
    if not isinstance(found, CpvRange):
        return None
    services = library.cpv_list("social_services")
    family = services.family(found.family)
    where = f"famille « {family.title} »" if family else "annexe XIV"
    mark = (
        " ; liste à vérifier par votre service juridique"
        if found.status is Status.to_verify
        else ""
    )
    return note(
        library,
        "social_services_family",
        cpv=profile.cpv or "",
        where=where,
        mark=mark,
        threshold=threshold,
    )


@dataclass(frozen=True)
class Amount:
    """The value compared with the thresholds: the declared total, or the lots' sum when it is
    larger (the total is then understated; R2121-1 and following); for a framework agreement,
    its maximum (R2121-8, à vérifier)."""

    value: float
    lots_sum: float | None

    @classmethod
    def of(cls, profile: TenderProfile) -> Amount:
        lots_sum = sum(lot.estimated_amount_eur for lot in profile.lots) if profile.lots else None
        maximum = profile.agreement.maximum_eur if profile.agreement else 0.0
        return cls(max(profile.estimated_amount_eur, lots_sum or 0.0, maximum), lots_sum)


def amount_warnings(profile: TenderProfile, library: Library) -> list[Note]:
    lots_sum = Amount.of(profile).lots_sum
    total = profile.estimated_amount_eur
    if lots_sum is None or abs(lots_sum - total) < 1:
        return []
    key = "lots_above_total" if lots_sum > total else "lots_below_total"
    return [note(library, key, lots_sum=lots_sum, total=total)]


def agreement_warnings(profile: TenderProfile, library: Library) -> list[Note]:
    """A framework agreement: the thresholds on its maximum, and its amounts that disagree (a
    minimum above the maximum, an estimate above it, a lot's minimum above the lot's amount)."""
    agreement = profile.agreement
    if agreement is None:
        return []
    out = [note(library, "agreement_thresholds", maximum=agreement.maximum_eur)]
    if agreement.minimum_eur is not None and agreement.minimum_eur > agreement.maximum_eur:
        out.append(
            note(
                library,
                "agreement_minimum_above_maximum",
                minimum=agreement.minimum_eur,
                maximum=agreement.maximum_eur,
            )
        )
    if profile.estimated_amount_eur > agreement.maximum_eur:
        out.append(
            note(
                library,
                "agreement_estimate_above_maximum",
                total=profile.estimated_amount_eur,
                maximum=agreement.maximum_eur,
            )
        )
    for n, lot in enumerate(profile.lots, 1):
        if lot.minimum_eur is not None and lot.minimum_eur > lot.estimated_amount_eur:
            out.append(
                note(
                    library,
                    "agreement_lot_minimum_above_amount",
                    lot=n,
                    number=n,
                    minimum=lot.minimum_eur,
                    maximum=lot.estimated_amount_eur,
                )
            )
    return out


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
    amount = Amount.of(profile).value
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


def procedure_warnings(
    profile: TenderProfile, library: Library, procedure: Procedure
) -> list[Note]:
    """What the buyer must know about the thresholds used, in a fixed order."""
    launch = procedure.launch_date
    out = threshold_warnings(library, launch)
    out += no_procedure_warnings(library, profile.nature, launch)
    out += amount_warnings(profile, library)
    out += agreement_warnings(profile, library)
    if procedure.social_services:
        found = social_services_note(profile, library, procedure.eu_threshold_eur)
        if found:
            out.append(found)
    return out
