"""What every section reads: the tender, its advice, strategy and library (:class:`Context`),
the section ids and titles, and the order the retained mechanisms are written in."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from clauses import french
from clauses.advisor.model import Advice, Recommendation
from clauses.drafting.practices import AttachedPractice
from clauses.drafting.sanitize import one_line
from clauses.library import Library
from clauses.library.models import Ccag, MechanismId
from clauses.profile import TenderProfile
from clauses.strategy.model import ResolvedMechanism, ResolvedStrategy

SECTION_IDS = ("summary", "rc", "ccap", "annexes", "practices", "references")
SECTION_TITLES = {
    "summary": "Synthèse",
    "rc": "Extrait pour l’avis et le règlement de la consultation",
    "ccap": "Extrait du CCAP",
    "annexes": "Annexes",
    "practices": "Fiches de bonnes pratiques",
    "references": "Références juridiques citées",
}

M = MechanismId
RESERVATIONS = (M.reserved_disability, M.reserved_insertion, M.reserved_both, M.reserved_prison,
                M.reserved_ess)  # fmt: skip
# The order a buyer reads the consultation rules in: who may bid, the object, the lots, the
# award, then the execution conditions.
DOCUMENT_ORDER = (*RESERVATIONS, M.insertion_services_contract, M.insertion_criterion,
                  M.insertion_clause, M.other_social_condition)  # fmt: skip


@dataclass
class Context:
    """What every section reads; ``messages`` collects notes for the caller."""

    profile: TenderProfile
    library: Library
    advice: Advice
    strategy: ResolvedStrategy
    title: str  # the tender's title, sanitised
    practices: list[AttachedPractice]
    messages: list[str] = field(default_factory=list)

    @cached_property
    def retained(self) -> list[ResolvedMechanism]:
        """What the strategy retains, in the order of the documents (« Autre condition sociale »
        once per option)."""
        order = {m: i for i, m in enumerate(DOCUMENT_ORDER)}
        kept = [m for m in self.strategy.mechanisms if m.id in order]
        return sorted(kept, key=lambda m: order[m.id])

    def is_retained(self, mechanism: MechanismId) -> bool:
        return self.strategy.retained(mechanism) is not None

    def recommendation(self, mechanism: MechanismId) -> Recommendation | None:
        return self.advice.recommendation(mechanism)

    @cached_property
    def lot_titles(self) -> list[str]:
        return [one_line(lot.title) or f"lot {n}" for n, lot in enumerate(self.profile.lots, 1)]

    def lot_label(self, number: int) -> str:
        """« lot n° 3 « Peinture intérieure » »."""
        return f"lot n° {number} {french.quote(self.lot_titles[number - 1])}"

    def lots_label(self, numbers: list[int]) -> str:
        """« lot n° 3 « A » », « lots n° 1 « A », n° 2 « B » et n° 5 « C » »."""
        if len(numbers) == 1:
            return self.lot_label(numbers[0])
        labels = [f"n° {n} {french.quote(self.lot_titles[n - 1])}" for n in numbers]
        return "lots " + ", ".join(labels[:-1]) + " et " + labels[-1]

    @cached_property
    def ccag(self) -> Ccag | None:
        return self.library.legal.ccag_for(self.profile.nature.value, self.profile.cpv)

    @cached_property
    def facilitator(self) -> str | None:
        f = self.strategy.facilitator
        parts = [] if f is None else [f.name, f.organisation, f.phone, f.email]
        text = ", ".join(one_line(p) for p in parts if p and one_line(p))
        return text or None
