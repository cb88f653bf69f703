"""Insertion hours: the general formula and the cleaning branch method (DOMAIN §4).

general:  hours = amount HT × labour share × insertion rate ÷ loaded hourly cost
cleaning: C = hourly cost ÷ labour share (25 with the branch's 80 % and 20 €/h)
          P = 1 − (S × C) / (A / N), clamped to [0, 1]
          hours = P × A / C × T, and no clause below the floor (150 hours)
"""

from __future__ import annotations

from dataclasses import dataclass

from clauses.french import round_half_up
from clauses.library import Library
from clauses.library.models import Sector, Status
from clauses.profile import Lot, TenderProfile

GENERAL_FORMULA = (
    "heures = montant HT × part de main-d’œuvre × taux d’insertion ÷ coût horaire chargé"
)
CLEANING_FORMULA = (
    "heures = P × A ÷ C × T, avec C = coût horaire ÷ part de main-d’œuvre, "
    "P = 1 − (S × C) ÷ (A ÷ N) (personnel repris), plancher de 150 heures"
)


@dataclass(frozen=True)
class Rates:
    labour_share: float
    insertion_rate: float
    hourly_cost_eur: float
    sector: Sector | None
    to_adjust: tuple[str, ...]


def rates_for(profile: TenderProfile, library: Library, lot: Lot | None = None) -> Rates:
    """Profile overrides first, then the sector of the (lot's) CPV code, then the nature default."""
    sector = library.sector_for((lot.cpv if lot else None) or profile.cpv)
    default = library.sizing.by_nature[profile.nature.value]
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
