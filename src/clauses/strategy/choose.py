"""``choose(profile, advice, strategy, library)``: the buyer's decisions, checked and completed.

A pure function. What the buyer left out is filled from the advice (the planner's default
strategy: one coherent set of levers per lot, DOMAIN §9); what the buyer said is checked against the
advice (a mechanism the law excludes here, or the advice does not offer, is refused; a
« déconseillé » one is kept with its warning), against the tender (lot numbers), against the
library's compatibility rules (:func:`clauses.advisor.compatibility.conflicts`: exclusive
mechanisms and preconditions, not repeated here) and against L2112-2-1 (a social consideration
in the execution conditions, or a justified derogation). The result is a
:class:`ResolvedStrategy`, the drafter's only input of decisions, or the list of refusals, each
naming its key as DESIGN §3.4 does (``strategy.mechanisms[2].lots``, 1-based like the profile's
``lots[2].title``).

The checks live by what they check: :mod:`clauses.strategy.mechanisms`,
:mod:`clauses.strategy.hours`, :mod:`clauses.strategy.values` and
:mod:`clauses.strategy.obligation`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from clauses.advisor.advise import decp_social
from clauses.advisor.model import Advice
from clauses.library import Library
from clauses.profile import TenderProfile, describe_errors
from clauses.strategy.hours import hours_owed
from clauses.strategy.mechanisms import default_mechanisms, retained_mechanisms
from clauses.strategy.model import KEY, DraftValues, ResolvedStrategy, Strategy, StrategyError
from clauses.strategy.obligation import (
    check_social_obligation,
    meeting_social_obligation,
    social_obligation,
)
from clauses.strategy.values import check_parameters, check_texts

__all__ = [
    "KEY",
    "StrategyRefused",
    "choose",
    "default_mechanisms",
    "meeting_social_obligation",
    "parse_strategy",
    "resolve",
    "resolved_or_raise",
    "social_obligation",
]


def parse_strategy(data: Any) -> Strategy | list[StrategyError]:
    """The ``strategy`` key of a profile file or an API body, or its errors named from
    ``strategy`` (unknown keys, wrong types), worded like the profile's."""
    if data is None:
        return Strategy()
    if not isinstance(data, dict):
        return [StrategyError(key=KEY, message="objet attendu (clés et valeurs)")]
    try:
        return Strategy.model_validate(data)
    except ValidationError as exc:
        return [
            StrategyError(
                key=f"{KEY}.{e.field}" if e.field != "(profil)" else KEY, message=e.message
            )
            for e in describe_errors(exc)
        ]


def choose(
    profile: TenderProfile, advice: Advice, strategy: Strategy | None, library: Library
) -> ResolvedStrategy | list[StrategyError]:
    strategy = strategy or Strategy()
    errors: list[StrategyError] = []
    retained = retained_mechanisms(profile, advice, strategy, library, errors)
    hours = hours_owed(profile, advice, strategy, retained, errors)
    check_parameters(strategy, errors)
    check_texts(profile, strategy, errors)
    check_social_obligation(advice, strategy, retained, library, errors)
    if errors:
        return errors
    texts = {key: getattr(strategy, key) for key in DraftValues.model_fields}
    return ResolvedStrategy(
        **texts,
        mechanisms=retained,
        hours=hours,
        hours_override_reason=strategy.hours_override_reason if strategy.hours_override else None,
        penalty_eur_per_hour=strategy.penalty_eur_per_hour,
        facilitator=strategy.facilitator,
        ccap_article=strategy.ccap_article,
        derogation=strategy.derogation,
        decp_social=decp_social((m.id for m in retained), library),
        plan_notes=[n.text for n in advice.plan.notes]
        if advice.plan is not None and strategy.mechanisms is None
        else [],
    )


def resolve(
    profile: TenderProfile, advice: Advice, data: Any, library: Library
) -> ResolvedStrategy | list[StrategyError]:
    """:func:`choose` on the ``strategy`` key as given (a file's or a body's), parsed first."""
    strategy = parse_strategy(data)
    if isinstance(strategy, list):
        return strategy
    return choose(profile, advice, strategy, library)


class StrategyRefused(ValueError):
    """An inconsistent strategy, for the shells that stop on it (exit 2, HTTP 422)."""

    def __init__(self, errors: list[StrategyError]) -> None:
        self.errors = errors
        super().__init__("\n".join(f"{e.key} : {e.message}" for e in errors))


def resolved_or_raise(
    profile: TenderProfile, advice: Advice, data: Any, library: Library
) -> ResolvedStrategy:
    """:func:`resolve`, raising :class:`StrategyRefused` on errors."""
    resolved = resolve(profile, advice, data, library)
    if isinstance(resolved, list):
        raise StrategyRefused(resolved)
    return resolved
