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


NBSP = "\u00a0"
NATURE_WORDS = {
    Nature.works: "travaux",
    Nature.supplies: "fournitures",
    Nature.services: "services",
}


def why_not(field: str, known: Known, library: Library) -> str:
    """Why the advice cannot depend on ``field`` for this tender, in French, to follow
    « Question non posée : » (the same predicates as :func:`reads`)."""
    if field in {"social_services", "insertion_contract"}:
        if known.nature is None:
            return (
                f"elle ne concerne que les marchés portant sur des services{NBSP}; choisissez "
                "d’abord la nature du marché"
            )
        return (
            "elle ne concerne que les marchés portant sur des services, pas sur des "
            f"{NATURE_WORDS[known.nature]}"
        )
    sector = library.sector_for(known.cpv)
    if field == "transferred_staff_monthly_hours":
        where = (
            f"le code CPV relève du secteur «{NBSP}{sector.label}{NBSP}»"
            if sector
            else "aucun code CPV de ce secteur n’est donné"
        )
        return f"elle ne sert qu’à la méthode de calcul de la branche propreté, et {where}"
    if field == "local_offer.disability":
        who = "des entreprises adaptées et des ESAT"
        if known.lot_cpvs:
            return (
                f"aucun lot ne relève d’une activité courante {who}{NBSP}: une réservation à "
                "leur profit ne s’y appliquerait pas"
            )
        if sector is None:
            return (
                f"elle ne se pose que si le code CPV désigne une activité courante {who}, qui "
                "pourrait leur être réservée, et aucun code CPV reconnu n’est donné"
            )
        return (
            f"le secteur «{NBSP}{sector.label}{NBSP}» n’est pas une activité courante {who}{NBSP}: "
            "une réservation à leur profit ne s’y appliquerait pas"
        )
    return "sa réponse ne changerait pas les conseils pour ce marché"
