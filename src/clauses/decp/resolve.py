"""The strategy a DECP export or a follow-up reads: :func:`clauses.strategy.choose.choose` on the
file's ``strategy`` key (absent: every « recommandé » mechanism of the advice), its refusals
reported as the profile's errors are (exit 2 naming ``strategy.…``)."""

from __future__ import annotations

from typing import Any

from clauses.advisor.model import Advice
from clauses.library import Library
from clauses.profile import FieldError, ProfileError, TenderProfile
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
