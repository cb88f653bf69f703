"""Typed models of the clause library's content files.

Every file under ``clause_library/`` is validated against one of these models when the library
is loaded; ``clauses check-library`` adds the cross-file checks (cited articles exist, mechanism
ids exist, dates are consistent, clause texts render with their sample parameters).
"""
# Over 400 lines: one model per content file of the library, read together as its schema.

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator


class Strict(BaseModel):
    """Base for content models: unknown keys are errors, so a typo never goes unnoticed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Status(StrEnum):
    """How firmly a statement is established (DOMAIN.md tags)."""

    sourced = "sourced"
    to_verify = "to_verify"
    default = "default"  # a working default the facilitator adjusts, not a norm


class MechanismId(StrEnum):
    insertion_clause = "insertion_clause"
    insertion_criterion = "insertion_criterion"
    reserved_disability = "reserved_disability"
    reserved_insertion = "reserved_insertion"
    reserved_both = "reserved_both"
    reserved_prison = "reserved_prison"
    reserved_ess = "reserved_ess"
    insertion_services_contract = "insertion_services_contract"
    lots_division = "lots_division"
    other_social_condition = "other_social_condition"


class ObligationId(StrEnum):
    social_consideration_above_eu_threshold = "social_consideration_above_eu_threshold"
    environmental_execution_condition = "environmental_execution_condition"
    environmental_award_criterion = "environmental_award_criterion"


class DecpSocial(StrEnum):
    clause = "Clause sociale"
    criterion = "Critère social"
    reserved = "Marché réservé"
    none = "Pas de considération sociale"


class DecpEnvironmental(StrEnum):
    clause = "Clause environnementale"
    criterion = "Critère environnemental"
    none = "Pas de considération environnementale"


class StructureKind(StrEnum):
    """Kinds of structures that can answer or help fulfil a clause (DOMAIN §7)."""

    ei = "EI"
    ai = "AI"
    aci = "ACI"
    etti = "ETTI"
    eiti = "EITI"
    geiq = "GEIQ"
    ea = "EA"
    eatt = "EATT"
    esat = "ESAT"
    prison = "prison"
    ess = "ESS"
    any_company = "any_company"


class Section(StrEnum):
    """The tender documents a model clause goes into."""

    notice = "notice"  # avis de publicité
    rc = "rc"  # règlement de la consultation
    ccap = "ccap"  # cahier des clauses administratives particulières
    annex = "annex"  # annexes (engagement, suivi)


class Source(Strict):
    """Where a statement comes from: a title and, when published online, its address."""

    title: str = Field(min_length=3)
    url: HttpUrl | None = None
    date: dt.date | None = None


class Statement(Strict):
    """One legal or factual statement shown to buyers, with its source and status."""

    text: str = Field(min_length=10)
    status: Status
    sources: list[Source] = Field(min_length=1)


class LegalReference(Strict):
    """An article of the Code de la commande publique (or another text) the library may cite."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 .°\-]*$", description="e.g. L2112-2")
    title: str
    text: Literal["CCP", "loi", "décret", "ordonnance", "jurisprudence", "CCAG"] = "CCP"
    url: HttpUrl | None = Field(default=None, description="required for CCP articles")
    status: Status
    sources: list[Source] = Field(min_length=1)
    former: list[str] = Field(default_factory=list, description="pre-2019 equivalents")


class LegalBasis(Strict):
    article: str
    former: list[str] = Field(default_factory=list)


class ParameterType(StrEnum):
    integer = "integer"
    number = "number"
    percent = "percent"  # a share in [0, 1], rendered « 5 % »
    eur = "eur"  # an amount in euros, rendered « 1 000 000 € »
    hours = "hours"
    text = "text"
    date = "date"


class ClauseParameter(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: ParameterType
    label: str
    sample: int | float | str | dt.date
    placeholder: bool = Field(
        default=False,
        description="a value only the buyer knows: drafted as « [à compléter : label] »",
    )


class ClauseText(Strict):
    """A model clause: Jinja text with typed parameters, rendered with French formatting."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    section: Section
    title: str
    text: str = Field(min_length=20)
    parameters: list[ClauseParameter] = Field(default_factory=list)


class SocialOption(Strict):
    """A concrete social execution condition (DOMAIN §8), offered where it fits the tender."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    summary: str = Field(min_length=20)
    natures: list[Literal["works", "supplies", "services"]] = Field(min_length=1)
    sectors: list[str] = Field(
        default_factory=list, description="sector ids of sizing.yaml; [] = any sector"
    )
    not_sectors: list[str] = Field(
        default_factory=list, description="sector ids where it does not fit"
    )
    reserved_only: bool = Field(
        default=False, description="offered only on a reserved perimeter (DOMAIN §9)"
    )
    statement: Statement
    clause: ClauseText


class Mechanism(Strict):
    id: MechanismId
    title: str
    short_title: str
    summary: str
    legal_basis: list[LegalBasis] = Field(min_length=1)
    decp_value: DecpSocial | None
    conditions: list[Statement] = Field(min_length=1)
    pitfalls: list[Statement] = Field(min_length=1)
    avise_recommendation: Statement
    structures: list[StructureKind] = Field(min_length=1)
    clauses: list[ClauseText] = Field(min_length=1)
    options: list[SocialOption] = Field(
        default_factory=list, description="concrete conditions the buyer chooses among"
    )
    max_duration_months: int | None = Field(
        default=None, gt=0, description="the law's limit on the contract's duration, if any"
    )
    # Legal prose the advisor quotes in its reasons and warnings (case law, limits), by key;
    # check-library verifies that every key the advisor uses is here (ADVICE_NOTES).
    notes: dict[str, Statement] = Field(default_factory=dict)
    reviewed_on: dt.date

    @model_validator(mode="after")
    def _unique_clause_ids(self) -> Mechanism:
        ids = [c.id for c in self.clauses] + [o.clause.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError("identifiants de clauses en double")
        return self


class EuThresholdPeriod(Strict):
    valid_from: dt.date
    valid_to: dt.date
    works_eur: int = Field(gt=0)
    central_supplies_services_eur: int = Field(gt=0)
    other_supplies_services_eur: int = Field(gt=0)
    utilities_defence_eur: int = Field(gt=0)
    social_services_eur: int = Field(gt=0)
    status: Status
    sources: list[Source] = Field(min_length=1)


class NationalThreshold(Strict):
    """Below this amount a purchase may be made without publicity or competition (R2122-8)."""

    nature: Literal["works", "supplies_services"]
    amount_eur: int = Field(gt=0)
    valid_from: dt.date
    valid_to: dt.date | None = None
    status: Status
    sources: list[Source] = Field(min_length=1)


class Thresholds(Strict):
    reviewed_on: dt.date
    eu: list[EuThresholdPeriod] = Field(min_length=1)
    no_procedure: list[NationalThreshold] = Field(min_length=1)
    decp_publication_eur: int = Field(gt=0)
    decp_publication: Statement


class Obligation(Strict):
    id: ObligationId
    title: str
    legal_basis: list[str] = Field(min_length=1)
    scope: Literal["above_eu_threshold", "all_contracts", "with_procedure"]
    valid_from: dt.date
    valid_from_status: Status
    explanation: str
    statement: Statement
    met_by: list[MechanismId] = Field(default_factory=list)
    derogations: list[Statement] = Field(default_factory=list)


class Obligations(Strict):
    reviewed_on: dt.date
    obligations: list[Obligation] = Field(min_length=1)


class Trade(StrEnum):
    """Works trades as a facilitator sorts them (DOMAIN §9)."""

    finishing = "finishing"
    structural = "structural"
    envelope = "envelope"
    fluids = "fluids"
    electrical = "electrical"
    general = "general"


class Sector(Strict):
    """Sizing defaults for contracts whose CPV code starts with ``cpv_prefix``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    cpv_prefixes: list[Annotated[str, Field(pattern=r"^[0-9]{2,8}$")]] = Field(min_length=1)
    labour_share: float = Field(ge=0, le=1)
    labour_share_status: Status
    hourly_cost_eur: float = Field(gt=0)
    hourly_cost_status: Status
    insertion_rate: float = Field(ge=0, le=1)
    insertion_rate_status: Status
    sizing_method: Literal["general", "cleaning_branch"] = "general"
    # The works trade (planner.yaml), which decides whether a lot of it may be reserved.
    trade: Trade | None = None
    typical_structures: list[StructureKind] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)


class NatureDefault(Strict):
    labour_share: float = Field(ge=0, le=1)
    hourly_cost_eur: float = Field(gt=0)
    insertion_rate: float = Field(ge=0, le=1)
    status: Status
    sources: list[Source] = Field(min_length=1)


class CleaningMethod(Strict):
    floor_hours: int = Field(ge=0)
    sources: list[Source] = Field(min_length=1)


class Sizing(Strict):
    reviewed_on: dt.date
    hours_per_fte: int = Field(gt=0)
    hours_per_fte_source: Source
    labour_light_share: float = Field(ge=0, le=1, description="below: labour-light contract")
    low_hours: int = Field(ge=0, description="below: hours too low to be worth a clause")
    cleaning: CleaningMethod
    by_nature: dict[Literal["works", "supplies", "services"], NatureDefault]
    sectors: list[Sector] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> Sizing:
        missing = {"works", "supplies", "services"} - set(self.by_nature)
        if missing:
            raise ValueError(f"valeurs par défaut manquantes pour : {', '.join(sorted(missing))}")
        return self


Cpv8 = Annotated[str, Field(pattern=r"^[0-9]{8}$")]


class CpvFamily(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str


class CpvRange(Strict):
    """CPV codes from ``first`` to ``last`` inclusive, in the numeric order of the 8 digits."""

    first: Cpv8
    last: Cpv8
    label: str
    family: str | None = None
    status: Status

    def __contains__(self, code8: str) -> bool:
        return self.first <= code8 <= self.last


class CpvList(Strict):
    """A list of CPV codes: prefixes (a code and its children in the hierarchy), exact codes
    and inclusive ranges, e.g. the social and other specific services of annex XIV."""

    id: str
    title: str
    cpv_prefixes: list[Annotated[str, Field(pattern=r"^[0-9]{2,8}$")]] = Field(default_factory=list)
    codes: list[Cpv8] = Field(default_factory=list, description="exact codes, without children")
    ranges: list[CpvRange] = Field(default_factory=list)
    families: list[CpvFamily] = Field(default_factory=list)
    status: Status
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _not_empty(self) -> CpvList:
        if not (self.cpv_prefixes or self.codes or self.ranges):
            raise ValueError("la liste doit donner des préfixes, des codes ou des plages")
        return self

    def match(self, code8: str) -> CpvRange | str | None:
        """What puts ``code8`` on the list: its range, or the code or prefix; None if off it."""
        for cpv_range in self.ranges:
            if code8 in cpv_range:
                return cpv_range
        if code8 in self.codes:
            return code8
        return next((p for p in self.cpv_prefixes if code8.startswith(significant(p))), None)

    def family(self, family_id: str | None) -> CpvFamily | None:
        return next((f for f in self.families if f.id == family_id), None)


def significant(prefix: str) -> str:
    """A CPV code's place in the hierarchy: its digits before the trailing zeros (at least the
    two of the division), so that 45112700 covers 45112710 and 45000000 the whole division."""
    return prefix.rstrip("0").ljust(2, "0")


class CpvLists(Strict):
    reviewed_on: dt.date
    lists: list[CpvList] = Field(min_length=1)


class CompatibilityScope(StrEnum):
    """Where two selections of a buyer meet for a compatibility rule."""

    whole_contract = "whole_contract"  # both on the whole contract
    same_lot = "same_lot"  # both on at least one common lot
    whole_and_lots = "whole_and_lots"  # one on the whole contract, the other on some lots
    overlapping = "overlapping"  # any common ground: the whole contract or a common lot


MESSAGE_FIELDS = frozenset({"first", "second", "lots"})


class CompatibilityRule(Strict):
    """Two mechanisms of ``mechanisms`` may not be retained together within ``scope``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    mechanisms: list[MechanismId] = Field(min_length=1)
    against: list[MechanismId] = Field(
        default_factory=list,
        description="when given, the rule opposes ``mechanisms`` to these only",
    )
    scope: CompatibilityScope
    same_mechanism: bool = Field(
        default=False, description="the same mechanism twice within the scope conflicts too"
    )
    message: str = Field(
        min_length=20, description="French; {first}, {second}: the mechanisms' titles; {lots}"
    )
    statement: Statement

    def opposes(self, first: MechanismId, second: MechanismId) -> bool:
        """Whether a selection of ``first`` and one of ``second`` fall under the rule."""
        if self.against:
            return (first in self.mechanisms and second in self.against) or (
                first in self.against and second in self.mechanisms
            )
        if first is second and not self.same_mechanism:
            return False
        return first in self.mechanisms and second in self.mechanisms

    @model_validator(mode="after")
    def _pairs(self) -> CompatibilityRule:
        if self.against:
            return self
        if len(set(self.mechanisms)) < 2 and not self.same_mechanism:
            raise ValueError("une règle porte sur au moins deux mécanismes (ou same_mechanism)")
        return self


class Compatibility(Strict):
    reviewed_on: dt.date
    rules: list[CompatibilityRule] = Field(min_length=1)


class Ccag(Strict):
    """A CCAG of 2021 and its article « Clause d’insertion sociale », for the contracts it governs."""

    id: str = Field(pattern=r"^[A-Za-z]+$")
    short_title: str  # « CCAG-FCS »
    title: str
    insertion_article: str | None = Field(
        default=None,
        description="number of its article « Clause d’insertion sociale »; none: à vérifier",
    )
    natures: list[Literal["works", "supplies", "services"]] = Field(min_length=1)
    cpv_prefixes: list[Annotated[str, Field(pattern=r"^[0-9]{2,8}$")]] = Field(
        default_factory=list,
        description="the contracts it governs; none: the default for its natures",
    )
    status: Status
    sources: list[Source] = Field(min_length=1)


class LegalReferences(Strict):
    reviewed_on: dt.date
    references: list[LegalReference] = Field(min_length=1)
    ccags: list[Ccag] = Field(default_factory=list)

    def ccag_for(self, nature: str, cpv: str | None) -> Ccag | None:
        """The CCAG of a contract: the longest CPV prefix among its nature's, else the default."""
        candidates = [c for c in self.ccags if nature in c.natures]
        matching = [
            (len(prefix), c)
            for c in candidates
            for prefix in c.cpv_prefixes
            if cpv is not None and cpv.startswith(prefix)
        ]
        if matching:
            return max(matching, key=lambda pair: pair[0])[1]
        return next((c for c in candidates if not c.cpv_prefixes), None)


class Manifest(Strict):
    version: str = Field(pattern=r"^\d{4}\.\d{1,2}\.\d+$")
    title: str
    reviewed_on: dt.date


class Practice(Strict):
    """A regional good-practice sheet (front matter of a Markdown file; body is the sheet)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str
    region_codes: list[str] = Field(default_factory=list, description="INSEE codes; [] = theme")
    themes: list[str] = Field(min_length=1)
    mechanisms: list[MechanismId] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list, description="Sector ids of sizing.yaml")
    facts_year: int = Field(ge=2000, le=2100)
    summary: str
    sources: list[Source] = Field(min_length=1)
    reviewed_on: dt.date
    body: str = ""


class QualifiedTrade(Strict):
    """Work done by qualified, certified or regulated staff (DOMAIN §8, §9): an hours clause is
    at most « possible » there."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    why: str = Field(
        min_length=5, description="who does the work, after « main-d’œuvre qualifiée : »"
    )
    cpv_prefixes: list[Annotated[str, Field(pattern=r"^[0-9]{2,8}$")]] = Field(min_length=1)
    status: Status
    sources: list[Source] = Field(min_length=1)


class QualifiedLabour(Strict):
    reviewed_on: dt.date
    entries: list[QualifiedTrade] = Field(min_length=1)


class TradeRule(Strict):
    id: Trade
    label: str
    reservable: bool


PLANNER_STATEMENTS = frozenset(
    {
        "one_primary_lever",
        "max_default_reservations",
        "reservable_trades",
        "reserved_perimeter_condition",
    }
)


class PlannerRules(Strict):
    """How the default strategy is composed (``planner.yaml``, DOMAIN §9)."""

    reviewed_on: dt.date
    levers: list[Literal["insertion_services_contract", "reservation", "insertion_clause",
                         "other_social_condition"]] = Field(min_length=1)  # fmt: skip
    max_default_reservations: int = Field(ge=0)
    reservation_choice: Literal["smallest_annual_value"]
    reserved_perimeter_option: str
    trades: list[TradeRule] = Field(min_length=1)
    statements: dict[str, Statement]

    @model_validator(mode="after")
    def _complete(self) -> PlannerRules:
        missing = {t.value for t in Trade} - {t.id.value for t in self.trades}
        if missing:
            raise ValueError(f"métiers sans règle : {', '.join(sorted(missing))}")
        unknown = set(self.statements) ^ PLANNER_STATEMENTS
        if unknown:
            raise ValueError("énoncés attendus : " + ", ".join(sorted(PLANNER_STATEMENTS)))
        return self

    def trade(self, trade: Trade) -> TradeRule:
        return next(t for t in self.trades if t.id is trade)


class NoteText(Strict):
    """The French text of a reason or a warning of the advice (a Jinja template whose parameters
    are formatted by their type, as a clause's are), with sample values that check-library
    renders."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=5)
    parameters: dict[str, ParameterType] = Field(default_factory=dict)
    sample: dict[str, int | float | str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _samples(self) -> NoteText:
        if set(self.sample) != set(self.parameters):
            raise ValueError("sample doit donner une valeur par paramètre, et seulement eux")
        bare = re.sub(r"\{\{ ?[a-z][a-z0-9_]* ?\}\}", "", self.text)
        if "{{" in bare or "{%" in bare or "}}" in bare:
            raise ValueError("une note ne fait que substituer des noms : « {{ nom }} »")
        return self


CPV_CODE = r"^[0-9]{8}-[0-9]$"


class SearchTerm(Strict):
    """Words a buyer types and what they stand for in the nomenclature and the library."""

    id: str = Field(pattern=r"^[a-z_]+$")
    typed: list[str] = Field(min_length=1)
    means: list[str] = Field(min_length=1)
    cpv: list[Annotated[str, Field(pattern=CPV_CODE)]] = []


class SearchTerms(Strict):
    reviewed_on: dt.date
    terms: list[SearchTerm] = Field(min_length=1)


class Notes(Strict):
    reviewed_on: dt.date
    notes: list[NoteText] = Field(min_length=1)
