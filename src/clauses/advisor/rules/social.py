"""Other social execution conditions (L2112-2): the library's options that fit each perimeter —
the lever where hours do not fit (qualified labour, little labour, few hours, an insertion
contract), and on a reserved perimeter the condition that is not an hours total (DOMAIN §9)."""

from __future__ import annotations

from clauses.advisor.facts import Facts, Outcome, Perimeter, Rated, recommendation
from clauses.advisor.model import Level, Note, Regime
from clauses.library.models import MechanismId, SocialOption

M = MechanismId
OTHER = M.other_social_condition
# What the clause's deciding note means, as the cause of another condition.
CAUSES = {
    "hours_below_floor": "cause_below_floor",
    "hours_labour_light": "cause_labour_light",
    "hours_qualified": "cause_qualified",
    "hours_no_procedure": "cause_no_procedure",
    "hours_low": "cause_low_hours",
    "hours_insertion_services": "cause_insertion_services",
}


def options_for(facts: Facts, p: Perimeter, reserved: bool) -> list[SocialOption]:
    """The options that fit the perimeter's nature and sector, the sector's own first; on a
    perimeter a reservation fits, the reserved-only ones too."""
    sector = p.sector.id if p.sector else None
    nature = p.hours_.nature.value
    fitting = [
        o
        for o in facts.library.mechanisms[OTHER].options
        if nature in o.natures
        and (not o.sectors or sector in o.sectors)
        and sector not in o.not_sectors
        and (reserved or not o.reserved_only)
    ]
    return sorted(fitting, key=lambda o: (o.reserved_only, not o.sectors))


def cause_note(facts: Facts, cause: str, p: Perimeter) -> Note:
    """Why hours do not fit a perimeter, as a phrase (« main-d’œuvre qualifiée (…) »)."""
    match CAUSES.get(cause):
        case "cause_qualified":
            return facts.note("cause_qualified", why=p.qualified.why if p.qualified else "")
        case "cause_labour_light":
            return facts.note("cause_labour_light", share=p.labour_share)
        case "cause_below_floor" | "cause_low_hours" as key:
            return facts.note(key, hours=p.hours)
        case "cause_no_procedure" | "cause_insertion_services" as key:
            return facts.note(key)
    return facts.note("cause_insertion_contract")


def option_note(option: SocialOption) -> Note:
    return Note(
        id=f"{OTHER.value}.option.{option.id}",
        mechanism=OTHER,
        parameters={"option": option.id},
        text=f"Option « {option.title} » : {option.summary}",
    )


def other_social_condition(facts: Facts, clause: Outcome, reservations: list[Outcome]) -> Outcome:
    if facts.regime is Regime.no_procedure and not facts.social_obligation:
        return Outcome()
    clause_by = {r.perimeter.number: r for r in clause.rated}
    reservable = {r.perimeter.number for o in reservations for r in o.rated}
    rated: list[Rated] = []
    fitting: dict[tuple[object, ...], list[SocialOption]] = {}  # lots often share their trade
    for p in facts.perimeters:
        reserved = p.number in reservable
        key = (p.hours_.nature, p.sector.id if p.sector else None, reserved)
        options = fitting.get(key) or fitting.setdefault(key, options_for(facts, p, reserved))
        if not options:
            continue
        hours = clause_by.get(p.number)
        ids = tuple(o.id for o in options)
        if hours is not None and hours.level is Level.recommended:
            rated.append(Rated(p, Level.possible, [], options=ids))
            continue
        cause = cause_note(facts, hours.cause if hours else "", p)
        level = Level.recommended if facts.social_obligation else Level.possible
        why = facts.note("social_condition_instead", OTHER, p, who=p.who, cause=cause.text)
        rated.append(Rated(p, level, [why], cause=cause.id, options=ids))
    if not rated:
        return Outcome()
    offered_ids = {o for r in rated for o in r.options}
    offered = [o for o in facts.library.mechanisms[OTHER].options if o.id in offered_ids]
    notes = []
    if any(r.level is Level.recommended for r in rated):
        notes.append(facts.note("social_condition_obligation", OTHER))
    else:
        notes.append(facts.note("social_condition_possible", OTHER))
    notes += [option_note(o) for o in offered]
    notes.append(facts.note("social_condition_link", OTHER))
    return Outcome(
        recommendation=recommendation(
            facts,
            OTHER,
            rated,
            notes=notes,
            parameters={"options": ",".join(o.id for o in offered)},
        ),
        rated=tuple(rated),
    )
