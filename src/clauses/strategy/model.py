"""The Strategy contract (DESIGN §3.4).

``Strategy`` is what the buyer says (the optional ``strategy`` key of a profile file or an API
body; every key optional). ``choose()`` checks it against the advice and the library and fills
the defaults; its result, a ``ResolvedStrategy``, is the only thing the drafter writes from.
Keys may be added; those of §3.4 keep their meaning.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from clauses.advisor.model import Level
from clauses.library.models import MechanismId
from clauses.profile.model import Integer, Number


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetainedMechanism(_In):
    id: MechanismId
    # Lot numbers, 1-based in the order of the profile's lots; absent: the whole contract.
    lots: list[Integer] | None = None
    # Weighting of the insertion criterion in the award, in percent.
    weight_percent: Number | None = None
    # other_social_condition: the id of the library's option whose model clause is drafted; the
    # mechanism may then be listed once per option, on lots that do not overlap.
    option: str | None = None
    # The option's clause parameters the buyer gives (number of apprentices, share…), by name.
    parameters: dict[str, Integer | Number | str] | None = None


class Facilitator(_In):
    name: str | None = None
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None


class Derogation(_In):
    """Why no social consideration is retained where L2112-2-1 applies (wording à vérifier)."""

    ground: str
    justification: str


class CriterionSubweights(_In):
    """The sub-criteria of the insertion criterion, in percent of its note (total 100)."""

    tutoring: Number
    training: Number
    pathway: Number
    means: Number


class DraftValues(BaseModel):
    """The values of the drafted texts the buyer decides (clauses.strategy.texts), as given by
    the strategy and carried as such into the resolved one."""

    contact_deadline_days: Integer | None = None
    reporting_frequency: str | None = None
    final_report_deadline_days: Integer | None = None
    penalty_reporting_eur_per_day: Number | None = None
    memo_max_pages: Integer | None = None
    criterion_subweights: CriterionSubweights | None = None
    max_lots_per_candidate: Integer | None = None
    non_allotment_reason: str | None = None
    # A framework agreement: orders below this amount HT owe no insertion hours (issue 22).
    order_floor_eur: Number | None = None


class Strategy(_In, DraftValues):
    # Absent: the planner's default strategy (DOMAIN §9; the advice's ``plan``).
    mechanisms: list[RetainedMechanism] | None = None
    # Per lot number ("1", "2"…) or "total"; needs hours_override_reason.
    hours_override: dict[str, Integer] | None = None
    hours_override_reason: str | None = None
    penalty_eur_per_hour: Number | None = None
    facilitator: Facilitator | None = None
    ccap_article: str | None = None
    derogation: Derogation | None = None


KEY = "strategy"  # what a StrategyError's key starts with


class StrategyError(BaseModel):
    """A refusal, naming the key as DESIGN §3.4 does (``strategy.mechanisms[2].lots``)."""

    model_config = ConfigDict(frozen=True)

    key: str
    message: str


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ResolvedMechanism(_Out):
    id: MechanismId
    title: str
    level: Level
    legal_basis: list[str]
    # 1-based lot numbers it is retained on; empty: the whole contract (or no lots).
    lots: list[int] = Field(default_factory=list)
    weight_percent: float | None = None
    # The advice's warning, repeated in the summary, when a « déconseillé » one is retained.
    warnings: list[str] = Field(default_factory=list)
    option: str | None = None  # other_social_condition: the option's id
    option_title: str | None = None
    parameters: dict[str, int | float | str] = Field(default_factory=dict)
    # Why the planner retains it here (its levers' reasons), when the plan retains it too.
    why: list[str] = Field(default_factory=list)


class HoursLine(_Out):
    """Insertion hours owed for one lot (``lot`` 1-based) or the whole contract (``lot`` None)."""

    lot: int | None
    title: str
    estimated_amount_eur: float
    hours: int  # a framework agreement: the hours at the maximum, never owed as such
    overridden: bool = False
    # A framework agreement (issue 22): what is owed is this ratio × the amount ordered ÷ 1 000.
    hours_per_1000_eur: float | None = None
    minimum_eur: float | None = None
    hours_at_minimum: int | None = None

    @property
    def framework(self) -> bool:
        return self.hours_per_1000_eur is not None


class ResolvedStrategy(_Out, DraftValues):
    mechanisms: list[ResolvedMechanism]
    # The hours of the insertion clause, only on the lots it is retained on; empty without it.
    hours: list[HoursLine] = Field(default_factory=list)
    hours_override_reason: str | None = None
    penalty_eur_per_hour: float | None = None
    facilitator: Facilitator | None = None
    ccap_article: str | None = None
    derogation: Derogation | None = None
    # DECP considerationsSociales values of what was retained.
    decp_social: list[str] = Field(default_factory=list)
    # The planner's notes on its default strategy (other lots that could be reserved…), when
    # the strategy is the default one.
    plan_notes: list[str] = Field(default_factory=list)

    def retained(self, mechanism: MechanismId) -> ResolvedMechanism | None:
        return next((m for m in self.mechanisms if m.id is mechanism), None)

    def all_retained(self, mechanism: MechanismId) -> list[ResolvedMechanism]:
        """Every entry of the mechanism (other_social_condition may have one per option)."""
        return [m for m in self.mechanisms if m.id is mechanism]

    @property
    def total_hours(self) -> int:
        """The fixed hours owed; a framework agreement owes none fixed (its lines follow the
        orders, :attr:`framework`)."""
        return sum(line.hours for line in self.hours if not line.framework)

    @property
    def framework(self) -> bool:
        return any(line.framework for line in self.hours)
