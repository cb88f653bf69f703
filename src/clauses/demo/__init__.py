"""Demonstration data (``clauses seed``): organisations, accounts and dossiers built from the
examples — not part of the store, which it only writes to.

:mod:`clauses.demo.organisations` (who), :mod:`clauses.demo.answers` (the examples as the
wizard's answers), :mod:`clauses.demo.awards` and :mod:`clauses.demo.followup` (what a dossier's
life gives), :mod:`clauses.demo.plan` (the dossiers, no database), :mod:`clauses.demo.seed`
(writing them)."""

import datetime as dt
from collections.abc import Sequence


class SeedError(ValueError):
    """Seeding refused; the message is French."""


def check_years(years: Sequence[int], as_of: dt.date) -> None:
    """The years of the data end by ``as_of``'s year (:class:`SeedError` otherwise)."""
    if not years or max(years) > as_of.year:
        raise SeedError(f"les années doivent s’arrêter en {as_of.year} au plus tard.")
