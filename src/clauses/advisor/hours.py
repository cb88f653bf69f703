"""Insertion hours: the general formula and the cleaning branch method (DOMAIN §4), whole
contract or lot by lot, and which lots the clause can bear on.

general:  hours = amount HT × labour share × insertion rate ÷ loaded hourly cost
cleaning: C = hourly cost ÷ labour share (25 with the branch's 80 % and 20 €/h)
          P = 1 − (S × C) / (A / N), clamped to [0, 1]
          hours = P × A / C × T, and no clause below the floor (150 hours), lot by lot since each
          lot is a separate contract (DOMAIN §8)
"""

from __future__ import annotations

from dataclasses import dataclass

from clauses import french
from clauses.advisor.model import AgreementSizing, LotHours, Sizing
from clauses.advisor.reads import is_cleaning
from clauses.french import round_half_up
from clauses.library import Library
from clauses.library.models import Sector, Status
from clauses.profile import Lot, Nature, TenderProfile, cpv_nature

GENERAL_FORMULA = (
    "heures = montant HT × part de main-d’œuvre × taux d’insertion ÷ coût horaire chargé"
)
# A framework agreement (DOMAIN §9): hours per 1 000 € HT ordered, from the same rates.
FRAMEWORK_FORMULA = (
    "heures dues = montant HT commandé ÷ 1 000 × ratio, avec ratio = 1 000 € × part de "
    "main-d’œuvre × taux d’insertion ÷ coût horaire chargé (heures par tranche de 1 000 € HT "
    "commandés)"
)
CLEANING_FORMULA = (
    "heures = P × A ÷ C × T, avec C = coût horaire ÷ part de main-d’œuvre, "
    "P = 1 − (S × C) ÷ (A ÷ N) (personnel repris), plancher de 150 heures par lot"
)


@dataclass(frozen=True)
class Rates:
    labour_share: float
    insertion_rate: float
    hourly_cost_eur: float
    sector: Sector | None
    to_adjust: tuple[str, ...]

    @property
    def coefficient(self) -> float:
        """C of the cleaning branch: euros of contract per labour hour."""
        return self.hourly_cost_eur / self.labour_share if self.labour_share else 0.0


def rates_for(profile: TenderProfile, library: Library, lot: Lot | None = None) -> Rates:
    """Profile overrides first, then the sector of the (lot's) CPV code, then the default of the
    nature (of the lot's CPV code when it says another nature, e.g. a supplies lot)."""
    cpv = (lot.cpv if lot else None) or profile.cpv
    sector = library.sector_for(cpv)
    nature = (cpv_nature(lot.cpv) if lot and lot.cpv else None) or profile.nature
    default = library.sizing.by_nature[nature.value]
    to_adjust: list[str] = []

    def pick(
        name: str,
        override: float | None,
        sector_value: float | None,
        sector_status: Status | None,
        default_value: float,
    ) -> float:
        if override is not None:
            return override
        if sector_value is not None:
            if sector_status is Status.default:
                to_adjust.append(name)
            return sector_value
        if default.status is Status.default:
            to_adjust.append(name)
        return default_value

    labour = pick(
        "labour_share",
        lot.labour_share if lot and lot.labour_share is not None else profile.labour_share,
        sector.labour_share if sector else None,
        sector.labour_share_status if sector else None,
        default.labour_share,
    )
    rate = pick(
        "insertion_rate",
        profile.insertion_rate,
        sector.insertion_rate if sector else None,
        sector.insertion_rate_status if sector else None,
        default.insertion_rate,
    )
    cost = pick(
        "hourly_cost_eur",
        profile.hourly_cost_eur,
        sector.hourly_cost_eur if sector else None,
        sector.hourly_cost_status if sector else None,
        default.hourly_cost_eur,
    )
    return Rates(labour, rate, cost, sector, tuple(to_adjust))


def general_hours(
    amount_eur: float, labour_share: float, insertion_rate: float, hourly_cost_eur: float
) -> int:
    return int(round_half_up(amount_eur * labour_share * insertion_rate / hourly_cost_eur))


def ratio_per_1000(rates: Rates, weighting: float | None) -> float:
    """Hours per 1 000 € HT ordered, to the hundredth (the figure the CCAP writes): the general
    formula on 1 000 €, times the cleaning weighting where the branch method applies."""
    if not rates.hourly_cost_eur:
        return 0.0
    value = 1000 * rates.labour_share * rates.insertion_rate / rates.hourly_cost_eur
    if weighting is not None:
        value *= weighting
    return float(round_half_up(value, 2))


def hours_on_orders(amount_eur: float, ratio: float) -> float:
    """The hours owed on an amount ordered (or invoiced), to the hundredth: amount ÷ 1 000 ×
    the ratio the CCAP writes (never recomputed from the rates)."""
    return float(round_half_up(amount_eur * ratio / 1000, 2))


def ratio_formula(rates: Rates, weighting: float | None) -> str:
    """« 1 000 € × 50 % × 5 % ÷ 30 €/h = 0,83 h »: the ratio with its figures."""
    figures = (
        f"1\u00a0000\u00a0€ × {french.percent(rates.labour_share)} × "
        f"{french.percent(rates.insertion_rate)} ÷ {french.number(rates.hourly_cost_eur, 2)}\u00a0€/h"
    )
    if weighting is not None:
        figures += f" × P {french.number(weighting, 4)}"
    return f"{figures} = {french.number(ratio_per_1000(rates, weighting), 2)}\u00a0h"


def transferred_staff_weighting(
    amount_eur: float, duration_months: int, staff_monthly_hours: float, coefficient: float
) -> float:
    """P = 1 − (S × C) / (A / N), clamped to [0, 1]: hours already held by staff taken over."""
    monthly_amount = amount_eur / duration_months
    return min(1.0, max(0.0, 1 - staff_monthly_hours * coefficient / monthly_amount))


def cleaning_hours(
    amount_eur: float, weighting: float, coefficient: float, insertion_rate: float
) -> int:
    return int(round_half_up(weighting * amount_eur / coefficient * insertion_rate))


def _tenths(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator in tenths, rounded half up, in exact integer arithmetic."""
    return (20 * numerator + denominator) // (2 * denominator)


def fte(hours: float, library: Library) -> float:
    """Années-ETP: the hours over the contract ÷ the hours of one full-time year (DOMAIN §9)."""
    if hours == int(hours) and hours >= 0:
        return _tenths(int(hours), library.sizing.hours_per_fte) / 10
    return float(round_half_up(hours / library.sizing.hours_per_fte, 1))


def fte_average(hours: float, months: int, library: Library) -> float:
    """The average full-time equivalents over the duration: années-ETP ÷ years (DOMAIN §9)."""
    if hours == int(hours) and hours >= 0:
        return _tenths(int(hours) * 12, library.sizing.hours_per_fte * months) / 10
    return float(round_half_up(hours / library.sizing.hours_per_fte / (months / 12), 1))


def fte_text(hours: float, library: Library) -> str:
    """« 2,9 années-ETP », « 0,5 année-ETP »."""
    value = fte(hours, library)
    return f"{french.number(value, 1)} année{'s' if value >= 2 else ''}-ETP"


def fte_average_text(hours: float, months: int, library: Library) -> str:
    """« 1,5 ETP »: full-time equivalents on average over the duration."""
    return f"{french.number(fte_average(hours, months, library), 1)} ETP"


@dataclass(frozen=True)
class PerimeterHours:
    """The formula on one perimeter: the whole contract (``number`` None) or one lot, each lot
    being a separate contract (DOMAIN §9)."""

    number: int | None
    title: str
    cpv: str | None
    nature: Nature
    amount_eur: float
    rates: Rates
    hours: int  # what the formula gives (a framework agreement: at its maximum)
    below_floor: bool  # cleaning branch method: under its floor, on this perimeter alone
    # A framework agreement: hours per 1 000 € HT ordered, the minimum and the hours there.
    ratio: float | None = None
    minimum_eur: float | None = None
    hours_at_minimum: int | None = None


@dataclass(frozen=True)
class Sized:
    """The hours of every perimeter, the cleaning weighting, the warnings of the method."""

    perimeters: list[PerimeterHours]
    weighting: float | None
    cleaning: bool


def size(profile: TenderProfile, library: Library) -> Sized:
    """Insertion hours for the whole contract, or lot by lot when lots are given."""
    whole = rates_for(profile, library)
    cleaning = is_cleaning(whole.sector)
    weighting: float | None = None
    if cleaning:
        weighting = (
            transferred_staff_weighting(
                profile.estimated_amount_eur,
                profile.duration_months,
                profile.transferred_staff_monthly_hours or 0.0,
                whole.coefficient,
            )
            if whole.coefficient
            else 0.0
        )
    floor = library.sizing.cleaning.floor_hours

    known: dict[tuple[str | None, float | None], Rates] = {}  # lots often share their trade

    def perimeter(number: int | None, lot: Lot | None) -> PerimeterHours:
        if lot is None:
            rates = whole
        else:
            key = (lot.cpv, lot.labour_share)
            rates = known.get(key) or known.setdefault(key, rates_for(profile, library, lot))
        amount = lot.estimated_amount_eur if lot else profile.estimated_amount_eur
        if cleaning:
            c = rates.coefficient
            hours = cleaning_hours(amount, weighting or 0.0, c, rates.insertion_rate) if c else 0
        else:
            hours = general_hours(
                amount, rates.labour_share, rates.insertion_rate, rates.hourly_cost_eur
            )
        cpv = (lot.cpv if lot else None) or profile.cpv
        nature = (cpv_nature(lot.cpv) if lot and lot.cpv else None) or profile.nature
        ratio = minimum = at_minimum = None
        if profile.agreement is not None:
            ratio = ratio_per_1000(rates, weighting if cleaning else None)
            minimum = lot.minimum_eur if lot else profile.agreement.minimum_eur
            at_minimum = int(round_half_up(hours_on_orders(minimum or 0.0, ratio)))
            hours = int(round_half_up(hours_on_orders(amount, ratio)))
        return PerimeterHours(
            number=number,
            title=lot.title if lot else profile.title,
            cpv=cpv,
            nature=nature,
            amount_eur=amount,
            rates=rates,
            hours=hours,
            below_floor=cleaning and hours < floor,
            ratio=ratio,
            minimum_eur=minimum,
            hours_at_minimum=at_minimum,
        )

    perimeters = (
        [perimeter(n, lot) for n, lot in enumerate(profile.lots, 1)]
        if profile.lots
        else [perimeter(None, None)]
    )
    return Sized(perimeters, weighting, cleaning)


def sizing(
    profile: TenderProfile, library: Library, sized: Sized, kept: dict[int | None, int]
) -> Sizing:
    """The advice's sizing: ``kept`` are the hours of the perimeters the clause may bear on."""
    whole = rates_for(profile, library)
    to_adjust = set(whole.to_adjust)
    for p in sized.perimeters:
        to_adjust.update(p.rates.to_adjust)
    if profile.lots:
        amount = sum(p.amount_eur for p in sized.perimeters)
        labour_share = sum(p.rates.labour_share * p.amount_eur for p in sized.perimeters) / amount
        below_floor = sized.cleaning and all(p.below_floor for p in sized.perimeters)
    else:
        labour_share = whole.labour_share
        below_floor = sized.perimeters[0].below_floor
    total = sum(kept.values())
    agreement = None
    if profile.agreement is not None:
        on = [p for p in sized.perimeters if p.number in kept]
        ratios = {p.ratio for p in on}
        agreement = AgreementSizing(
            kind=profile.agreement.kind.value,
            formula=FRAMEWORK_FORMULA,
            hours_per_1000_eur=ratios.pop() if len(ratios) == 1 else None,
            minimum_eur=profile.agreement.minimum_eur,
            maximum_eur=profile.agreement.maximum_eur,
            hours_at_minimum=sum(p.hours_at_minimum or 0 for p in on),
            hours_at_maximum=total,
        )
        total = 0  # no fixed total: the hours follow the orders
    return Sizing(
        method="cleaning_branch" if sized.cleaning else "general",
        formula=CLEANING_FORMULA if sized.cleaning else GENERAL_FORMULA,
        hours=total,
        agreement=agreement,
        fte=fte(total, library),
        labour_share=round(labour_share, 4),
        insertion_rate=whole.insertion_rate,
        hourly_cost_eur=whole.hourly_cost_eur,
        sector=whole.sector.id if whole.sector else None,
        sector_label=whole.sector.label if whole.sector else None,
        defaults_to_adjust=sorted(to_adjust),
        transferred_staff_weighting=round(sized.weighting, 4)
        if sized.weighting is not None
        else None,
        below_floor=below_floor,
        fte_average=fte_average(total, profile.duration_months, library),
    )


# The rates a buyer may answer for the whole contract, each otherwise taken from the sector of
# the CPV code or the nature's default (:func:`rates_for`).
RATE_ANSWERS = ("labour_share", "insertion_rate", "hourly_cost_eur")


@dataclass(frozen=True)
class Default:
    """What the sizing takes for a rate the buyer leaves blank, and where it comes from."""

    value: float  # as the advice's sizing gives it (a tender's lots: their weighted share)
    sector_label: str | None  # the main CPV code's sector it is read from; None: the nature's
    to_adjust: bool  # a default of the library, to adjust with the facilitator


def default_of(profile: TenderProfile, library: Library, name: str) -> Default:
    """The sizing's ``name`` (one of :data:`RATE_ANSWERS`) had the profile not given it: the
    value the advice would show without that answer, computed by the formula alone."""
    without = profile.model_copy(update={name: None})
    s = sizing(without, library, size(without, library), {})
    value: float = getattr(s, name)
    return Default(value, s.sector_label, name in s.defaults_to_adjust)


def lot_hours(p: PerimeterHours, kept: bool, library: Library) -> LotHours:
    """A lot's line of the clause: its hours where the clause may bear on it, else 0 with the
    hours set aside."""
    hours = p.hours if kept else 0
    return LotHours(
        title=p.title,
        estimated_amount_eur=p.amount_eur,
        labour_share=p.rates.labour_share,
        insertion_rate=p.rates.insertion_rate,
        hourly_cost_eur=p.rates.hourly_cost_eur,
        hours=hours,
        fte=fte(hours, library),
        computed_hours=None if kept else p.hours,
        hours_per_1000_eur=p.ratio,
        minimum_eur=p.minimum_eur,
        hours_at_minimum=(p.hours_at_minimum if kept else 0) if p.ratio is not None else None,
    )
