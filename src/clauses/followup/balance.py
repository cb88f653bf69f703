"""Hours owed against hours performed, per lot, and the CCAP's penalty for the hours missing.

For each lot (or the whole contract):

    owed        the insertion hours of the retained strategy on that lot
    deducted    the « non imputable » hours recorded, at most the hours owed
    performed   the hours recorded, every way of fulfilment together
    missing     max(0, owed − deducted − performed)
    penalty     missing × penalty per hour (the strategy's, set in the CCAP); none when the
                strategy sets no penalty: the tool never presents a figure as the norm (DOMAIN §4)

Hours performed beyond what is owed on one lot do not make up for another lot: each lot is a
separate contract (DOMAIN §8).

A framework agreement (issue 22) owes no fixed total: on each lot, owed = the amounts ordered
(or invoiced) recorded for the lot ÷ 1 000 × the CCAP's ratio, to the hundredth; each period's
orders give that period's hours owed. The hours the maximum would owe bound the projection.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from clauses.advisor.hours import hours_on_orders
from clauses.followup.model import FollowUp
from clauses.french import round_half_up
from clauses.profile import TenderProfile
from clauses.strategy.model import ResolvedStrategy


def _hours(value: float) -> float:
    """Hours to the hundredth: sums of decimal hours stay exact to the eye (0,1 + 0,2 = 0,3)."""
    return float(round_half_up(value, 2))


@dataclass(frozen=True)
class LotBalance:
    lot: int | None  # 1-based; None: the whole contract
    title: str
    owed: float
    non_imputable: float  # recorded
    deducted: float  # of it, deducted from the hours owed
    performed: float
    missing: float
    penalty_eur: float | None
    # A framework agreement: the ratio, the amount ordered so far, the hours at the maximum.
    hours_per_1000_eur: float | None = None
    ordered_eur: float | None = None
    owed_at_maximum: float | None = None

    @property
    def performed_share(self) -> float | None:
        return self.performed / self.owed if self.owed else None


@dataclass(frozen=True)
class PeriodHours:
    lot: int | None
    period_start: dt.date
    period_end: dt.date
    hours: float


@dataclass(frozen=True)
class PeriodOrders:
    """A framework agreement: the amount ordered on a lot over a period, and the hours owed."""

    lot: int | None
    period_start: dt.date
    period_end: dt.date
    amount_eur: float
    owed: float


@dataclass(frozen=True)
class Balance:
    lots: list[LotBalance]
    penalty_eur_per_hour: float | None
    hours_per_fte: int
    by_way: dict[str, float]  # way id → hours performed
    by_period: list[PeriodHours]
    people_by_public: dict[str, int]
    people_by_contract_type: dict[str, int]
    outcomes: dict[str, int]  # outcome id → people; people without a known outcome not counted
    # A framework agreement: the orders of each lot and period, and the hours they owe.
    orders_by_period: list[PeriodOrders] = field(default_factory=list)

    @property
    def framework(self) -> bool:
        return any(lot.hours_per_1000_eur is not None for lot in self.lots)

    @property
    def owed(self) -> float:
        return _hours(sum(lot.owed for lot in self.lots))

    @property
    def performed(self) -> float:
        return _hours(sum(lot.performed for lot in self.lots))

    @property
    def deducted(self) -> float:
        return _hours(sum(lot.deducted for lot in self.lots))

    @property
    def missing(self) -> float:
        return _hours(sum(lot.missing for lot in self.lots))

    @property
    def penalty_eur(self) -> float | None:
        if self.penalty_eur_per_hour is None:
            return None
        return float(round_half_up(sum(lot.penalty_eur or 0 for lot in self.lots), 2))

    @property
    def people(self) -> int:
        return sum(self.people_by_public.values())

    @property
    def fte_performed(self) -> float:
        return self.performed / self.hours_per_fte


def balance(
    followup: FollowUp, strategy: ResolvedStrategy, profile: TenderProfile, hours_per_fte: int
) -> Balance:
    """The follow-up of one contract, checked beforehand (:func:`check_followup`)."""
    owed: dict[int | None, float] = {line.lot: line.hours for line in strategy.hours}
    ratios = {line.lot: line.hours_per_1000_eur for line in strategy.hours if line.framework}
    ordered: defaultdict[int | None, float] = defaultdict(float)
    order_periods: defaultdict[tuple[int | None, dt.date, dt.date], float] = defaultdict(float)
    for order in followup.orders:
        ordered[order.lot] += order.amount_eur
        order_periods[(order.lot, order.period_start, order.period_end)] += order.amount_eur
    for lot, ratio in ratios.items():  # a framework: the hours follow the orders
        owed[lot] = hours_on_orders(ordered[lot], ratio or 0.0)
    at_maximum = {line.lot: float(line.hours) for line in strategy.hours if line.framework}
    titles = {line.lot: line.title for line in strategy.hours}
    performed: defaultdict[int | None, float] = defaultdict(float)
    non_imputable: defaultdict[int | None, float] = defaultdict(float)
    by_way: defaultdict[str, float] = defaultdict(float)
    periods: defaultdict[tuple[int | None, dt.date, dt.date], float] = defaultdict(float)
    publics: Counter[str] = Counter()
    contract_types: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for record in followup.records:
        performed[record.lot] += record.hours
        by_way[record.way] += record.hours
        periods[(record.lot, record.period_start, record.period_end)] += record.hours
        for people in record.people:
            publics[people.public] += people.count
            contract_types[people.contract_type] += people.count
            if people.outcome is not None:
                outcomes[people.outcome] += people.count
    for case in followup.non_imputable:
        non_imputable[case.lot] += case.hours

    penalty = strategy.penalty_eur_per_hour
    lots = []
    for lot in sorted(set(owed) | set(performed) | set(non_imputable), key=lambda n: n or 0):
        due = owed.get(lot, 0)
        deducted = _hours(min(non_imputable[lot], due))
        done = _hours(performed[lot])
        missing = _hours(max(0.0, due - deducted - done))
        title = titles.get(lot) or (profile.lots[lot - 1].title if lot else profile.title)
        lots.append(
            LotBalance(
                lot=lot,
                title=title,
                owed=due,
                non_imputable=_hours(non_imputable[lot]),
                deducted=deducted,
                performed=done,
                missing=missing,
                penalty_eur=None if penalty is None else float(round_half_up(missing * penalty, 2)),
                hours_per_1000_eur=ratios.get(lot),
                ordered_eur=round(ordered[lot], 2) if lot in ratios else None,
                owed_at_maximum=at_maximum.get(lot),
            )
        )
    return Balance(
        lots=lots,
        penalty_eur_per_hour=penalty,
        hours_per_fte=hours_per_fte,
        by_way={way: _hours(hours) for way, hours in by_way.items()},
        by_period=[
            PeriodHours(lot, start, end, _hours(hours))
            for (lot, start, end), hours in sorted(
                periods.items(), key=lambda item: (item[0][0] or 0, item[0][1], item[0][2])
            )
        ],
        people_by_public=dict(publics),
        people_by_contract_type=dict(contract_types),
        outcomes=dict(outcomes),
        orders_by_period=[
            PeriodOrders(
                lot, start, end, round(amount, 2), hours_on_orders(amount, ratios[lot] or 0)
            )
            for (lot, start, end), amount in sorted(
                order_periods.items(), key=lambda item: (item[0][0] or 0, item[0][1], item[0][2])
            )
            if lot in ratios
        ],
    )
