"""The plan (pure, no database): :func:`plan` builds the dossiers, which
:func:`clauses.demo.seed.seed` writes and ``bench/after.py`` reads in memory.

Each dossier takes an example, is launched on a day of its year, and is then as far in its life
as its dates say on ``as_of`` — a draft while its launch is to come, published until the
notification, awarded until the execution starts, in execution until the contract's duration has
run, then closed. Its answers are the wizard's (:mod:`clauses.demo.answers`), its snapshot is
:func:`clauses.lifecycle.publish`'s, its award the example's with its own ids, amounts, offers
and dates (:mod:`clauses.demo.awards`; the first of each example checked by
:func:`clauses.lifecycle.check_award`), and an executed contract has quarterly follow-up lines
of hours performed (:mod:`clauses.demo.followup`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from clauses.decp import DecpSchema
from clauses.demo import check_years
from clauses.demo.answers import Tender, examples, tender
from clauses.demo.awards import notified_span, vary_award
from clauses.demo.followup import add_months, followup_of
from clauses.demo.organisations import DemoOrganisation
from clauses.followup import FollowUp
from clauses.library import Library
from clauses.lifecycle import Published, check_award
from clauses.store.models import Role, Stage

DEFAULT_COUNT, DEFAULT_YEARS, DEFAULT_ORGANISATIONS = 10_000, 5, 3


@dataclass
class Move:
    on: dt.date
    action: str
    old: Stage
    new: Stage
    role: Role


@dataclass
class Planned:
    """One dossier as it will be written (and read by ``bench/after.py``)."""

    index: int
    organisation: int  # index in the demonstration organisations
    year: int
    title: str
    tender: Tender
    stage: Stage
    created_on: dt.date
    published: dict[str, Any] | None = None
    published_on: dt.date | None = None
    award: dict[str, Any] | None = None
    notified_on: dt.date | None = None
    notified_until: dt.date | None = None
    started_on: dt.date | None = None
    closed_on: dt.date | None = None
    followup: FollowUp = field(default_factory=FollowUp)
    moves: list[Move] = field(default_factory=list)

    @property
    def updated_on(self) -> dt.date:
        return self.moves[-1].on if self.moves else self.created_on


def years_until(until_year: int, years: int) -> list[int]:
    return list(range(until_year - years + 1, until_year + 1))


def plan(
    library: Library,
    *,
    count: int = DEFAULT_COUNT,
    years: Sequence[int],
    organisations: Sequence[DemoOrganisation],
    as_of: dt.date,
    seed: int = 13,
    schema: DecpSchema | None = None,
) -> Iterator[Planned]:
    """``count`` dossiers, as many in each year and each organisation (see the module's
    docstring). With ``schema``, the first award of each example is checked against it."""
    check_years(years, as_of)
    rng = random.Random(seed)
    shapes = examples()
    tenders: dict[tuple[str, int, int], Tender] = {}
    checked: set[str] = set()
    for n in range(count):
        year = years[n % len(years)]
        organisation = organisations[(n // len(years)) % len(organisations)]
        example = rng.choice(shapes)
        year_days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        launch = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(year_days))
        key = (example.name, year, launch.month)
        if key not in tenders:  # planned for the 15th of the month it is launched in
            tenders[key] = tender(example, dt.date(year, launch.month, 15), library, as_of)
        shape = tenders[key]
        earliest = max(dt.date(year, 1, 1), launch - dt.timedelta(days=90))
        latest = min(as_of, launch - dt.timedelta(days=15))
        if latest < earliest:
            latest = earliest = min(as_of, launch)
        created = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
        title = f"{shape.profile.title} – {year}-{n + 1:05d}"
        dossier = Planned(n, organisation.index, year, title, shape, Stage.draft, created)
        yield _lived(dossier, rng, library, organisation, launch, as_of, schema, checked)


def _lived(
    dossier: Planned,
    rng: random.Random,
    library: Library,
    organisation: DemoOrganisation,
    launch: dt.date,
    as_of: dt.date,
    schema: DecpSchema | None,
    checked: set[str],
) -> Planned:
    """The dossier as far in its life as its dates say on ``as_of``."""
    shape = dossier.tender
    if launch > as_of:
        return dossier
    dossier.stage = Stage.published
    dossier.published = {**shape.snapshot, "publication_date": launch.isoformat()}
    dossier.published_on = launch
    dossier.moves.append(Move(launch, "publication", Stage.draft, Stage.published, Role.acheteur))
    notified = launch + dt.timedelta(days=rng.randint(35, 110))
    if notified > as_of:
        return dossier
    reference = f"{dossier.year}-{dossier.index + 1:06d}"
    award = vary_award(shape.example.award, rng, reference, organisation.siret, notified, as_of)
    if schema is not None and shape.example.name not in checked:
        check_award(Published.from_json(dossier.published), award, library, schema, as_of)
        checked.add(shape.example.name)
    dossier.stage = Stage.awarded
    dossier.award = award
    dossier.notified_on, dossier.notified_until = notified_span(award)
    dossier.moves.append(
        Move(notified, "attribution", Stage.published, Stage.awarded, Role.acheteur)
    )
    start = notified + dt.timedelta(days=rng.randint(5, 45))
    if start > as_of:
        return dossier
    dossier.stage = Stage.in_execution
    dossier.started_on = start
    dossier.moves.append(
        Move(start, "début d’exécution", Stage.awarded, Stage.in_execution, Role.acheteur)
    )
    end = add_months(start, shape.profile.duration_months or 12) - dt.timedelta(days=1)
    dossier.followup = followup_of(shape, rng, library, start, as_of, end)
    if end >= as_of:
        return dossier
    closed = min(as_of, end + dt.timedelta(days=rng.randint(0, 60)))
    dossier.stage = Stage.closed
    dossier.closed_on = closed
    dossier.moves.append(Move(closed, "clôture", Stage.in_execution, Stage.closed, Role.referent))
    return dossier
