"""Which profile fields the advisor reads, given what is known of the tender so far.

One source for the rules and the questionnaire: the predicates below are those the rules use
(:mod:`clauses.advisor.advise`, :mod:`clauses.advisor.hours`, :mod:`clauses.advisor.procedure`),
and the wizard asks a question marked ``ask_when`` only when :func:`reads` says its answer can
change the advice. Fields not listed here are read for every tender.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clauses.library import Library
from clauses.library.models import Sector, StructureKind
from clauses.profile import Nature

# Structures that can perform a reserved contract themselves (ETTI, AI and GEIQ place workers:
# they help fulfil an insertion clause rather than take a reserved contract).
INSERTION_STRUCTURES = frozenset({StructureKind.ei, StructureKind.aci})
DISABILITY_STRUCTURES = frozenset({StructureKind.ea, StructureKind.eatt, StructureKind.esat})
PRISON_STRUCTURES = frozenset({StructureKind.prison})


@dataclass(frozen=True)
class Known:
    """The facts a question's relevance depends on: nature, main CPV code, the lots' codes."""

    nature: Nature | None
    cpv: str | None
    lot_cpvs: tuple[str | None, ...] = ()


def is_cleaning(sector: Sector | None) -> bool:
    """The cleaning branch method sizes the hours (and reads the staff taken over)."""
    return sector is not None and sector.sizing_method == "cleaning_branch"


def fits(sector: Sector | None, structures: frozenset[StructureKind]) -> bool:
    """The sector's trade is one the structures practise: what a reservation needs, whatever
    the local offer (DOMAIN §8)."""
    return sector is not None and bool(structures & set(sector.typical_structures))


def fitting_lots(
    library: Library,
    cpv: str | None,
    lot_cpvs: Sequence[str | None],
    structures: frozenset[StructureKind],
) -> list[int]:
    """1-based numbers of the lots whose trade fits (a lot without a code has the main one's)."""
    return [
        number
        for number, lot_cpv in enumerate(lot_cpvs, 1)
        if fits(library.sector_for(lot_cpv or cpv), structures)
    ]


def reservation_applies(
    library: Library,
    cpv: str | None,
    lot_cpvs: Sequence[str | None],
    structures: frozenset[StructureKind],
) -> bool:
    """With lots, a lot fits; without, the contract's own sector fits."""
    if lot_cpvs:
        return bool(fitting_lots(library, cpv, lot_cpvs, structures))
    return fits(library.sector_for(cpv), structures)


CONDITIONAL: dict[str, Callable[[Known, Library], bool]] = {
    # Social and other specific services, and insertion contracts, are services only.
    "social_services": lambda known, _: known.nature is Nature.services,
    "insertion_contract": lambda known, _: known.nature is Nature.services,
    "transferred_staff_monthly_hours": lambda known, library: is_cleaning(
        library.sector_for(known.cpv)
    ),
    # The local SIAE offer is read by the hours clause too, for every tender: always asked.
    "local_offer.disability": lambda known, library: reservation_applies(
        library, known.cpv, known.lot_cpvs, DISABILITY_STRUCTURES
    ),
}


def reads(field: str, known: Known, library: Library) -> bool:
    """Whether the advice can depend on ``field`` (dotted) for a tender known this far."""
    condition = CONDITIONAL.get(field)
    return condition is None or condition(known, library)
