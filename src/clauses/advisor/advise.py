"""``advise(profile, library, as_of)``: a pure function of the tender's facts and the library.

The orchestrator: the procedure and obligations of the launch date, the hours of each
perimeter, then each family of rules (:mod:`clauses.advisor.rules`) rates its mechanisms on every
perimeter, and the planner (:mod:`clauses.advisor.planner`) composes the default strategy from
those ratings. The obligations' « met by » and the open-data values follow the plan, not the
ratings taken alone. Nothing here reads a clock, a file or a database.
"""

from __future__ import annotations

import datetime as dt

from clauses import vocabulary
from clauses.advisor import hours as h
from clauses.advisor import obligations as ob
from clauses.advisor.facts import Facts, Outcome, note
from clauses.advisor.model import Advice, Note, ObligationResult, Sizing
from clauses.advisor.planner import plan
from clauses.advisor.procedure import procedure_for, procedure_warnings
from clauses.advisor.rules.hours_clause import insertion_clause, insertion_criterion
from clauses.advisor.rules.objects import allotment_notes, insertion_services_contract
from clauses.advisor.rules.reservations import reservation_outcomes
from clauses.advisor.rules.social import other_social_condition
from clauses.library import Library
from clauses.library.models import ObligationId
from clauses.profile import Nature, TenderProfile, cpv_nature

decp_social = ob.decp_social  # the strategy and the drafter declare what they retain with it


def advise(profile: TenderProfile, library: Library, as_of: dt.date) -> Advice:
    facts, obligations = _facts(profile, library, as_of)
    procedure = facts.procedure
    clause = insertion_clause(facts)
    reservations = list(reservation_outcomes(facts))
    outcomes: list[Outcome] = [
        clause,
        insertion_criterion(facts, clause),
        *reservations,
        insertion_services_contract(facts),
        other_social_condition(facts, clause, reservations),
    ]
    by_mechanism = {o.recommendation.mechanism: o for o in outcomes if o.recommendation is not None}
    planned = plan(facts, by_mechanism)
    retained = [m.id for m in planned.mechanisms]
    obligations = [ob.met_by(o, retained, library) for o in obligations]
    notes: list[Note] = [
        *_profile_warnings(profile, library),
        *procedure_warnings(profile, library, procedure),
        *allotment_notes(facts),
        *(w for o in outcomes for w in o.warnings),
        *ob.obligation_warnings(obligations, library),
    ]
    notes = list({n.text: n for n in notes}.values())
    recommendations = [o.recommendation for o in outcomes if o.recommendation is not None]
    sizing = _sizing(clause, facts)
    return Advice(
        library_version=library.version,
        as_of=as_of,
        procedure=procedure,
        obligations=obligations,
        recommendations=recommendations,
        insertion_hours=sizing.hours,
        decp=ob.decp(retained, obligations, library),
        warnings=[n.text for n in notes],
        sizing=sizing,
        excluded=[o.exclusion for o in outcomes if o.exclusion],
        notes=notes,
        plan=planned,
    )


def insertion_hours(profile: TenderProfile, library: Library, as_of: dt.date) -> int:
    """``advise(profile, library, as_of).insertion_hours``, without the rest of the advice (the
    other mechanisms, the plan, the obligations' « met by »): what an answer's effect on the
    hours is measured with (:mod:`clauses.questionnaire.explain`)."""
    facts, _ = _facts(profile, library, as_of)
    return _sizing(insertion_clause(facts), facts).hours


def _facts(
    profile: TenderProfile, library: Library, as_of: dt.date
) -> tuple[Facts, list[ObligationResult]]:
    """The facts every rule reads (the procedure and the hours of each perimeter among them),
    and the obligations of the launch date."""
    launch = profile.launch_on(as_of)
    procedure = procedure_for(profile, library, launch)
    obligations = [ob.obligation(o, procedure, launch) for o in library.obligations.obligations]
    social_obligation = next(
        o.applies
        for o in obligations
        if o.id is ObligationId.social_consideration_above_eu_threshold
    )
    facts = Facts(profile, library, procedure, social_obligation, h.size(profile, library))
    return facts, obligations


def _sizing(clause: Outcome, facts: Facts) -> Sizing:
    """The clause's sizing, or (no hours clause) the formula's with no perimeter kept."""
    return clause.sizing or h.sizing(facts.profile, facts.library, facts.sized, {})


def _profile_warnings(profile: TenderProfile, library: Library) -> list[Note]:
    """Facts that disagree without being contradictory enough to refuse the profile."""
    implied = cpv_nature(profile.cpv)
    if implied is None or (implied is Nature.works) == (profile.nature is Nature.works):
        return []
    key = "nature_not_works_cpv" if profile.nature is Nature.works else "nature_works_cpv"
    nature = vocabulary.NATURE_LABELS[profile.nature]
    return [note(library, key, cpv=profile.cpv or "", nature=nature)]
