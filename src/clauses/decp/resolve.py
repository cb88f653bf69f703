"""The strategy a DECP export or a follow-up reads: :func:`clauses.strategy.choose.choose` on the
file's ``strategy`` key (absent: every « recommandé » mechanism of the advice), its refusals
reported as the profile's errors are (exit 2 naming ``strategy.…``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clauses.advisor.model import Advice
from clauses.decp.award import KEY, Award, future_dates, parse_award
from clauses.library import Library
from clauses.profile import FieldError, ProfileError, TenderProfile, parse_document
from clauses.strategy.choose import resolve
from clauses.strategy.model import ResolvedStrategy


def resolve_strategy(
    profile: TenderProfile, advice: Advice, library: Library, raw: Any
) -> ResolvedStrategy:
    """The strategy of ``raw`` (the ``strategy`` key, or None) resolved against the advice."""
    resolved = resolve(profile, advice, raw, library)
    if isinstance(resolved, list):
        raise ProfileError([FieldError(e.key, e.message) for e in resolved])
    return resolved


def contract_of(
    data: Any,
    library: Library,
    as_of: dt.date,
    *,
    today: dt.date,
    from_yaml: bool = False,
    max_errors: int | None = None,
) -> tuple[TenderProfile, Award, ResolvedStrategy]:
    """The profile, award and resolved strategy of a profile file's data (``clauses decp``) or
    an API body (``POST /api/v1/decp``): ProfileError naming each field otherwise (a date after
    ``today`` among them: the open data declares what has happened)."""
    from clauses.advisor import advise

    award_data = data.pop(KEY, None) if isinstance(data, dict) else None
    profile, others = parse_document(data, from_yaml=from_yaml, max_errors=max_errors)
    if award_data is None:
        raise ProfileError([FieldError(KEY, "clé manquante : données d’attribution du marché")])
    award = parse_award(award_data)
    future = future_dates(award, today)
    if future:
        raise ProfileError(future)
    advice = advise(profile, library, as_of)
    return profile, award, resolve_strategy(profile, advice, library, others.get("strategy"))
