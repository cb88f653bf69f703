"""The default strategy as a facilitator composes it (DOMAIN §9), from the advice's ratings.

For each perimeter — the whole contract, or each lot, each a separate contract — one primary
lever, taken in the order of ``planner.yaml``'s ``levers``: the insertion contract itself, a
reservation (at most ``max_default_reservations``, on the perimeter a facilitator would pick:
the smallest annual value among those the advice rates « recommandé »), an hours clause, or
another social condition where hours do not fit. A reserved perimeter never carries an hours
clause; where L2112-2-1 applies it keeps a social condition that is not an hours total. The award
criterion is added only where it scores the hours clause of the same perimeter. Every lever says
why it was chosen over the others. Pure: the facts and the rules' outcomes in, the plan out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from clauses import vocabulary
from clauses.advisor.compatibility import lots_text
from clauses.advisor.facts import Facts, Outcome, Perimeter
from clauses.advisor.model import (
    Level,
    Note,
    Plan,
    PlannedLever,
    PlannedMechanism,
    PlannedPerimeter,
    Recommendation,
)
from clauses.advisor.rules.social import cause_note
from clauses.library.models import MechanismId

M = MechanismId
# Of the reservations a perimeter may take, the widest pool first (L2113-14 joins both sectors).
RESERVATIONS = (M.reserved_both, M.reserved_disability, M.reserved_insertion, M.reserved_prison,
                M.reserved_ess)  # fmt: skip
Role = Literal["primary", "criterion", "condition"]
# The order of the strategy's mechanisms list: who may bid, the award, the execution conditions.
ORDER = (M.insertion_services_contract, *RESERVATIONS, M.insertion_criterion, M.insertion_clause,
         M.other_social_condition)  # fmt: skip


@dataclass
class _Draft:
    """The levers chosen so far, perimeter by perimeter."""

    levers: dict[int | None, list[PlannedLever]] = field(default_factory=dict)
    primaries: dict[int | None, PlannedLever] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    def primary(self, p: Perimeter) -> PlannedLever | None:
        return self.primaries.get(p.number)

    def add(self, p: Perimeter, lever: PlannedLever) -> None:
        self.levers.setdefault(p.number, []).append(lever)
        if lever.role == "primary":
            self.primaries[p.number] = lever


def _lever(
    mechanism: MechanismId, role: Role, notes: list[Note], option: str | None = None
) -> PlannedLever:
    return PlannedLever(
        mechanism=mechanism,
        option=option,
        role=role,
        why=[n.text for n in notes],
        notes=notes,
    )


class _Planner:
    def __init__(self, facts: Facts, outcomes: Mapping[MechanismId, Outcome]) -> None:
        self.facts = facts
        self.outcomes = outcomes
        self.draft = _Draft()
        self.rules = facts.library.planner
        # Each mechanism's level on each perimeter, and the reservation a facilitator would
        # retain there, read many times.
        self.levels = {
            (m, r.perimeter.number): r.level
            for m, outcome in outcomes.items()
            for r in outcome.rated
        }
        self.reservable = {
            p.number: m
            for p in facts.perimeters
            if (m := next((m for m in RESERVATIONS if self.level(m, p) is Level.recommended), None))
        }

    def advice(self, mechanism: MechanismId) -> Recommendation | None:
        outcome = self.outcomes.get(mechanism)
        return outcome.recommendation if outcome else None

    def level(self, mechanism: MechanismId, p: Perimeter) -> Level | None:
        return self.levels.get((mechanism, p.number))

    def note(
        self, note_id: str, p: Perimeter | None = None, **parameters: int | float | str
    ) -> Note:
        return self.facts.note(note_id, None, p, **parameters)

    def run(self) -> Plan:
        steps = {
            "insertion_services_contract": self._insertion_services_contract,
            "reservation": self._reservation,
            "insertion_clause": self._insertion_clause,
            "other_social_condition": self._other_social_condition,
        }
        for lever in self.rules.levers:
            steps[lever]()
        self._reserved_conditions()
        self._criterion()
        self._unplanned()
        return self._plan()

    # The primary levers, in the order of planner.yaml ----------------------------------------

    def _insertion_services_contract(self) -> None:
        found = self.advice(M.insertion_services_contract)
        if found is None or found.level is not Level.recommended:
            return
        for p in self.facts.perimeters:
            if self.draft.primary(p) is None:
                why = self.note("plan_insertion_contract", p, who=p.who)
                self.draft.add(p, _lever(M.insertion_services_contract, "primary", [why]))

    def _reservation_on(self, p: Perimeter) -> MechanismId | None:
        """The reservation a facilitator would retain on ``p``: one rated « recommandé »."""
        return self.reservable.get(p.number)

    def _reservation(self) -> None:
        free = [p for p in self.facts.perimeters if self.draft.primary(p) is None]
        candidates = [(p, m) for p in free if (m := self._reservation_on(p)) is not None]
        candidates.sort(key=lambda pair: (pair[0].annual_value_eur, pair[0].number or 0))
        chosen = candidates[: self.rules.max_default_reservations]
        for p, mechanism in chosen:
            content = self.facts.library.mechanisms[mechanism]
            title = (
                f"aux {vocabulary.RESERVED_TO[mechanism.value]}, {content.legal_basis[0].article}"
            )
            notes = [
                self.note(
                    "plan_reserved" if p.number is not None else "plan_reserved_whole",
                    p,
                    who=p.who,
                    title=title,
                    annual=round(p.annual_value_eur),
                )
            ]
            if len(candidates) > 1:
                notes.append(self.note("plan_reserved_smallest", p))
            self.draft.add(p, _lever(mechanism, "primary", notes))
        others = [p.number for p, _ in candidates[len(chosen) :] if p.number is not None]
        if others:
            self.draft.notes.append(self.note("plan_other_reservable", lots=lots_text(others)))

    def _insertion_clause(self) -> None:
        reservable = self.reservable
        clause = self.outcomes.get(M.insertion_clause)
        rated = {r.perimeter.number: r for r in clause.rated} if clause else {}
        for p in self.facts.perimeters:
            if self.draft.primary(p) is not None:
                continue
            if self.level(M.insertion_clause, p) is not Level.recommended:
                continue
            notes = list(rated[p.number].notes)  # the labour share and the hours it gives
            if p.trade is not None and not p.trade.reservable:
                notes.append(self.note("plan_hours_trade", p, trade=p.trade.label))
            elif p.number in reservable:
                notes.append(self.note("plan_hours_one_reservation", p))
            elif any(self.level(m, p) is Level.possible for m in RESERVATIONS):
                notes.append(self.note("plan_hours_reservation_possible", p))
            self.draft.add(p, _lever(M.insertion_clause, "primary", notes))

    def _other_social_condition(self) -> None:
        found = self.advice(M.other_social_condition)
        for p in self.facts.perimeters:
            if self.draft.primary(p) is not None or found is None:
                continue
            if found.level_on(p.number) is not Level.recommended:
                continue
            option = self._option(found, p)
            if option is None:
                continue
            clause = self.outcomes.get(M.insertion_clause)
            rated = {r.perimeter.number: r for r in clause.rated} if clause else {}
            cause = cause_note(self.facts, rated[p.number].cause if p.number in rated else "", p)
            why = self.note(
                "plan_other_condition", p, who=p.who, option=option[1], cause=cause.text
            )
            self.draft.add(p, _lever(M.other_social_condition, "primary", [why], option[0]))

    def _option(self, found: Recommendation, p: Perimeter) -> tuple[str, str] | None:
        """The first option of the perimeter that is not reserved-only, with its title."""
        options = self.facts.library.mechanisms[M.other_social_condition].options
        by_id = {o.id: o for o in options}
        for option_id in found.options_on(p.number):
            option = by_id.get(option_id)
            if option is not None and not option.reserved_only:
                return option.id, option.title
        return None

    # What completes the primary levers -------------------------------------------------------

    def _reserved_conditions(self) -> None:
        """L2112-2-1 on a perimeter whose lever is not an execution condition (a reservation,
        the insertion contract): a social condition that is not an hours total is kept, the
        question whether the lever alone meets the obligation marked « à vérifier »."""
        found = self.advice(M.other_social_condition)
        if not self.facts.social_obligation or found is None:
            return
        options = {o.id: o for o in self.facts.library.mechanisms[M.other_social_condition].options}
        wanted = self.rules.reserved_perimeter_option
        for p in self.facts.perimeters:
            primary = self.draft.primary(p)
            if primary is None:
                continue
            if primary.mechanism in RESERVATIONS and wanted in found.options_on(p.number):
                option: str | None = wanted
                key = "plan_reserved_condition"
            elif primary.mechanism is M.insertion_services_contract:
                first = self._option(found, p)
                option = first[0] if first else None
                key = "plan_insertion_contract_condition"
            else:
                continue
            title = options[option].title if option else found.title
            why = self.note(key, p, who=p.who, option=title)
            self.draft.add(p, _lever(M.other_social_condition, "condition", [why], option))

    def _criterion(self) -> None:
        for p in self.facts.perimeters:
            primary = self.draft.primary(p)
            if primary is None or primary.mechanism is not M.insertion_clause:
                continue
            if self.level(M.insertion_criterion, p) is Level.recommended:
                why = self.note("plan_criterion", p, who=p.who)
                self.draft.add(p, _lever(M.insertion_criterion, "criterion", [why]))

    def _unplanned(self) -> None:
        if not self.facts.social_obligation:
            return
        bare = [p for p in self.facts.perimeters if not self.draft.levers.get(p.number)]
        if not bare:
            return
        if self.facts.has_lots:
            numbers = [p.number for p in bare if p.number is not None]
            self.draft.notes.append(self.note("plan_no_lever_lots", lots=lots_text(numbers)))
        else:
            self.draft.notes.append(self.note("plan_no_lever"))

    # The result ------------------------------------------------------------------------------

    def _plan(self) -> Plan:
        perimeters = [
            PlannedPerimeter(
                lot=p.number,
                title=p.title,
                estimated_amount_eur=p.amount_eur,
                annual_value_eur=round(p.annual_value_eur, 2),
                levers=self.draft.levers.get(p.number, []),
            )
            for p in self.facts.perimeters
        ]
        groups: dict[tuple[MechanismId, str | None], list[int]] = {}
        for p in self.facts.perimeters:
            for lever in self.draft.levers.get(p.number, []):
                numbers = groups.setdefault((lever.mechanism, lever.option), [])
                if p.number is not None:
                    numbers.append(p.number)
        mechanisms = [
            PlannedMechanism(
                id=mechanism,
                lots=sorted(numbers)
                if self.facts.has_lots and mechanism is not M.insertion_services_contract
                else None,
                option=option,
            )
            for (mechanism, option), numbers in sorted(
                groups.items(), key=lambda item: (ORDER.index(item[0][0]), item[0][1] or "")
            )
        ]
        return Plan(perimeters=perimeters, mechanisms=mechanisms, notes=self.draft.notes)


def plan(facts: Facts, outcomes: Mapping[MechanismId, Outcome]) -> Plan:
    return _Planner(facts, outcomes).run()
