"""Property-based tests: over random valid profiles, the advisor keeps its contract."""

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clauses.advisor import Level, Regime, advise
from clauses.advisor.compatibility import Selection, conflicts
from clauses.advisor.reads import Known, reads
from clauses.library import Library, load_library
from clauses.library.models import DecpSocial, MechanismId, ObligationId
from clauses.profile import BuyerKind, Nature, OfferLevel, ProfileError, parse_profile
from tests.conftest import AS_OF

LIBRARY: Library = load_library()
KNOWN_CPVS = (
    [p.ljust(8, "0") for s in LIBRARY.sizing.sectors for p in s.cpv_prefixes]
    + [p.ljust(8, "0") for lst in LIBRARY.cpv_lists.lists for p in lst.cpv_prefixes]
    + [c for lst in LIBRARY.cpv_lists.lists for c in lst.codes]
    + [end for lst in LIBRARY.cpv_lists.lists for r in lst.ranges for end in (r.first, r.last)]
    + ["30213100", "79342000", "50000000", "80530000", "79713000", "45112710", "71000000"]
    # Works trades (finishing, structural, fluids, electrical) and qualified services.
    + ["45442100", "45262500", "45311000", "45330000", "45432000", "50750000", "71631300"]
    + ["85121270", "50320000", "71221000", "45111100"]
)
RESERVATIONS = {
    MechanismId.reserved_disability,
    MechanismId.reserved_insertion,
    MechanismId.reserved_both,
    MechanismId.reserved_prison,
    MechanismId.reserved_ess,
}

amounts = st.floats(min_value=0.01, max_value=50_000_000, allow_nan=False, allow_infinity=False)
shares = st.floats(min_value=0, max_value=1, allow_nan=False)
offers = st.sampled_from([o.value for o in OfferLevel])
lots = st.fixed_dictionaries(
    {"title": st.text(min_size=1, max_size=30).filter(str.strip), "estimated_amount_eur": amounts},
    optional={"cpv": st.sampled_from(KNOWN_CPVS), "labour_share": shares},
)
profiles = st.fixed_dictionaries(
    {
        "title": st.text(min_size=1, max_size=50).filter(str.strip),
        "nature": st.sampled_from([n.value for n in Nature]),
        "estimated_amount_eur": amounts,
        "duration_months": st.integers(min_value=1, max_value=120),
    },
    optional={
        "cpv": st.sampled_from(KNOWN_CPVS),
        "launch_date": st.dates(min_value=dt.date(2016, 4, 1), max_value=dt.date(2035, 12, 31)),
        "buyer_kind": st.sampled_from([b.value for b in BuyerKind]),
        "lots": st.lists(lots, max_size=6),
        "social_services": st.booleans(),
        "insertion_contract": st.booleans(),
        "labour_share": shares,
        "insertion_rate": shares,
        "hourly_cost_eur": st.floats(min_value=1, max_value=500, allow_nan=False),
        "transferred_staff_monthly_hours": st.floats(
            min_value=0, max_value=100_000, allow_nan=False
        ),
        "facilitator_available": st.booleans(),
        "local_offer": st.fixed_dictionaries(
            {}, optional={"insertion": offers, "disability": offers}
        ),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_advise_keeps_its_contract(data: dict[str, Any]) -> None:
    try:
        profile = parse_profile(data)
    except ProfileError as exc:
        # The only refusal of these generated facts: a contradiction the profile names.
        assert data["nature"] != "services"
        assert {e.field for e in exc.errors} <= {"social_services", "insertion_contract"}
        assume(False)
        return
    advice = advise(profile, LIBRARY, AS_OF)
    assert advice.insertion_hours >= 0
    assert advice.sizing.fte >= 0
    assert advice.procedure.regime in set(Regime)
    assert {o.id for o in advice.obligations} == set(ObligationId)
    for rec in advice.recommendations:
        assert rec.mechanism in set(MechanismId)
        assert rec.level in set(Level)
        assert rec.reasons
        assert all(lot.hours >= 0 for lot in rec.lots)
    ids = [r.mechanism for r in advice.recommendations]
    assert len(ids) == len(set(ids))
    social = advice.decp.considerationsSociales.considerationSociale
    assert social and set(social) <= {v.value for v in DecpSocial}
    if DecpSocial.none.value in social:
        assert social == [DecpSocial.none.value]
    excluded = {e.mechanism for e in advice.excluded}
    assert (advice.recommendation(MechanismId.insertion_clause) is not None) != (
        MechanismId.insertion_clause in excluded
    )
    text = advice.model_dump_json().lower()
    assert "molière" not in text

    # A mechanism the law excludes for the tender is never « recommandé » nor « possible »:
    # it is not among the recommendations at all.
    assert not excluded & set(ids)
    assert all(e.reasons and e.legal_basis for e in advice.excluded)
    # The default plan is one coherent set of levers (DOMAIN §9): at most one reservation, one
    # primary lever per perimeter, never an hours clause on a reserved perimeter, nothing the
    # advice does not offer, and no compatibility rule of the library broken.
    plan = advice.plan
    assert plan is not None
    planned = [m.id for m in plan.mechanisms]
    assert not excluded & set(planned) and set(planned) <= set(ids)
    reserved = [p for p in plan.perimeters for x in p.levers if x.mechanism in RESERVATIONS]
    assert len(reserved) <= LIBRARY.planner.max_default_reservations
    for perimeter in plan.perimeters:
        roles = [x.role for x in perimeter.levers]
        assert roles.count("primary") <= 1 and (not roles or roles[0] == "primary")
        levers = {x.mechanism for x in perimeter.levers}
        assert not (levers & set(RESERVATIONS) and MechanismId.insertion_clause in levers)
        for lever in perimeter.levers:
            assert lever.why
            if lever.role == "primary" and lever.mechanism in RESERVATIONS:
                found = advice.recommendation(lever.mechanism)
                assert found and found.level_on(perimeter.lot) is Level.recommended
    selections = [Selection(m.id, tuple(m.lots or ())) for m in plan.mechanisms]
    assert conflicts(selections, LIBRARY) == []
    # Lots the advice applies a mechanism to exist; the hours clause bears on lots with hours.
    count = len(profile.lots)
    assert all(1 <= n <= count for r in advice.recommendations for n in r.applies_to_lots)
    clause = advice.recommendation(MechanismId.insertion_clause)
    if clause and profile.lots:
        assert all(clause.lots[n - 1].hours > 0 for n in clause.applies_to_lots)
        assert advice.insertion_hours == sum(lot.hours for lot in clause.lots)
    # L2112-2-1: when it applies, met by a recommended mechanism, or derogation grounds shown.
    obligation = next(
        o
        for o in advice.obligations
        if o.id is ObligationId.social_consideration_above_eu_threshold
    )
    if obligation.applies:
        assert bool(obligation.met_by) != bool(obligation.derogation_grounds)
        assert all(advice.recommendation(m) for m in obligation.met_by)
    else:
        assert not obligation.met_by and not obligation.derogation_grounds
    # Never an award criterion for a purchase without procedure.
    if advice.procedure.regime is Regime.no_procedure:
        assert advice.recommendation(MechanismId.insertion_criterion) is None
        award = next(
            o for o in advice.obligations if o.id is ObligationId.environmental_award_criterion
        )
        assert not award.applies


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, st.sampled_from(["none", "many"]), st.floats(min_value=0, max_value=5_000))
def test_a_question_the_wizard_hides_cannot_change_the_advice(
    data: dict[str, Any], offer: str, staff_hours: float
) -> None:
    """The wizard hides what clauses.advisor.reads says the rules do not read: changing such an
    answer leaves the advice unchanged (one source for the rules and the questionnaire)."""
    try:
        profile = parse_profile(data)
    except ProfileError:
        assume(False)
        return
    known = Known(profile.nature, profile.cpv, tuple(lot.cpv for lot in profile.lots))
    advice = advise(profile, LIBRARY, AS_OF)
    if not reads("local_offer.disability", known, LIBRARY):
        other = {**data, "local_offer": {**data.get("local_offer", {}), "disability": offer}}
        assert advise(parse_profile(other), LIBRARY, AS_OF) == advice
    if not reads("transferred_staff_monthly_hours", known, LIBRARY):
        other = {**data, "transferred_staff_monthly_hours": staff_hours}
        assert advise(parse_profile(other), LIBRARY, AS_OF) == advice
