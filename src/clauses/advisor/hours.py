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
from clauses.advisor.model import LotHours, Sizing
from clauses.advisor.reads import is_cleaning
from clauses.french import round_half_up
from clauses.library import Library
from clauses.library.models import Sector, Status
from clauses.profile import Lot, TenderProfile, cpv_nature

GENERAL_FORMULA = (
    "heures = montant HT × part de main-d’œuvre × taux d’insertion ÷ coût horaire chargé"
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


def fte(hours: float, library: Library) -> float:
    return float(round_half_up(hours / library.sizing.hours_per_fte, 1))


def accessible(sector: Sector | None) -> bool:
    """Whether people in insertion can do the work (unknown sector: assumed, as a default)."""
    return sector is None or sector.insertion_accessible


def computed(hours: int) -> str:
    """« 0 heure calculée », « 120 heures calculées »."""
    return f"{french.hours(hours)} calculée{'s' if hours >= 2 else ''}"


@dataclass(frozen=True)
class Sized:
    """The sizing, the hours of each lot (0 on a lot the clause does not bear on), the lots it
    bears on (1-based) and why the others are left out."""

    sizing: Sizing
    lots: list[LotHours]
    applies_to_lots: list[int]
    lot_exclusions: list[str]
    warnings: list[str]


def lot_exclusion(
    number: int, lot: Lot, rates: Rates, hours: int, cleaning: bool, library: Library
) -> str | None:
    """Why the insertion clause does not bear on this lot, if it does not."""
    name = f"Lot {number} « {lot.title} »"
    if not accessible(rates.sector):
        assert rates.sector is not None
        return (
            f"{name} ({rates.sector.label}) : main-d’œuvre qualifiée, peu accessible à des "
            "personnes en insertion ; pas d’heures d’insertion sur ce lot."
        )
    if rates.labour_share < library.sizing.labour_light_share:
        return (
            f"{name} : peu de main-d’œuvre ({french.percent(rates.labour_share)} du montant) ; "
            "pas d’heures d’insertion sur ce lot."
        )
    floor = library.sizing.cleaning.floor_hours
    if cleaning and hours < floor:
        return (
            f"{name} : {computed(hours)}, sous le plancher de {french.hours(floor)} de la méthode "
            "de la branche propreté, qui s’apprécie lot par lot ; pas d’heures sur ce lot."
        )
    return None


def size(profile: TenderProfile, library: Library) -> Sized:
    """Insertion hours for the whole contract, lot by lot when lots are given."""
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

    def hours_of(amount: float, rates: Rates) -> int:
        if cleaning:
            c = rates.coefficient
            return cleaning_hours(amount, weighting or 0.0, c, rates.insertion_rate) if c else 0
        return general_hours(
            amount, rates.labour_share, rates.insertion_rate, rates.hourly_cost_eur
        )

    warnings: list[str] = []
    lots: list[LotHours] = []
    applies: list[int] = []
    exclusions: list[str] = []
    to_adjust = set(whole.to_adjust)
    for number, lot in enumerate(profile.lots, 1):
        rates = rates_for(profile, library, lot)
        to_adjust.update(rates.to_adjust)
        hours = hours_of(lot.estimated_amount_eur, rates)
        why = lot_exclusion(number, lot, rates, hours, cleaning, library)
        set_aside = hours if why else None
        if why:
            exclusions.append(why)
            hours = 0
        elif hours > 0:
            applies.append(number)
        lots.append(
            LotHours(
                title=lot.title,
                estimated_amount_eur=lot.estimated_amount_eur,
                labour_share=rates.labour_share,
                insertion_rate=rates.insertion_rate,
                hourly_cost_eur=rates.hourly_cost_eur,
                hours=hours,
                fte=fte(hours, library),
                computed_hours=set_aside,
            )
        )
    floor = library.sizing.cleaning.floor_hours
    if lots:
        total = sum(lot.hours for lot in lots)
        lots_amount = sum(lot.estimated_amount_eur for lot in lots)
        labour_share = (
            sum(lot.labour_share * lot.estimated_amount_eur for lot in lots) / lots_amount
        )
        below_floor = cleaning and not applies
    else:
        total = hours_of(profile.estimated_amount_eur, whole)
        labour_share = whole.labour_share
        below_floor = cleaning and total < floor
        if below_floor:
            warnings.append(
                f"Méthode de la branche propreté : {computed(total)}, sous le plancher de "
                f"{french.hours(floor)} ; la méthode ne prévoit pas de clause d’insertion en dessous."
            )
            total = 0
    sizing = Sizing(
        method="cleaning_branch" if cleaning else "general",
        formula=CLEANING_FORMULA if cleaning else GENERAL_FORMULA,
        hours=total,
        fte=fte(total, library),
        labour_share=round(labour_share, 4),
        insertion_rate=whole.insertion_rate,
        hourly_cost_eur=whole.hourly_cost_eur,
        sector=whole.sector.id if whole.sector else None,
        sector_label=whole.sector.label if whole.sector else None,
        defaults_to_adjust=sorted(to_adjust),
        transferred_staff_weighting=round(weighting, 4) if weighting is not None else None,
        below_floor=below_floor,
    )
    return Sized(sizing, lots, applies, exclusions, warnings)
