"""A contract's follow-up: quarterly lines of hours performed (and now and then hours « non
imputables »)."""

from __future__ import annotations

import datetime as dt
import random

from clauses.demo.answers import Tender
from clauses.followup import FollowUp, HoursRecord, NonImputable, PeopleCount
from clauses.library import Library

QUARTER_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


NON_IMPUTABLE_REASONS = (
    "Chantier arrêté plusieurs semaines pour intempéries (constat contradictoire).",
    "Suspension de l’exécution décidée par l’acheteur.",
    "Aucun candidat orienté par le facilitateur malgré les demandes écrites du titulaire.",
)
DIRECT_CONTRACTS = ("cdd", "cdi", "apprenticeship", "professionalisation")


def followup_of(
    tender_: Tender,
    rng: random.Random,
    library: Library,
    start: dt.date,
    until: dt.date,
    end: dt.date,
) -> FollowUp:
    """Quarterly lines of hours performed from ``start`` to ``until`` (the periods ended by
    then), each lot's share of its hours owed, by one way of fulfilment."""
    vocabularies = library.followup
    ways = vocabularies.ways.terms
    publics = [t.id for t in vocabularies.publics.terms]
    outcomes = [t.id for t in vocabularies.outcomes.terms]
    contract_types = set(vocabularies.contract_types.by_id)
    total_days = max(1, (end - start).days)
    records: list[HoursRecord] = []
    cases: list[NonImputable] = []
    period_start = start
    while True:
        period_end = min(add_months(period_start, QUARTER_MONTHS) - dt.timedelta(days=1), end)
        if period_end > until:
            break
        share = ((period_end - period_start).days + 1) / total_days
        for line in tender_.strategy.hours:
            hours = round(line.hours * share * rng.uniform(0.5, 1.3))
            if hours <= 0:
                continue
            way = rng.choices(ways, weights=[5, 3, 2, 1][: len(ways)] or None)[0]
            structure = rng.choice(way.structures) if way.structures else None
            if not way.structures:
                kinds = [c for c in DIRECT_CONTRACTS if c in contract_types]
            elif way.id == "provision":
                kinds = ["assignment"]
            else:
                kinds = ["structure_employee"]
            people = max(1, hours // 450)
            known = period_end <= until - dt.timedelta(days=183)
            records.append(
                HoursRecord(
                    lot=line.lot,
                    period_start=period_start,
                    period_end=period_end,
                    way=way.id,
                    structure=structure,
                    hours=hours,
                    people=[
                        PeopleCount(
                            public=rng.choice(publics),
                            contract_type=rng.choice(kinds),
                            count=people,
                            outcome=rng.choice(outcomes) if known else None,
                        )
                    ],
                )
            )
        if period_end >= end:
            break
        period_start = period_end + dt.timedelta(days=1)
    if records and tender_.strategy.hours and rng.random() < 0.06:
        line = rng.choice(tender_.strategy.hours)
        cases.append(
            NonImputable(
                lot=line.lot,
                hours=max(1, round(line.hours * rng.uniform(0.03, 0.12))),
                justification=rng.choice(NON_IMPUTABLE_REASONS),
                period_start=start,
                period_end=records[-1].period_end,
            )
        )
    return FollowUp(records=records, non_imputable=cases)
