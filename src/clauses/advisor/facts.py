"""What the rules read, and what they return.

:class:`Facts` is the profile plus what the advisor derived from it (procedure, obligation,
hours); :class:`Perimeter` is the whole contract or one lot — each lot is a separate contract, so
every test (labour share, floor, qualified labour, the trade a reservation needs) applies to it
alone (DOMAIN §9). A rule rates a mechanism on each perimeter (:class:`Rated`) and
:func:`recommendation` turns the ratings into the advice's :class:`Recommendation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from clauses import french
from clauses.advisor.hours import PerimeterHours, Sized
from clauses.advisor.model import (
    Exclusion,
    Level,
    LotAssessment,
    Note,
    Procedure,
    Recommendation,
    Regime,
    Sizing,
)
from clauses.library import Library
from clauses.library.formatting import render_note
from clauses.library.models import MechanismId, QualifiedTrade, Sector, TradeRule
from clauses.profile import Nature, TenderProfile

RANK = {Level.recommended: 2, Level.possible: 1, Level.discouraged: 0}


def note(
    library: Library,
    note_id: str,
    *,
    mechanism: MechanismId | None = None,
    lot: int | None = None,
    **parameters: int | float | str,
) -> Note:
    """A reason or warning of the advice, its French text taken from ``notes.yaml``."""
    text = render_note(library.notes[note_id], parameters)
    if "who" in parameters:  # « Lot 3 « … » : part de… », or « Part de… » for the whole contract
        text = text[:1].upper() + text[1:]
    return Note(note_id, text, mechanism, lot, parameters)


@dataclass(slots=True)
class Perimeter:
    """The whole contract (``number`` None) or one lot, with its own sector and hours; what the
    rules read hundreds of times is set once here. Not mutated."""

    hours_: PerimeterHours
    sector: Sector | None
    qualified: QualifiedTrade | None
    trade: TradeRule | None
    months: int
    labour_light: bool
    number: int | None
    title: str
    amount_eur: float
    hours: int
    labour_share: float
    name: str  # « Lot 3 « Peinture intérieure » », or « Le marché »
    who: str  # the head of a lot's note (« Lot 3 « Peinture » : »); "" for the whole contract
    sector_text: str  # « secteur « Peinture intérieure » »

    @classmethod
    def of(
        cls,
        h: PerimeterHours,
        sector: Sector | None,
        qualified: QualifiedTrade | None,
        trade: TradeRule | None,
        months: int,
        labour_light_share: float,
    ) -> Perimeter:
        name = "Le marché" if h.number is None else f"Lot {h.number} {french.quote(h.title)}"
        return cls(
            hours_=h,
            sector=sector,
            qualified=qualified,
            trade=trade,
            months=months,
            labour_light=h.rates.labour_share < labour_light_share,
            number=h.number,
            title=h.title,
            amount_eur=h.amount_eur,
            hours=h.hours,
            labour_share=h.rates.labour_share,
            name=name,
            who="" if h.number is None else f"{name} : ",
            sector_text=f"secteur « {sector.label} »" if sector else "secteur non identifié",
        )

    @property
    def annual_value_eur(self) -> float:
        """The amount a year: what structures must be able to carry (DOMAIN §9)."""
        return self.amount_eur * 12 / self.months


@dataclass(frozen=True)
class Facts:
    """What the rules read: the profile plus what the advisor derived from it."""

    profile: TenderProfile
    library: Library
    procedure: Procedure
    social_obligation: bool
    sized: Sized

    @property
    def regime(self) -> Regime:
        return self.procedure.regime

    @cached_property
    def perimeters(self) -> list[Perimeter]:
        library = self.library
        out = []
        for hours in self.sized.perimeters:
            sector = library.sector_for(hours.cpv)
            trade = sector.trade if sector else None
            out.append(
                Perimeter.of(
                    hours,
                    sector,
                    library.qualified_for(hours.cpv),
                    library.planner.trade(trade) if trade else None,
                    self.profile.duration_months,
                    library.sizing.labour_light_share,
                )
            )
        return out

    @property
    def has_lots(self) -> bool:
        return bool(self.profile.lots)

    @cached_property
    def insertion_services(self) -> bool:
        """The main CPV code is one whose object may be insertion (R2123-1 3°)."""
        return self.profile.nature is Nature.services and self.library.in_cpv_list(
            "insertion_services", self.profile.cpv
        )

    @cached_property
    def sector(self) -> Sector | None:
        return self.library.sector_for(self.profile.cpv)

    def note(
        self,
        note_id: str,
        mechanism: MechanismId | None = None,
        perimeter: Perimeter | None = None,
        **parameters: int | float | str,
    ) -> Note:
        return note(
            self.library,
            note_id,
            mechanism=mechanism,
            lot=perimeter.number if perimeter else None,
            **parameters,
        )


@dataclass(frozen=True)
class Rated:
    """A mechanism's level on one perimeter, with the reasons and what decided it."""

    perimeter: Perimeter
    level: Level
    notes: list[Note]
    cause: str = ""  # the id of the note that decided the level, for the planner's « why »
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What one rule says: a recommendation, or an exclusion, and the warnings it raises."""

    recommendation: Recommendation | None = None
    exclusion: Exclusion | None = None
    warnings: tuple[Note, ...] = field(default_factory=tuple)
    rated: tuple[Rated, ...] = ()
    sizing: Sizing | None = None  # the hours clause's: the advice's sizing


def best(levels: Sequence[Level]) -> Level:
    return max(levels, key=RANK.__getitem__)


def recommendation(
    facts: Facts,
    mechanism: MechanismId,
    rated: Sequence[Rated],
    *,
    notes: Sequence[Note] = (),
    level: Level | None = None,
    applies_to_lots: Sequence[int] | None = None,
    **extra: object,
) -> Recommendation:
    """The advice on ``mechanism`` from its ratings: the best level, the general ``notes`` then
    each perimeter's; with lots, the level on each lot."""
    content = facts.library.mechanisms[mechanism]
    lots = facts.has_lots
    all_notes = [*notes, *(n for r in rated for n in r.notes)]
    per_lot = (
        [
            LotAssessment(lot=r.perimeter.number, level=r.level, options=list(r.options))
            for r in rated
            if r.perimeter.number is not None
        ]
        if lots
        else []
    )
    if applies_to_lots is None:
        applies_to_lots = [
            r.perimeter.number
            for r in rated
            if r.perimeter.number is not None and r.level is not Level.discouraged
        ]
    return Recommendation(
        mechanism=mechanism,
        level=level or best([r.level for r in rated]),
        legal_basis=[b.article for b in content.legal_basis],
        former_legal_basis=list(dict.fromkeys(f for b in content.legal_basis for f in b.former)),
        reasons=[n.text for n in all_notes],
        title=content.title,
        notes=all_notes,
        per_lot=per_lot,
        applies_to_lots=list(applies_to_lots),
        **extra,
    )


def exclusion(facts: Facts, mechanism: MechanismId, notes: Sequence[Note]) -> Exclusion:
    content = facts.library.mechanisms[mechanism]
    return Exclusion(
        mechanism=mechanism,
        title=content.title,
        legal_basis=[b.article for b in content.legal_basis],
        reasons=[n.text for n in notes],
    )
