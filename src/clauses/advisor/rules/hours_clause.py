"""The insertion hours clause (L2112-2) and the award criterion that scores it (R2152-7), rated
on each perimeter: the labour share, the cleaning floor, qualified labour and the hours are
tested lot by lot, never on the average of the lots (DOMAIN §9)."""

from __future__ import annotations

from clauses import french, vocabulary
from clauses.advisor import hours as h
from clauses.advisor.compatibility import lots_text
from clauses.advisor.facts import (
    Facts,
    Outcome,
    Perimeter,
    Rated,
    best,
    exclusion,
    recommendation,
)
from clauses.advisor.model import Level, Note, Regime, Sizing
from clauses.library.models import MechanismId
from clauses.profile import OfferLevel

M = MechanismId
CLAUSE = M.insertion_clause
CRITERION = M.insertion_criterion
# The library's notes (legal prose, case law) the criterion quotes: check-library verifies they
# exist, so that no case law is written in code.
CRITERION_NOTES = ("execution_only", "admitted", "combined", "not_this_contract")


def rate(facts: Facts, p: Perimeter) -> Rated:
    """The hours clause on one perimeter, with the note that decides its level."""
    lib, n = facts.library, facts.note
    floor = lib.sizing.cleaning.floor_hours
    common: dict[str, int | float | str] = {"who": p.who, "hours": p.hours}
    if p.hours_.below_floor:
        cause, level = "hours_below_floor", Level.discouraged
        found = n(cause, CLAUSE, p, floor=floor, **common)
    elif p.labour_light:
        cause, level = "hours_labour_light", Level.discouraged
        found = n(
            cause, CLAUSE, p, share=p.labour_share, light=lib.sizing.labour_light_share, **common
        )
    elif p.qualified:
        cause, level = "hours_qualified", Level.possible
        found = n(cause, CLAUSE, p, trade=p.qualified.label, why=p.qualified.why, **common)
    elif facts.regime is Regime.no_procedure:
        cause, level = "hours_no_procedure", Level.possible
        found = n(cause, CLAUSE, p, threshold=facts.procedure.no_procedure_threshold_eur, **common)
    elif p.hours < lib.sizing.low_hours:
        cause, level = "hours_low", Level.possible
        found = n(cause, CLAUSE, p, low=lib.sizing.low_hours, **common)
    elif facts.insertion_services and facts.profile.insertion_contract is None:
        cause, level = "hours_insertion_services", Level.possible
        found = n(cause, CLAUSE, p, **common)
    elif p.hours_.ratio is not None:  # a framework agreement: no fixed hours (issue 22)
        cause, level = "hours_recommended", Level.recommended
        found = n("hours_recommended_framework", CLAUSE, p, who=p.who, share=p.labour_share,
                  sector=p.sector_text)  # fmt: skip
    else:
        cause, level = "hours_recommended", Level.recommended
        found = n(cause, CLAUSE, p, share=p.labour_share, sector=p.sector_text, **common)
    notes = [found]
    if p.hours_.ratio is not None and level is not Level.discouraged:
        notes.append(framework_note(facts, p))
    return Rated(p, level, notes, cause=cause)


def framework_note(facts: Facts, p: Perimeter) -> Note:
    """A framework agreement's perimeter: its ratio per 1 000 € ordered, with its formula, and
    what it means at the minimum and at the maximum (issue 22)."""
    hp = p.hours_
    weighting = facts.sized.weighting if facts.sized.cleaning else None
    ratio = hp.ratio or 0.0
    return facts.note(
        "hours_framework",
        CLAUSE,
        p,
        who=p.who,
        ratio=f"{french.number(ratio, 2)}\u00a0heure{'s' if ratio >= 2 else ''}",
        formula=h.ratio_formula(hp.rates, weighting),
        at_minimum=hp.hours_at_minimum or 0,
        at_maximum=hp.hours,
    )


def insertion_clause(facts: Facts) -> Outcome:
    profile, lib = facts.profile, facts.library
    if profile.insertion_contract:
        return Outcome(exclusion=exclusion(facts, CLAUSE, [facts.note("hours_circular", CLAUSE)]))
    rated = [rate(facts, p) for p in facts.perimeters]
    # The hours the clause would owe: a lot where it is « déconseillé » is set aside (its hours
    # shown apart); an undivided contract keeps its hours unless under the cleaning floor, so
    # that a buyer who retains a « déconseillé » clause still knows what it would owe.
    kept = {
        r.perimeter.number: r.perimeter.hours
        for r in rated
        if r.level is not Level.discouraged
        or (not facts.has_lots and r.cause != "hours_below_floor")
    }
    sizing = h.sizing(profile, lib, facts.sized, kept)
    level = best([r.level for r in rated])
    notes: list[Note] = []
    warnings: list[Note] = []
    if facts.has_lots and level is Level.discouraged:
        notes.append(facts.note("hours_no_lot", CLAUSE))
    if level is not Level.discouraged and sizing.agreement is not None:
        notes.append(
            facts.note(
                "hours_framework_range",
                CLAUSE,
                at_minimum=sizing.agreement.hours_at_minimum,
                at_maximum=sizing.agreement.hours_at_maximum,
                fte=h.fte_text(sizing.agreement.hours_at_maximum, lib),
            )
        )
    elif level is not Level.discouraged:
        notes.append(
            facts.note(
                "hours_fte",
                CLAUSE,
                hours=sizing.hours,
                fte=h.fte_text(sizing.hours, lib),
                average=h.fte_average_text(sizing.hours, profile.duration_months, lib),
            )
        )
    if level is not Level.discouraged:
        if facts.social_obligation and level is Level.recommended:
            notes.append(facts.note("hours_meets_obligation", CLAUSE))
        if profile.facilitator_available is False:
            warnings.append(facts.note("no_facilitator", CLAUSE))
        elif profile.facilitator_available is None:
            notes.append(facts.note("check_facilitator", CLAUSE))
        if profile.local_offer.insertion is OfferLevel.none:
            warnings.append(facts.note("no_insertion_offer", CLAUSE))
        if sizing.defaults_to_adjust:
            names = ", ".join(vocabulary.PARAMETER_LABELS[p] for p in sizing.defaults_to_adjust)
            notes.append(facts.note("defaults_to_adjust", CLAUSE, names=names))
    low = [r for r in rated if r.cause == "hours_low"]
    for r in low:
        warnings.append(
            facts.note(
                "hours_low_warning",
                CLAUSE,
                r.perimeter,
                who=r.perimeter.who,
                hours=r.perimeter.hours,
                low=lib.sizing.low_hours,
            )
        )
    if not facts.has_lots and rated[0].cause == "hours_labour_light":
        warnings.append(facts.note("hours_labour_light_warning", CLAUSE, share=sizing.labour_share))
    if not facts.has_lots and rated[0].cause == "hours_below_floor":
        warnings.append(
            facts.note(
                "hours_below_floor_warning",
                CLAUSE,
                hours=rated[0].perimeter.hours,
                floor=lib.sizing.cleaning.floor_hours,
            )
        )
    lots = [h.lot_hours(r.perimeter.hours_, r.level is not Level.discouraged, lib) for r in rated]
    applies = [
        r.perimeter.number
        for r in rated
        if r.perimeter.number is not None and r.level is not Level.discouraged and r.perimeter.hours
    ]
    return Outcome(
        recommendation=recommendation(
            facts,
            CLAUSE,
            rated,
            notes=notes,
            level=level,
            applies_to_lots=applies,
            parameters=_hours_parameters(sizing),
            lots=lots if facts.has_lots else [],
        ),
        warnings=tuple(warnings),
        rated=tuple(rated),
        sizing=sizing,
    )


def _hours_parameters(s: Sizing) -> dict[str, int | float | str]:
    parameters: dict[str, int | float | str] = {"hours": s.hours}
    if s.agreement is not None:  # no fixed total: the ratio and what it means (issue 22)
        parameters = {
            "minimum_hours": s.agreement.hours_at_minimum,
            "maximum_hours": s.agreement.hours_at_maximum,
            "framework_formula": s.agreement.formula,
        }
        if s.agreement.hours_per_1000_eur is not None:
            parameters["hours_per_1000_eur"] = s.agreement.hours_per_1000_eur
    parameters |= {
        "labour_share": s.labour_share,
        "insertion_rate": s.insertion_rate,
        "hourly_cost_eur": s.hourly_cost_eur,
        "fte": s.fte,
        "method": s.method,
    }
    if s.fte_average is not None:
        parameters["fte_average"] = s.fte_average
    if s.transferred_staff_weighting is not None:
        parameters["transferred_staff_weighting"] = s.transferred_staff_weighting
    return parameters


def criterion_note(facts: Facts, key: str, p: Perimeter | None = None) -> Note:
    """A note of the criterion's own file (legal prose and case law, sourced there)."""
    statement = facts.library.mechanisms[CRITERION].notes[key]
    return Note(
        id=f"{CRITERION.value}.{key}",
        mechanism=CRITERION,
        lot=p.number if p else None,
        text=statement.text,
    )


def insertion_criterion(facts: Facts, clause: Outcome) -> Outcome:
    if facts.regime is Regime.no_procedure:
        return Outcome(
            exclusion=exclusion(facts, CRITERION, [facts.note("criterion_no_procedure")])
        )
    if clause.recommendation is None:  # an insertion contract: its award already judges it
        return Outcome()
    rated: list[Rated] = []
    for r in clause.rated:
        p = r.perimeter
        if p.labour_light or p.qualified:
            cause = (
                facts.note("cause_labour_light", share=p.labour_share)
                if p.labour_light
                else facts.note("cause_qualified", why=p.qualified.why if p.qualified else "")
            )
            rated.append(
                Rated(
                    p,
                    Level.discouraged,
                    [
                        facts.note(
                            "criterion_not_this_contract",
                            CRITERION,
                            p,
                            who=p.who,
                            cause=cause.text,
                            rule=criterion_note(facts, "not_this_contract").text,
                        )
                    ],
                )
            )
        elif r.level is not Level.discouraged:
            rated.append(Rated(p, Level.possible, []))
    if not rated:
        return Outcome()
    possible = [r for r in rated if r.level is Level.possible]
    notes = (
        [criterion_note(facts, "admitted"), criterion_note(facts, "combined")] if possible else []
    )
    if possible and facts.has_lots and len(possible) < len(facts.perimeters):
        on = lots_text([r.perimeter.number for r in possible if r.perimeter.number])
        notes.append(facts.note("criterion_lots", CRITERION, lots=on))
    return Outcome(
        recommendation=recommendation(facts, CRITERION, rated, notes=notes),
        warnings=(criterion_note(facts, "execution_only"),) if possible else (),
        rated=tuple(rated),
    )
