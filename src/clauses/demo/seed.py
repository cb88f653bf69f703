"""Demonstration data written: :func:`seed` writes a plan (:func:`clauses.demo.plan.plan`, the
dossiers built from the examples): the organisations (:mod:`clauses.demo.organisations`), one
admin, one referent and one acheteur account in each, the dossiers, one audit row per move, the
follow-up lines and (given the DECP schema) what the reports read of each awarded dossier
(:mod:`clauses.store.reports`), by ``executemany`` in one transaction, then the tables'
statistics (``ANALYZE``; ``VACUUM ANALYZE`` on PostgreSQL). A database that already holds
demonstration organisations is refused unless ``replace`` (they are then deleted first, with
their dossiers and accounts).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlmodel import Session, SQLModel, col

from clauses.decp import DecpSchema
from clauses.decp.identifiers import luhn_ok
from clauses.demo import SeedError, check_years
from clauses.demo.answers import examples, tender
from clauses.demo.organisations import (
    DEMO_DOMAIN,
    DEMO_SIREN_PREFIX,
    DEMO_SUFFIX,
    ROLES,
    DemoOrganisation,
    demo_organisations,
)
from clauses.demo.plan import (
    DEFAULT_COUNT,
    DEFAULT_ORGANISATIONS,
    DEFAULT_YEARS,
    Planned,
    plan,
    years_until,
)
from clauses.followup import HoursRecord
from clauses.library import Library
from clauses.lifecycle import Published
from clauses.store import accounts, reports, stages
from clauses.store.db import writing
from clauses.store.models import (
    ROLE_LABELS,
    STAGE_LABELS,
    AuditEvent,
    Dossier,
    DossierStatus,
    FollowupEntry,
    FollowupKind,
    Membership,
    Organisation,
    Role,
    Stage,
    User,
)

# The names the CLI, the tests and the bench read from here.
__all__ = [
    "DEFAULT_COUNT",
    "DEFAULT_ORGANISATIONS",
    "DEFAULT_YEARS",
    "DEMO_SIREN_PREFIX",
    "ROLES",
    "SeedError",
    "Seeded",
    "demo_organisations",
    "examples",
    "luhn_ok",
    "plan",
    "seed",
    "tender",
    "years_until",
]

BATCH = 1000  # rows per executemany


@dataclass
class Seeded:
    organisations: list[DemoOrganisation]
    emails: list[str]
    dossiers: int
    followup_lines: int
    by_stage: Counter[Stage]


def demo_in(session: Session) -> tuple[list[Organisation], int]:
    """The demonstration organisations already in the database, and their dossiers' count."""
    found = list(
        session.execute(
            select(Organisation).where(col(Organisation.siret).startswith(DEMO_SIREN_PREFIX))
        ).scalars()
    )
    ids = [o.id for o in found]
    dossiers = session.execute(
        select(func.count()).select_from(Dossier).where(col(Dossier.organisation_id).in_(ids))
    ).scalar_one()
    return found, int(dossiers)


def _remove(session: Session, found: list[Organisation]) -> None:
    """The demonstration organisations with their dossiers (their documents, grants, comments
    and invitations go with them: ON DELETE CASCADE), trail and follow-up lines, and every
    account of the demonstration domain (their memberships go with them)."""
    ids = [o.id for o in found]
    session.execute(delete(FollowupEntry).where(col(FollowupEntry.organisation_id).in_(ids)))
    session.execute(delete(AuditEvent).where(col(AuditEvent.organisation_id).in_(ids)))
    session.execute(delete(Dossier).where(col(Dossier.organisation_id).in_(ids)))
    session.execute(delete(User).where(col(User.email).endswith(f"@{DEMO_DOMAIN}")))
    session.execute(delete(Membership).where(col(Membership.organisation_id).in_(ids)))
    session.execute(delete(Organisation).where(col(Organisation.id).in_(ids)))


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randrange(60)), dt.UTC)


def seed(
    session: Session,
    library: Library,
    *,
    password: str,
    count: int = DEFAULT_COUNT,
    years: Sequence[int],
    organisations: int = DEFAULT_ORGANISATIONS,
    as_of: dt.date,
    seed_value: int = 13,
    replace: bool = False,
    schema: DecpSchema | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Seeded:
    """Write the plan in one transaction (see the module's docstring)."""
    accounts.check_password(password)
    check_years(years, as_of)
    demos = demo_organisations(organisations)
    with writing(session):
        found, held = demo_in(session)
        taken = session.execute(
            select(col(User.email)).where(col(User.email).endswith(f"@{DEMO_DOMAIN}"))
        ).scalars()
        taken_emails = list(taken)
        if (found or taken_emails) and not replace:
            raise SeedError(
                f"la base contient déjà des données de démonstration ({len(found)} "
                f"organisation(s), {held} dossier(s), {len(taken_emails)} compte(s)) : "
                "relancez avec --replace pour les remplacer."
            )
        if found or taken_emails:
            _remove(session, found)
        organisation_ids, users = _accounts(session, demos, password)
        planned = plan(
            library,
            count=count,
            years=years,
            organisations=demos,
            as_of=as_of,
            seed=seed_value,
            schema=schema,
        )
        lines, by_stage = _dossiers(
            session,
            library,
            planned,
            organisation_ids,
            users,
            count=count,
            as_of=as_of,
            rng=random.Random(seed_value + 1),  # ids and hours of the day, apart from the plan
            schema=schema,
            progress=progress,
        )
        session.commit()
    analyse(session)
    emails = [demo.email(role) for demo in demos for role in ROLES]
    return Seeded(demos, emails, count, lines, by_stage)


SEEDED_TABLES = (
    "dossier",
    "audit_event",
    "followup_entry",
    "followup_people",
    "contract_figures",
    "declared_contract",
)


def analyse(session: Session) -> None:
    """Statistics of the tables just filled, for the query planner (and, on PostgreSQL, the
    visibility map: a vacuum, which autovacuum would otherwise run during the first reports)."""
    engine = session.get_bind().engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text(f"VACUUM ANALYZE {', '.join(SEEDED_TABLES)}"))
    else:
        with writing(session):
            session.execute(text("ANALYZE"))
            session.commit()


def _accounts(
    session: Session, demos: list[DemoOrganisation], password: str
) -> tuple[dict[int, uuid.UUID], dict[tuple[int, Role], tuple[uuid.UUID, str]]]:
    """The organisations and their three accounts: each organisation's id, each account's id
    and e-mail by organisation and role."""
    organisation_ids: dict[int, uuid.UUID] = {}
    users: dict[tuple[int, Role], tuple[uuid.UUID, str]] = {}
    # One hash for all: the accounts share the password given (and say so), and an Argon2
    # hash costs about 50 ms.
    password_hash = accounts.hash_password(password)
    for demo in demos:
        organisation = Organisation(name=demo.name, siret=accounts.check_siret(demo.siret))
        session.add(organisation)
        organisation_ids[demo.index] = organisation.id
        for role in ROLES:
            user = User(
                email=accounts.normalise_email(demo.email(role)),
                given_name=ROLE_LABELS[role].capitalize(),
                usual_name=demo.name.removesuffix(DEMO_SUFFIX),
                password_hash=password_hash,
            )
            session.add(user)
            users[(demo.index, role)] = (user.id, user.email)
    session.flush()  # no relationships: the memberships once their rows exist
    session.add_all(
        Membership(user_id=user_id, organisation_id=organisation_ids[index], role=role)
        for (index, role), (user_id, _) in users.items()
    )
    session.flush()
    return organisation_ids, users


def _dossier_row(
    dossier: Planned, organisation_id: uuid.UUID, author_id: uuid.UUID, rng: random.Random
) -> dict[str, Any]:
    created = _at(dossier.created_on, rng)
    updated = _at(dossier.updated_on, rng) if dossier.moves else created
    return {
        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
        "title": dossier.title,
        "status": DossierStatus.draft.value,
        "answers": dossier.tender.answers,
        "strategy": None,
        "version": 1 + len(dossier.moves),
        "created_at": created,
        "updated_at": max(created, updated),
        "organisation_id": organisation_id,
        "author_id": author_id,
        "stage": dossier.stage.value,
        "published": dossier.published,
        "award": dossier.award,
        "published_on": dossier.published_on,
        "notified_on": dossier.notified_on,
        "notified_until": dossier.notified_until,
        "started_on": dossier.started_on,
        "closed_on": dossier.closed_on,
    }


def _dossiers(
    session: Session,
    library: Library,
    planned: Iterable[Planned],
    organisation_ids: dict[int, uuid.UUID],
    users: dict[tuple[int, Role], tuple[uuid.UUID, str]],
    *,
    count: int,
    as_of: dt.date,
    rng: random.Random,
    schema: DecpSchema | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[int, Counter[Stage]]:
    """The dossiers, their audit rows and their follow-up lines, ``BATCH`` at a time."""
    connection = session.connection()
    by_stage: Counter[Stage] = Counter()
    lines = 0
    dossiers: list[dict[str, Any]] = []
    trail: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []

    figures: list[dict[str, Any]] = []
    contracts: list[dict[str, Any]] = []
    people: list[list[dict[str, Any]]] = []  # each entry's people, in the entries' order

    def flush() -> None:
        for table, rows in (
            ("dossier", dossiers),
            ("audit_event", trail),
            ("contract_figures", figures),
            ("declared_contract", contracts),
        ):
            if rows:
                connection.execute(insert(SQLModel.metadata.tables[table]), rows)
                rows.clear()
        if entries:
            lines = SQLModel.metadata.tables["followup_entry"]
            ids = connection.execute(
                insert(lines).returning(lines.c.id, sort_by_parameter_order=True), entries
            ).scalars()
            counted = [
                {"entry_id": entry_id, **each}
                for entry_id, declared in zip(ids, people, strict=True)
                for each in declared
            ]
            if counted:
                connection.execute(insert(SQLModel.metadata.tables["followup_people"]), counted)
            entries.clear()
            people.clear()

    for done, dossier in enumerate(planned, start=1):
        organisation_id = organisation_ids[dossier.organisation]
        author_id, author_email = users[(dossier.organisation, Role.acheteur)]
        row = _dossier_row(dossier, organisation_id, author_id, rng)
        dossiers.append(row)
        by_stage[dossier.stage] += 1
        if schema is not None and dossier.award is not None:
            # What the reports read, as they would compute it (clauses.store.reports).
            shape = dossier.tender
            tender = Published(
                dossier.published_on or as_of,
                library.version,
                shape.profile,
                shape.advice,
                shape.strategy,
            )
            # The award is its example's with values drawn within the DECP format, the first
            # of each example checked against the schema (plan): its contracts pass it.
            kept, declared = reports.figures_rows(tender, dossier.award, library, None)
            figures.append(
                {"dossier_id": row["id"], "version": row["version"]}
                | {"organisation_id": organisation_id, "title": row["title"]}
                | {"notified_on": row["notified_on"], "notified_until": row["notified_until"]}
                | kept
            )
            contracts += [
                {"dossier_id": row["id"], "organisation_id": organisation_id, **contract}
                for contract in declared
            ]
        for move in dossier.moves:
            user_id, email = users[(dossier.organisation, move.role)]
            trail.append(
                {
                    "at": _at(move.on, rng),
                    "action": move.action,
                    "organisation_id": organisation_id,
                    "dossier_id": row["id"],
                    "user_id": user_id,
                    "actor": email,
                    "field": "stage",
                    "old": STAGE_LABELS[move.old],
                    "new": STAGE_LABELS[move.new],
                }
            )
        followed = [(FollowupKind.hours, r) for r in dossier.followup.records] + [
            (FollowupKind.non_imputable, c) for c in dossier.followup.non_imputable
        ]
        for kind, line in followed:
            entries.append(
                {
                    "dossier_id": row["id"],
                    "organisation_id": organisation_id,
                    "kind": kind.value,
                    "period_end": line.period_end,
                    "data": line.model_dump(mode="json", exclude_none=True),
                    "author_id": author_id,
                    "author_name": author_email,
                    "created_at": _at(
                        min(as_of, (line.period_end or as_of) + dt.timedelta(days=15)), rng
                    ),
                    "hours": line.hours if kind == FollowupKind.hours else None,
                }
            )
            people.append(
                stages.people_of(organisation_id, line) if isinstance(line, HoursRecord) else []
            )
        lines += len(followed)
        if len(dossiers) >= BATCH and done < count:
            flush()
            if progress is not None:
                progress(done, count)
    flush()
    if progress is not None:
        progress(count, count)
    return lines, by_stage
