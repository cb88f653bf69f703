"""SPASER indicators of an organisation for a year (L2111-3), from its contract records.

A pure function of the records (what a dossier holds: profile, advice snapshot, strategy, award,
follow-up) and the library. What is counted, and on which basis:

- **contracts**: the DECP ``marche`` notified in the year — each awarded lot is a contract of its
  own, as in the open data (DOMAIN §8) — in number and in value (the awarded amount HT); with
  a social consideration when their ``considerationsSociales`` is not « Pas de considération
  sociale », and for each DECP value; the environmental side likewise. A dossier whose award is
  incomplete cannot be declared and is listed apart, with what it lacks.
- **national comparison** (DOMAIN §6): the OECP figure is the share of contracts of at least
  90 000 € HT with a « Clause sociale »; the organisation's share is computed on the same basis,
  against the latest national year at or before the year; the national plan's target is a share
  of contracts with any social consideration.
- **insertion hours**: planned = the hours of the strategies of the contracts notified in the
  year (on their awarded lots); performed = the hours recorded for periods ending in the year,
  whatever the year of the contract; FTE at the library's hours per FTE (1 600 h, DOMAIN §4).
  People by public and outcomes come from the same records of the year.
- **reserved**: contracts reserved as a whole, and reserved lots (awarded in the year).
- **L2112-2-1**: the dossiers (thresholds apply to the whole contract, all lots) notified in the
  year to which the advice says the obligation applies; those with a social consideration, those
  without one but with a derogation (its ground and justification), those with neither.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from clauses.advisor.model import Advice
from clauses.decp.award import Award
from clauses.decp.document import DecpError, decp_marches
from clauses.followup.model import FollowUp
from clauses.library import Library
from clauses.library.models import DecpEnvironmental, DecpSocial, MechanismId, ObligationId
from clauses.library.reporting import NationalShare
from clauses.profile import TenderProfile
from clauses.strategy.model import ResolvedStrategy

RESERVATIONS = frozenset(
    {
        MechanismId.reserved_disability,
        MechanismId.reserved_insertion,
        MechanismId.reserved_both,
        MechanismId.reserved_prison,
        MechanismId.reserved_ess,
    }
)
NO_SOCIAL = DecpSocial.none.value
SOCIAL_VALUES = [v.value for v in DecpSocial]
ENVIRONMENTAL_VALUES = [v.value for v in DecpEnvironmental]


@dataclass(frozen=True)
class ContractRecord:
    """What a dossier holds once awarded (``clauses.store.stages.contract_records``).

    A contract of another year, read only for the hours it performed in the year, comes
    without its tender (``profile``, ``advice``, ``strategy`` and ``award`` None): it declares
    no contract in the year, and reading its tender would only cost time."""

    organisation: str
    label: str  # how the report names the dossier
    profile: TenderProfile | None = None
    advice: Advice | None = None  # the snapshot kept with the dossier
    strategy: ResolvedStrategy | None = None
    award: Award | None = None
    followup: FollowUp = field(default_factory=FollowUp)


@dataclass(frozen=True)
class CountValue:
    count: int = 0
    value: float = 0.0

    def add(self, value: float) -> CountValue:
        return CountValue(self.count + 1, self.value + value)


@dataclass(frozen=True)
class Comparison:
    title: str
    national_year: int | None
    national_all: float | None
    national_collectivites: float | None
    eligible: int  # the organisation's contracts on the indicator's basis
    share: float | None


@dataclass(frozen=True)
class TargetComparison:
    title: str
    year: int
    target: float
    share: float | None


@dataclass(frozen=True)
class Derogation:
    label: str
    ground: str
    justification: str


@dataclass(frozen=True)
class Compliance:
    applies: int
    with_social: int
    derogations: list[Derogation]
    without: list[str]  # labels of the dossiers with neither


@dataclass(frozen=True)
class Indicators:
    organisation: str
    year: int
    hours_per_fte: int
    contracts: CountValue
    with_social: CountValue
    by_social: dict[str, CountValue]  # every DECP value, in the format's order
    by_environmental: dict[str, CountValue]
    with_environmental: CountValue
    hours_planned: float
    hours_performed: float
    people_by_public: dict[str, int]
    outcomes: dict[str, int]
    reserved_contracts: int
    reserved_lots: int
    compliance: Compliance
    national: Comparison
    targets: list[TargetComparison]
    left_out: list[str]  # « dossier : award.key : message »

    @property
    def share_count(self) -> float | None:
        return self.with_social.count / self.contracts.count if self.contracts.count else None

    @property
    def share_value(self) -> float | None:
        return self.with_social.value / self.contracts.value if self.contracts.value else None

    @property
    def fte_planned(self) -> float:
        return self.hours_planned / self.hours_per_fte

    @property
    def fte_performed(self) -> float:
        return self.hours_performed / self.hours_per_fte

    @property
    def people(self) -> int:
        return sum(self.people_by_public.values())


def indicators(
    records: list[ContractRecord], organisation: str, year: int, library: Library
) -> Indicators:
    first, last = dt.date(year, 1, 1).isoformat(), dt.date(year, 12, 31).isoformat()
    contracts = with_social = with_environmental = CountValue()
    by_social = dict.fromkeys(SOCIAL_VALUES, CountValue())
    by_environmental = dict.fromkeys(ENVIRONMENTAL_VALUES, CountValue())
    threshold = library.national_figures.social_clause_share.min_amount_eur
    eligible = eligible_with_clause = 0
    hours_planned = hours_performed = 0.0
    publics: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    reserved_contracts = reserved_lots = 0
    applies = applies_with_social = 0
    derogations: list[Derogation] = []
    without: list[str] = []
    left_out: list[str] = []
    for record in records:
        if record.organisation != organisation:
            continue
        hours_performed += _performed(record.followup, year, publics, outcomes)
        award, profile, advice, strategy = (
            record.award,
            record.profile,
            record.advice,
            record.strategy,
        )
        if award is None or profile is None or advice is None or strategy is None:
            continue  # not awarded, or a contract of another year read for its hours
        try:
            marches = [
                m
                for m in decp_marches(profile, award, strategy, library)
                if first <= m["dateNotification"] <= last
            ]
        except DecpError as exc:
            left_out.extend(f"{record.label} : {error}" for error in exc.errors)
            continue
        if not marches:
            continue
        social_any = False
        lots_awarded: set[int | None] = set()
        for marche, lot in zip(marches, _lots(award, marches), strict=True):
            lots_awarded.add(lot)
            amount = float(marche["montant"])
            social = marche["considerationsSociales"]["considerationSociale"]
            environmental = marche["considerationsEnvironnementales"][
                "considerationEnvironnementale"
            ]
            contracts = contracts.add(amount)
            for value in social:
                by_social[value] = by_social[value].add(amount)
            for value in environmental:
                by_environmental[value] = by_environmental[value].add(amount)
            if social != [NO_SOCIAL]:
                social_any = True
                with_social = with_social.add(amount)
            if environmental != [DecpEnvironmental.none.value]:
                with_environmental = with_environmental.add(amount)
            if amount >= threshold:
                eligible += 1
                eligible_with_clause += DecpSocial.clause.value in social
        hours_planned += sum(line.hours for line in strategy.hours if line.lot in lots_awarded)
        for mechanism in strategy.mechanisms:
            if mechanism.id in RESERVATIONS:
                if mechanism.lots:
                    reserved_lots += len(set(mechanism.lots) & lots_awarded)
                else:
                    reserved_contracts += 1
        if _obligation_applies(advice):
            applies += 1
            if social_any:
                applies_with_social += 1
            elif strategy.derogation is not None:
                derogation = strategy.derogation
                derogations.append(
                    Derogation(record.label, derogation.ground, derogation.justification)
                )
            else:
                without.append(record.label)
    return Indicators(
        organisation=organisation,
        year=year,
        hours_per_fte=library.sizing.hours_per_fte,
        contracts=contracts,
        with_social=with_social,
        by_social=by_social,
        by_environmental=by_environmental,
        with_environmental=with_environmental,
        hours_planned=hours_planned,
        hours_performed=round(hours_performed, 2),
        people_by_public=dict(publics),
        outcomes=dict(outcomes),
        reserved_contracts=reserved_contracts,
        reserved_lots=reserved_lots,
        compliance=Compliance(applies, applies_with_social, derogations, without),
        national=_national(library, year, eligible, eligible_with_clause),
        targets=[
            TargetComparison(
                t.title,
                t.year,
                t.share,
                with_social.count / contracts.count if contracts.count else None,
            )
            for t in library.national_figures.targets
        ],
        left_out=left_out,
    )


def _lots(award: Award, marches: list[dict[str, Any]]) -> list[int | None]:
    """The lot number of each ``marche`` (None for a contract without lots)."""
    if award.lots is None:
        return [None] * len(marches)
    by_id = {a.id: a.lot for a in award.lots}
    return [by_id[m["id"]] for m in marches]


def _performed(
    followup: FollowUp, year: int, publics: Counter[str], outcomes: Counter[str]
) -> float:
    hours = 0.0
    for record in followup.records:
        if record.period_end.year != year:
            continue
        hours += record.hours
        for people in record.people:
            publics[people.public] += people.count
            if people.outcome is not None:
                outcomes[people.outcome] += people.count
    return hours


def _obligation_applies(advice: Advice) -> bool:
    return any(
        o.applies
        for o in advice.obligations
        if o.id is ObligationId.social_consideration_above_eu_threshold
    )


def _national(library: Library, year: int, eligible: int, with_clause: int) -> Comparison:
    figures = library.national_figures.social_clause_share
    by_year: defaultdict[int, dict[str, NationalShare]] = defaultdict(dict)
    for value in figures.values:
        by_year[value.year][value.scope] = value
    known = [y for y in by_year if y <= year]
    national_year = max(known) if known else None
    found = by_year.get(national_year, {}) if national_year is not None else {}
    return Comparison(
        title=figures.title,
        national_year=national_year,
        national_all=found["all"].share if "all" in found else None,
        national_collectivites=found["collectivites"].share if "collectivites" in found else None,
        eligible=eligible,
        share=with_clause / eligible if eligible else None,
    )
