"""The Advice contract (DESIGN §3.2): what ``clauses advise --json`` prints and the API returns.

Only extended, never changed: keys of §3.2 keep their names and meaning.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clauses import vocabulary
from clauses.library.models import MechanismId, ObligationId


class Level(StrEnum):
    recommended = "recommended"
    possible = "possible"
    discouraged = "discouraged"


class Regime(StrEnum):
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


class LotHours(_Out):
    title: str
    estimated_amount_eur: float
    labour_share: float
    insertion_rate: float
    hourly_cost_eur: float
    hours: int
    fte: float
    # The hours the formula gives for a lot left without hours (under the cleaning floor,
    # qualified or little labour), so that a page can say what was set aside; absent otherwise.
    computed_hours: int | None = None


class Recommendation(_Out):
    mechanism: MechanismId
    level: Level
    legal_basis: list[str]
    reasons: list[str]
    parameters: dict[str, int | float | str] = Field(default_factory=dict)
    lots: list[LotHours] = Field(default_factory=list)
    title: str
    former_legal_basis: list[str] = Field(default_factory=list)
    # Lot numbers (1-based, in the order of the profile's lots) the advice applies this
    # mechanism to; empty: the whole contract (or a contract without lots).
    applies_to_lots: list[int] = Field(default_factory=list)


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


class Sizing(_Out):
    method: Literal["general", "cleaning_branch"]
    formula: str
    hours: int
    fte: float
    labour_share: float
    insertion_rate: float
    hourly_cost_eur: float
    sector: str | None = None  # left out of the JSON when unknown: not a required key
    sector_label: str | None = None
    defaults_to_adjust: list[str]
    transferred_staff_weighting: float | None = None
    below_floor: bool = False


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

    def recommendation(self, mechanism: MechanismId) -> Recommendation | None:
        return next((r for r in self.recommendations if r.mechanism is mechanism), None)
