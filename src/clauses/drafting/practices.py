"""Which good-practice sheets go with a tender, and why.

A sheet is attached only when it illustrates a mechanism retained for the tender or is about the
tender's sector; a sheet written for given sectors is never attached to a tender of another one
(no works sheet on a cleaning contract); a tender's sectors are its main one and its lots'. Among those, a sheet scores for each mechanism shared,
for the sector and for the buyer's region; the best two are attached, ties broken by sheet id
so that the same tender always gets the same sheets.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from clauses.drafting.regions import REGION_NAMES
from clauses.library import Library
from clauses.library.models import MechanismId, Practice

PRACTICES_ATTACHED = 2  # a sheet is one to two pages: two keep the draft short
MECHANISM_POINTS = 2
SECTOR_POINTS = 3
REGION_POINTS = 3


@dataclass(frozen=True)
class AttachedPractice:
    """A sheet attached to the draft, with the score and the sentence that explains the choice."""

    practice: Practice
    score: int
    reason: str


def choose_practices(
    library: Library,
    *,
    mechanisms: Collection[MechanismId],
    sectors: Collection[str],
    region_code: str | None,
    limit: int = PRACTICES_ATTACHED,
) -> list[AttachedPractice]:
    """``sectors``: the tender's, its main one first then its lots' (each lot is a trade)."""
    scored = []
    for practice in library.practices.values():
        shared = [m for m in practice.mechanisms if m in mechanisms]
        sector = next((s for s in sectors if s in practice.sectors), None)
        same_sector = sector is not None
        same_region = region_code is not None and region_code in practice.region_codes
        if practice.sectors and not same_sector:
            continue  # written for other trades
        if not shared and not same_sector:
            continue  # the region alone does not make a sheet relevant to this tender
        score = (
            MECHANISM_POINTS * len(shared)
            + (SECTOR_POINTS if same_sector else 0)
            + (REGION_POINTS if same_region else 0)
        )
        reason = _reason(
            library, shared, sector if same_sector else None, region_code if same_region else None
        )
        scored.append(AttachedPractice(practice, score, reason))
    scored.sort(key=lambda attached: (-attached.score, attached.practice.id))
    return scored[:limit]


def _reason(
    library: Library, shared: list[MechanismId], sector: str | None, region_code: str | None
) -> str:
    facts = []
    if region_code is not None:
        facts.append(f"concerne votre région ({REGION_NAMES.get(region_code, region_code)})")
    if sector is not None:
        label = library.sectors[sector].label if sector in library.sectors else sector
        facts.append(f"porte sur le secteur de ce marché ({label})")
    if shared:
        names = ", ".join(library.mechanisms[m].short_title for m in shared)
        facts.append(
            f"illustre {'les mécanismes retenus' if len(shared) > 1 else 'le mécanisme retenu'}"
            f" pour ce marché ({names})"
        )
    joined = facts[0] if len(facts) == 1 else ", ".join(facts[:-1]) + " et " + facts[-1]
    return f"Fiche jointe car elle {joined}."
