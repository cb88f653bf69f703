"""L2112-2-1: a social consideration in the execution conditions, or a justified derogation."""

from __future__ import annotations

from clauses.advisor.model import Advice, ObligationResult
from clauses.library import Library
from clauses.library.models import MechanismId, ObligationId
from clauses.strategy.model import KEY, ResolvedMechanism, Strategy, StrategyError


def meeting_social_obligation(library: Library) -> frozenset[MechanismId]:
    """The mechanisms that meet L2112-2-1 (a social consideration in the execution conditions),
    as the library's obligation lists them."""
    return frozenset(
        m
        for o in library.obligations.obligations
        if o.id is ObligationId.social_consideration_above_eu_threshold
        for m in o.met_by
    )


def social_obligation(advice: Advice) -> ObligationResult | None:
    """L2112-2-1 when it applies to this tender."""
    return next(
        (
            o
            for o in advice.obligations
            if o.id is ObligationId.social_consideration_above_eu_threshold and o.applies
        ),
        None,
    )


def check_social_obligation(
    advice: Advice,
    strategy: Strategy,
    retained: list[ResolvedMechanism],
    library: Library,
    errors: list[StrategyError],
) -> None:
    """L2112-2-1: a social consideration in the execution conditions, or a justified
    derogation; a derogation where none is needed is refused, so no draft carries one."""
    obligation = social_obligation(advice)
    met = any(m.id in meeting_social_obligation(library) for m in retained)
    derogation = strategy.derogation
    key = f"{KEY}.derogation"
    if derogation is not None and (obligation is None or met):
        errors.append(
            StrategyError(
                key=key,
                message="sans objet : "
                + (
                    "l’obligation de L2112-2-1 ne s’applique pas à ce marché."
                    if obligation is None
                    else "une considération sociale est retenue dans les conditions d’exécution."
                ),
            )
        )
        return
    if obligation is None or met:
        return
    if derogation is None:
        errors.append(
            StrategyError(
                key=key,
                message="L2112-2-1 s’applique : retenez une considération sociale dans les "
                "conditions d’exécution (clause d’insertion ou autre condition sociale) ou "
                "justifiez la dérogation (motif et justification).",
            )
        )
        return
    grounds = obligation.derogation_grounds
    if grounds and derogation.ground.strip().casefold() not in {g.casefold() for g in grounds}:
        errors.append(
            StrategyError(
                key=f"{key}.ground",
                message="motif non reconnu ; motifs possibles : " + " ; ".join(grounds) + ".",
            )
        )
    if not derogation.justification.strip():
        errors.append(
            StrategyError(
                key=f"{key}.justification",
                message="justifiez la dérogation : ce texte figure au dossier (à vérifier).",
            )
        )
