"""SPASER indicators of an organisation for a year (L2111-3), from its contracts' figures.

Pure functions: :func:`indicators_of` sums each awarded dossier's figures
(:func:`clauses.spaser.figures.dossier_figures`: what its tender and award declare) and the
hours performed in the year; :func:`indicators` computes both from records in memory (what a
dossier holds: profile, advice snapshot, strategy, award, follow-up), as the store does from the
figures it keeps (:mod:`clauses.store.reports`). What is counted, and on which basis:

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
  year (on their awarded lots), a framework agreement's excepted (no fixed total, issue 22):
  its hours owed are those of the orders recorded for periods ending in the year, at the
  CCAP's ratio (``hours_owed_on_orders``); performed = the hours recorded for periods ending in the year,
  whatever the year of the contract; FTE at the library's hours per FTE (1 600 h, DOMAIN §4).
  People by public and outcomes come from the same records of the year.
- **reserved**: contracts reserved as a whole, and reserved lots (awarded in the year).
- **L2112-2-1**: the dossiers (thresholds apply to the whole contract, all lots) notified in the
  year to which the advice says the obligation applies; those with a social consideration, those
  without one but with a derogation (its ground and justification), those with neither.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from clauses.advisor.hours import hours_on_orders
from clauses.advisor.model import Advice
from clauses.decp.award import Award
from clauses.followup.model import FollowUp
from clauses.library import Library
from clauses.library.models import DecpEnvironmental, DecpSocial
from clauses.library.reporting import NationalShare
from clauses.profile import TenderProfile
from clauses.spaser.figures import DossierFigures, dossier_figures
from clauses.strategy.model import ResolvedStrategy

NO_SOCIAL = DecpSocial.none.value
SOCIAL_VALUES = [v.value for v in DecpSocial]
ENVIRONMENTAL_VALUES = [v.value for v in DecpEnvironmental]


@dataclass(frozen=True)
class ContractRecord:
    """What a dossier holds once awarded, for the indicators computed in memory.

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


class _Sum:
    """A :class:`CountValue` being summed (the year's thousands of contracts add up in place)."""

    __slots__ = ("count", "value")

    def __init__(self) -> None:
        self.count, self.value = 0, 0.0

    def add(self, value: float) -> None:
        self.count += 1
        self.value += value

    def total(self) -> CountValue:
        return CountValue(self.count, self.value)


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
    # Framework agreements: the hours owed on the orders of periods ending in the year.
    hours_owed_on_orders: float = 0.0

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


@dataclass(frozen=True)
class Performed:
    """The hours recorded for periods ending in the year, and the people behind them."""

    hours: float = 0.0
    people_by_public: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    owed_on_orders: float = 0.0  # framework agreements: hours owed on the year's orders


def indicators(
    records: list[ContractRecord], organisation: str, year: int, library: Library
) -> Indicators:
    """The indicators of the organisation's records (in memory: the store computes the same
    from its kept figures, :mod:`clauses.store.reports`)."""
    mine = [record for record in records if record.organisation == organisation]
    dossiers = (
        (r.label, dossier_figures(r.profile, r.advice, r.strategy, r.award, library))
        for r in mine
        if r.award is not None
        and r.profile is not None
        and r.advice is not None
        and r.strategy is not None
    )
    return indicators_of(dossiers, performed(mine, year), organisation, year, library)


def indicators_of(
    dossiers: Iterable[tuple[str, DossierFigures]],
    performed: Performed,
    organisation: str,
    year: int,
    library: Library,
) -> Indicators:
    """The indicators from each awarded dossier's figures (its label first) and the hours
    performed in the year. A dossier counts through its contracts notified in the year; one
    that cannot be declared is listed apart, whatever its year."""
    contracts, with_social, with_environmental = _Sum(), _Sum(), _Sum()
    by_social = {value: _Sum() for value in SOCIAL_VALUES}
    by_environmental = {value: _Sum() for value in ENVIRONMENTAL_VALUES}
    threshold = library.national_figures.social_clause_share.min_amount_eur
    eligible = eligible_with_clause = 0
    hours_planned = 0.0
    reserved_contracts = reserved_lots = 0
    applies = applies_with_social = 0
    derogations: list[Derogation] = []
    without: list[str] = []
    left_out: list[str] = []
    for label, figures in dossiers:
        if figures.problems:
            left_out.extend(f"{label} : {problem}" for problem in figures.problems)
            continue
        declared = [d for d in figures.declared if d.notified_on.year == year]
        if not declared:
            continue
        social_any = False
        for contract in declared:
            amount, social = contract.amount, contract.social
            contracts.add(amount)
            for value in social:
                by_social[value].add(amount)
            for value in contract.environmental:
                by_environmental[value].add(amount)
            if social != [NO_SOCIAL]:
                social_any = True
                with_social.add(amount)
            if contract.environmental != [DecpEnvironmental.none.value]:
                with_environmental.add(amount)
            if amount >= threshold:
                eligible += 1
                eligible_with_clause += DecpSocial.clause.value in social
            reserved_lots += contract.reserved_lots
        hours_planned += sum(contract.hours_planned for contract in declared)
        reserved_contracts += figures.reserved_whole
        if figures.obligation_applies:
            applies += 1
            if social_any:
                applies_with_social += 1
            elif figures.derogation is not None:
                derogation = figures.derogation
                derogations.append(Derogation(label, derogation.ground, derogation.justification))
            else:
                without.append(label)
    return Indicators(
        organisation=organisation,
        year=year,
        hours_per_fte=library.sizing.hours_per_fte,
        contracts=contracts.total(),
        with_social=with_social.total(),
        by_social={value: each.total() for value, each in by_social.items()},
        by_environmental={value: each.total() for value, each in by_environmental.items()},
        with_environmental=with_environmental.total(),
        hours_planned=hours_planned,
        hours_performed=round(performed.hours, 2),
        people_by_public=dict(performed.people_by_public),
        outcomes=dict(performed.outcomes),
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
        hours_owed_on_orders=round(performed.owed_on_orders, 2),
    )


def performed(records: Iterable[ContractRecord], year: int) -> Performed:
    """The hours of the records' follow-up lines for periods ending in the year, in order."""
    hours = owed = 0.0
    publics: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for record in records:
        ratios = {
            line.lot: line.hours_per_1000_eur or 0.0
            for line in (record.strategy.hours if record.strategy else [])
            if line.framework
        }
        for order in record.followup.orders:
            if order.period_end.year == year and order.lot in ratios:
                owed += hours_on_orders(order.amount_eur, ratios[order.lot])
        for line in record.followup.records:
            if line.period_end.year != year:
                continue
            hours += line.hours
            for people in line.people:
                publics[people.public] += people.count
                if people.outcome is not None:
                    outcomes[people.outcome] += people.count
    return Performed(hours, dict(publics), dict(outcomes), owed)


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
