"""Property-based tests: over random valid profiles, the advisor keeps its contract."""

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clauses.advisor import Level, Regime, advise
from clauses.library import Library, load_library
from clauses.library.models import DecpSocial, MechanismId, ObligationId
from clauses.profile import BuyerKind, Nature, OfferLevel, parse_profile
from tests.conftest import AS_OF

LIBRARY: Library = load_library()
KNOWN_CPVS = (
    [p.ljust(8, "0") for s in LIBRARY.sizing.sectors for p in s.cpv_prefixes]
    + [p.ljust(8, "0") for lst in LIBRARY.cpv_lists.lists for p in lst.cpv_prefixes]
    + ["30213100", "79342000", "50000000"]
)

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
    advice = advise(parse_profile(data), LIBRARY, AS_OF)
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
    assert advice.recommendation(MechanismId.insertion_clause) is not None
    text = advice.model_dump_json().lower()
    assert "molière" not in text
