"""The Advice contract (DESIGN §3.2): what ``clauses advise --json`` prints and the API returns.

Only extended, never changed: keys of §3.2 keep their names and meaning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clauses import vocabulary
from clauses.library.models import MechanismId, ObligationId


class Level(vocabulary.Labelled, labels=vocabulary.LEVEL_LABELS):
    recommended = "recommended"
    possible = "possible"
    discouraged = "discouraged"


class Regime(vocabulary.Labelled, labels=vocabulary.REGIME_LABELS):
    no_procedure = "no_procedure"
    adapted = "adapted"
    formalised = "formalised"


# Re-exported: the labels live in clauses.vocabulary.
LEVEL_LABELS = vocabulary.LEVEL_LABELS
REGIME_LABELS = vocabulary.REGIME_LABELS


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Procedure(_Out):
    eu_threshold_eur: int
    above_eu_threshold: bool
    regime: Regime
    threshold_category: Literal[
        "works", "central_supplies_services", "other_supplies_services", "social_services"
    ]
    no_procedure_threshold_eur: int
    launch_date: dt.date
    social_services: bool


class ObligationResult(_Out):
    id: ObligationId
    applies: bool
    legal_basis: list[str]
    explanation: str
    title: str
    valid_from: dt.date
    valid_from_to_verify: bool
    # L2112-2-1: the recommended mechanisms that meet the obligation; when none fits, the
    # derogation grounds the buyer may invoke (wording « à vérifier ») and must justify.
    met_by: list[MechanismId] = Field(default_factory=list)
    derogation_grounds: list[str] = Field(default_factory=list)


# The advice's many small values (notes, per-lot ratings, the plan's levers) are plain
# dataclasses with slots, which pydantic validates and serialises inside the models: an advice
# on ten lots makes about a hundred of them, and a pydantic model (or a frozen dataclass) costs
# several times more to build. Nothing mutates them.


@dataclass(slots=True)
class Note:
    """A reason or a warning as a value (issue 18): ``id`` names its French text in
    ``clause_library/notes.yaml``; ``mechanism`` and ``lot`` say what it is about (none: the
    whole tender), ``parameters`` what it was rendered with, ``text`` the rendering."""

    id: str
    text: str
    mechanism: MechanismId | None = None
    lot: int | None = None
    parameters: dict[str, int | float | str] = field(default_factory=dict)


@dataclass(slots=True)
class LotHours:
    title: str
    estimated_amount_eur: float
    labour_share: float
    insertion_rate: float
    hourly_cost_eur: float
    hours: int
    fte: float  # années-ETP: hours ÷ 1 600
    # The hours the formula gives for a lot left without hours (under the cleaning floor,
    # qualified or little labour), so that a page can say what was set aside; absent otherwise.
    computed_hours: int | None = None
    # A framework agreement (issue 22): ``hours`` are those at the lot's maximum (its amount),
    # never owed as such; what is owed is hours_per_1000_eur × the amount ordered ÷ 1 000.
    hours_per_1000_eur: float | None = None
    minimum_eur: float | None = None
    hours_at_minimum: int | None = None


@dataclass(slots=True)
class LotAssessment:
    """What a mechanism is worth on one lot: each lot is a separate contract (DOMAIN §9)."""

    lot: int
    level: Level
    # other_social_condition: the ids of the options that fit this lot. The lot's reasons are
    # the recommendation's notes whose ``lot`` is this one.
    options: list[str] = field(default_factory=list)


class Recommendation(_Out):
    mechanism: MechanismId
    level: Level  # with lots: the best of its levels on the lots
    legal_basis: list[str]
    reasons: list[str]
    parameters: dict[str, int | float | str] = Field(default_factory=dict)
    lots: list[LotHours] = Field(default_factory=list)
    title: str
    former_legal_basis: list[str] = Field(default_factory=list)
    # Lot numbers (1-based, in the order of the profile's lots) the advice applies this
    # mechanism to; empty: the whole contract (or a contract without lots).
    applies_to_lots: list[int] = Field(default_factory=list)
    # The reasons as values, and the level on each lot (a tender with lots).
    notes: list[Note] = Field(default_factory=list)
    per_lot: list[LotAssessment] = Field(default_factory=list)

    def level_on(self, lot: int | None) -> Level | None:
        """The level on that lot (None: the whole contract); None where it does not apply."""
        if lot is None:
            return None if self.per_lot else self.level
        return next((a.level for a in self.per_lot if a.lot == lot), None)

    def reasons_on(self, lot: int) -> list[str]:
        """The reasons about that lot."""
        return [n.text for n in self.notes if n.lot == lot]

    def options_on(self, lot: int | None) -> list[str]:
        if lot is None:
            found = self.parameters.get("options")
            return [o for o in str(found).split(",") if o] if found else []
        return next((a.options for a in self.per_lot if a.lot == lot), [])


class Exclusion(_Out):
    """A mechanism the law excludes for this tender: never « recommandé » or « possible », and
    a strategy may not retain it."""

    mechanism: MechanismId
    title: str
    legal_basis: list[str]
    reasons: list[str]


class DecpSocialValues(_Out):
    considerationSociale: list[str]


class DecpEnvironmentalValues(_Out):
    considerationEnvironnementale: list[str]


class Decp(_Out):
    considerationsSociales: DecpSocialValues
    considerationsEnvironnementales: DecpEnvironmentalValues | None = None


class AgreementSizing(_Out):
    """A framework agreement's hours clause: a ratio per 1 000 € HT ordered, and what it means
    at the minimum and at the maximum (issue 22, DOMAIN §9)."""

    kind: Literal["purchase_orders", "subsequent_contracts"]
    formula: str
    maximum_eur: float
    hours_at_minimum: int
    hours_at_maximum: int
    # One ratio for every lot the clause bears on; None (left out of the JSON) when the lots
    # differ (see each lot) or the clause bears on none.
    hours_per_1000_eur: float | None = None
    minimum_eur: float | None = None  # none: an agreement without a minimum


class Sizing(_Out):
    method: Literal["general", "cleaning_branch"]
    formula: str
    hours: int
    fte: float  # années-ETP over the contract: hours ÷ 1 600
    labour_share: float
    insertion_rate: float
    hourly_cost_eur: float
    sector: str | None = None  # left out of the JSON when unknown: not a required key
    sector_label: str | None = None
    defaults_to_adjust: list[str]
    transferred_staff_weighting: float | None = None
    below_floor: bool = False
    # The average full-time equivalents over the duration: fte ÷ years (DOMAIN §9).
    fte_average: float | None = None
    # A framework agreement: ``hours`` is 0 (no fixed total), the ratio and its range here.
    agreement: AgreementSizing | None = None


@dataclass(slots=True)
class PlannedLever:
    """One lever the default strategy retains on a perimeter, and why this one."""

    mechanism: MechanismId
    role: Literal["primary", "criterion", "condition"]
    why: list[str]
    option: str | None = None  # other_social_condition: the option's id
    notes: list[Note] = field(default_factory=list)


@dataclass(slots=True)
class PlannedPerimeter:
    """The whole contract (``lot`` None) or one lot, with the levers the planner retains."""

    title: str
    estimated_amount_eur: float
    annual_value_eur: float
    levers: list[PlannedLever]
    lot: int | None = None  # None: the whole contract


@dataclass(slots=True)
class PlannedMechanism:
    """An entry of the default strategy's ``mechanisms`` (DESIGN §3.4)."""

    id: MechanismId
    lots: list[int] | None = None
    option: str | None = None


class Plan(_Out):
    """The default strategy as a facilitator composes it (DOMAIN §9): one primary lever per
    perimeter, at most one reservation, never an hours clause on a reserved perimeter."""

    perimeters: list[PlannedPerimeter]
    mechanisms: list[PlannedMechanism]
    notes: list[Note] = Field(default_factory=list)


class Advice(_Out):
    library_version: str
    as_of: dt.date
    procedure: Procedure
    obligations: list[ObligationResult]
    recommendations: list[Recommendation]
    insertion_hours: int
    decp: Decp
    warnings: list[str]
    sizing: Sizing
    excluded: list[Exclusion] = Field(default_factory=list)
    # The warnings as values; the default strategy (absent from snapshots made before it).
    notes: list[Note] = Field(default_factory=list)
    plan: Plan | None = None

    def recommendation(self, mechanism: MechanismId) -> Recommendation | None:
        return next((r for r in self.recommendations if r.mechanism is mechanism), None)
