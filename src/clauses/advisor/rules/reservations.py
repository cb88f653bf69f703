"""Reserved contracts (L2113-12 to L2113-15), judged perimeter by perimeter (DOMAIN §9): the
trade must be one the structures practise — in works, a finishing or labour-intensive trade,
never a structural, envelope, fluids or electrical one — and the level follows the local offer,
never the amount. The reason shows the perimeter's annual value and asks the facilitator to
confirm that at least two structures can carry it."""

from __future__ import annotations

from collections.abc import Sequence

from clauses import vocabulary
from clauses.advisor.facts import Facts, Outcome, Perimeter, Rated, exclusion, recommendation
from clauses.advisor.model import Level, Note
from clauses.advisor.reads import DISABILITY_STRUCTURES, INSERTION_STRUCTURES, PRISON_STRUCTURES
from clauses.library.models import MechanismId, StructureKind
from clauses.profile import OfferLevel

M = MechanismId
RESERVATIONS = (M.reserved_disability, M.reserved_insertion, M.reserved_both, M.reserved_prison,
                M.reserved_ess)  # fmt: skip
# The local offer decides the level, never the amount (DOMAIN §9).
OFFER_LEVEL = {
    OfferLevel.many: Level.recommended,
    OfferLevel.some: Level.possible,
    OfferLevel.unknown: Level.possible,
    OfferLevel.none: Level.discouraged,
}


def of_kind(kind: str) -> str:
    """« de SIAE », « d’EA et d’ESAT »: the French elision before a vowel."""
    return " et ".join(
        f"d’{word}" if word[0] in "AEIOUaeiou" else f"de {word}" for word in kind.split(" et ")
    )


def fits(p: Perimeter, structures: frozenset[StructureKind]) -> bool:
    """The perimeter's trade is one the structures practise, and one that may be reserved."""
    if p.sector is None or not structures & set(p.sector.typical_structures):
        return False
    return p.trade is None or p.trade.reservable


def article(facts: Facts, mechanism: MechanismId) -> str:
    return facts.library.mechanisms[mechanism].legal_basis[0].article


def _fit_note(facts: Facts, mechanism: MechanismId, p: Perimeter, kind: str) -> Note:
    return facts.note(
        "reservation_fit",
        mechanism,
        p,
        who=p.who,
        kind=kind,
        sector=p.sector_text,
        amount=p.amount_eur,
        months=p.months,
        annual=round(p.annual_value_eur),
    )


def _reservation(
    facts: Facts,
    mechanism: MechanismId,
    rated: Sequence[Rated],
    *,
    notes: Sequence[Note] = (),
    warnings: Sequence[Note] = (),
) -> Outcome:
    """The advice to reserve every rated perimeter, even one whose level is discouraged (the
    level says so), under the mechanism's article."""
    return Outcome(
        recommendation=recommendation(
            facts,
            mechanism,
            rated,
            notes=notes,
            applies_to_lots=[r.perimeter.number for r in rated if r.perimeter.number is not None],
            parameters={"article": article(facts, mechanism)},
        ),
        warnings=tuple(warnings),
        rated=tuple(rated),
    )


def _reserved(
    facts: Facts, mechanism: MechanismId, structures: frozenset[StructureKind], offer: OfferLevel
) -> Outcome:
    fitting = [p for p in facts.perimeters if fits(p, structures)]
    if not fitting:
        return Outcome()
    kind = vocabulary.RESERVATION_KINDS[mechanism.value]
    level = OFFER_LEVEL[offer]
    rated = [Rated(p, level, [_fit_note(facts, mechanism, p, kind)]) for p in fitting]
    offer_text = vocabulary.OFFER_LABELS[offer]
    notes = [facts.note(f"reservation_offer_{offer.value}", mechanism, kind=of_kind(kind),
                        offer=offer_text)]  # fmt: skip
    warnings: list[Note] = []
    if offer is OfferLevel.none:
        warnings.append(
            facts.note(
                "reservation_no_offer",
                mechanism,
                article=article(facts, mechanism),
                kind=of_kind(kind),
            )
        )
    elif offer is not OfferLevel.many:
        warnings.append(facts.note("reservation_sourcing", mechanism, kind=of_kind(kind)))
    return _reservation(facts, mechanism, rated, notes=notes, warnings=warnings)


def reserved_disability(facts: Facts) -> Outcome:
    return _reserved(
        facts, M.reserved_disability, DISABILITY_STRUCTURES, facts.profile.local_offer.disability
    )


def reserved_insertion(facts: Facts) -> Outcome:
    return _reserved(
        facts, M.reserved_insertion, INSERTION_STRUCTURES, facts.profile.local_offer.insertion
    )


def reserved_both(facts: Facts, disability: Outcome, insertion: Outcome) -> Outcome:
    """Both sectors at once (L2113-14) where both fit: it widens the pool of structures."""
    insertion_by = {r.perimeter.number: r for r in insertion.rated}
    rated = []
    for d in disability.rated:
        i = insertion_by.get(d.perimeter.number)
        if i is None or Level.discouraged in (d.level, i.level):
            continue
        level = Level.recommended if d.level is i.level is Level.recommended else Level.possible
        rated.append(Rated(d.perimeter, level, []))
    if not rated:
        return Outcome()
    return _reservation(
        facts, M.reserved_both, rated, notes=[facts.note("reservation_both", M.reserved_both)]
    )


def reserved_prison(facts: Facts) -> Outcome:
    fitting = [p for p in facts.perimeters if fits(p, PRISON_STRUCTURES)]
    if not fitting:
        return Outcome()
    rated = [
        Rated(
            p,
            Level.possible,
            [facts.note("prison_fit", M.reserved_prison, p, who=p.who, sector=p.sector_text)],
        )
        for p in fitting
    ]
    return _reservation(
        facts, M.reserved_prison, rated, warnings=[facts.note("prison_offer", M.reserved_prison)]
    )


def reserved_ess(facts: Facts) -> Outcome:
    """Only the closed list of art. 77 of directive 2014/24, code by code, for at most three
    years; with lots, the lots whose code is on it."""
    months = facts.profile.duration_months
    limit = facts.library.mechanisms[M.reserved_ess].max_duration_months
    listed = [
        p for p in facts.perimeters if facts.library.in_cpv_list("ess_reservable", p.hours_.cpv)
    ]
    if not listed:
        cpv = facts.profile.cpv
        reason = (
            facts.note("ess_not_listed", M.reserved_ess, cpv=cpv)
            if cpv
            else facts.note("ess_no_cpv", M.reserved_ess)
        )
        return Outcome(exclusion=exclusion(facts, M.reserved_ess, [reason]))
    if limit is not None and months > limit:
        return Outcome(
            exclusion=exclusion(
                facts,
                M.reserved_ess,
                [facts.note("ess_too_long", M.reserved_ess, months=months, limit=limit)],
            )
        )
    rated = [
        Rated(
            p,
            Level.possible,
            [facts.note("ess_listed", M.reserved_ess, p, who=p.who, cpv=p.hours_.cpv or "")],
        )
        for p in listed
    ]
    return _reservation(
        facts, M.reserved_ess, rated, notes=[facts.note("ess_condition", M.reserved_ess)]
    )


def reservation_outcomes(facts: Facts) -> Sequence[Outcome]:
    disability = reserved_disability(facts)
    insertion = reserved_insertion(facts)
    return (
        disability,
        insertion,
        reserved_both(facts, disability, insertion),
        reserved_prison(facts),
        reserved_ess(facts),
    )
