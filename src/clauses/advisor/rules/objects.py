"""The contract's object: the insertion-services contract (R2123-1 3°), and allotment, which is a
fact of the profile — its lots — not a lever (DOMAIN §9): the advice only notes what the
consultation documents must then say."""

from __future__ import annotations

from clauses.advisor.facts import Facts, Outcome, Rated, recommendation
from clauses.advisor.model import Level, Note, Regime
from clauses.advisor.procedure import eu_period
from clauses.library.models import MechanismId
from clauses.profile import BuyerKind, Nature, OfferLevel

M = MechanismId


def insertion_services_contract(facts: Facts) -> Outcome:
    declared = facts.profile.insertion_contract
    if declared is False or not (declared or facts.insertion_services):
        return Outcome()
    threshold = eu_period(facts.library, facts.procedure.launch_date).social_services_eur
    n = facts.note
    notes = [
        n("insertion_contract_declared" if declared else "insertion_contract_possible",
          M.insertion_services_contract),
        n("insertion_contract_procedure", M.insertion_services_contract, threshold=threshold),
    ]  # fmt: skip
    warnings: tuple[Note, ...] = ()
    if facts.profile.buyer_kind is BuyerKind.region:
        warnings = (n("insertion_contract_region", M.insertion_services_contract),)
    whole = facts.perimeters if not facts.has_lots else []
    level = Level.recommended if declared else Level.possible
    return Outcome(
        recommendation=recommendation(
            facts,
            M.insertion_services_contract,
            [Rated(p, level, []) for p in whole],
            notes=notes,
            level=level,
            applies_to_lots=[],
        ),
        warnings=warnings,
    )


def allotment_notes(facts: Facts) -> list[Note]:
    """What an undivided contract's documents must say, and what a building's maîtrise
    d'œuvre never is (L2431-1, L2431-3)."""
    profile, n = facts.profile, facts.note
    if facts.has_lots or facts.regime is Regime.no_procedure:
        return []
    if facts.library.in_cpv_list("building_project_management", profile.cpv):
        return [n("project_management_whole")]
    out = []
    if facts.procedure.above_eu_threshold:
        out.append(n("non_allotment_motivation"))
    offer = profile.local_offer
    if profile.nature is Nature.works and OfferLevel.none not in (offer.insertion,):
        out.append(n("create_reserved_lot"))
    return out
