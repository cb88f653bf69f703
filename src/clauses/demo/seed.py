"""Demonstration data: organisations, their accounts and thousands of dossiers at every stage of
their life, built from the examples (``examples/*.yaml``) and their awards (``examples/award/``).

Two parts:

- :func:`plan` (pure, no database) builds the dossiers: each one takes an example, is launched on
  a day of its year, and is then as far in its life as its dates say on ``as_of`` — a draft while
  its launch is to come, published until the notification, awarded until the execution starts,
  in execution until the contract's duration has run, then closed. Its answers are the wizard's
  (typed as a buyer types them, and read back by the wizard into the example's profile), its
  snapshot is :func:`clauses.lifecycle.publish`'s, its award the example's with its own ids,
  amounts, offers and dates (the first of each example checked by
  :func:`clauses.lifecycle.check_award`), and an executed contract has quarterly follow-up lines
  of hours performed (and now and then hours « non imputables »). ``bench/after.py`` reads the
  same plan in memory.
- :func:`seed` writes a plan: the organisations (named as demonstration data, with fictitious
  SIRETs that pass the Luhn check), one admin, one referent and one acheteur account in each, the
  dossiers, one audit row per move, the follow-up lines and (given the DECP schema) what the
  reports read of each awarded dossier (:mod:`clauses.store.reports`), by ``executemany`` in one
  transaction, then the tables' statistics (``ANALYZE``; ``VACUUM ANALYZE`` on PostgreSQL). A database that already holds demonstration organisations is refused unless
  ``replace`` (they are then deleted first, with their dossiers and accounts).
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, func, insert, select, text
from sqlmodel import Session, SQLModel, col

from clauses import french
from clauses.advisor import advise
from clauses.advisor.model import Advice
from clauses.decp import DecpSchema
from clauses.decp.fields import demo_values
from clauses.decp.identifiers import luhn_ok
from clauses.decp.resolve import resolve_strategy
from clauses.followup import FollowUp, HoursRecord, NonImputable, PeopleCount
from clauses.library import Library
from clauses.library.questionnaire import Question, QuestionKind
from clauses.lifecycle import Published, check_award, publish
from clauses.profile import TenderProfile, parse_profile
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
from clauses.strategy import ResolvedStrategy

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
DEFAULT_COUNT, DEFAULT_YEARS, DEFAULT_ORGANISATIONS = 10_000, 5, 3
# Fictitious SIRENs start with this prefix (not checked against the Sirene register: the names
# say the organisations are demonstration data).
DEMO_SIREN_PREFIX = "99900"
DEMO_SUFFIX = " (démonstration)"
DEMO_DOMAIN = "demo.clauses.test"  # .test: a domain that never delivers mail (RFC 2606)
GREEK = ("Alpha", "Bêta", "Gamma", "Delta", "Epsilon", "Zêta", "Êta", "Thêta", "Iota", "Kappa")
ROLES = (Role.admin, Role.referent, Role.acheteur)
BATCH = 1000  # rows per executemany
QUARTER_MONTHS = 3


class SeedError(ValueError):
    """Seeding refused; the message is French."""


# Fictitious SIRETs


def _with_check_digit(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


def demo_siret(index: int) -> str:
    """A 14-digit SIRET whose SIREN (its first 9 digits) and itself pass the Luhn check."""
    siren = _with_check_digit(f"{DEMO_SIREN_PREFIX}{index:03d}")
    return _with_check_digit(siren + "0001")


@dataclass(frozen=True)
class DemoOrganisation:
    index: int
    name: str
    siret: str
    slug: str

    def email(self, role: Role) -> str:
        return f"{role.value}.{self.slug}@{DEMO_DOMAIN}"


def demo_organisations(count: int) -> list[DemoOrganisation]:
    if not 1 <= count <= len(GREEK):
        raise SeedError(f"nombre d’organisations : de 1 à {len(GREEK)}.")
    out = []
    for index in range(count):
        letter = GREEK[index]
        slug = unicodedata.normalize("NFKD", letter).encode("ascii", "ignore").decode().lower()
        out.append(
            DemoOrganisation(index, f"Région {letter}{DEMO_SUFFIX}", demo_siret(index), slug)
        )
    return out


# The examples, as the wizard's answers


@dataclass(frozen=True)
class Example:
    name: str
    data: dict[str, Any]  # the profile as written in examples/NAME.yaml
    award: dict[str, Any]  # examples/award/NAME.yaml's ``award``


def examples(folder: Path = EXAMPLES) -> list[Example]:
    """Every example that has an award file."""
    out = []
    for path in sorted((folder / "award").glob("*.yaml")):
        data = yaml.safe_load((folder / path.name).read_text("utf-8"))
        award = yaml.safe_load(path.read_text("utf-8"))["award"]
        out.append(Example(path.stem, data, award))
    return out


def _typed(question: Question, value: Any) -> str:
    """A profile value as a buyer types it in the wizard (« 1 800 000 », « 5 », « 14/09/2026 »)."""
    kind = question.kind
    if value is None:
        return ""
    if kind is QuestionKind.boolean:
        return "true" if value else "false"
    if kind is QuestionKind.percent:
        return french.number(float(value) * 100, 6)
    if kind in (QuestionKind.amount, QuestionKind.number, QuestionKind.integer):
        return french.number(float(value), 6)
    if kind is QuestionKind.date:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    return str(value)


def _dotted(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def answers_of(data: dict[str, Any], library: Library) -> dict[str, Any]:
    """The wizard's answers that give this profile: every question of the questionnaire the
    wizard asks (those that can change the advice, given the answers), typed."""
    from clauses.questionnaire.wizard import applies  # the wizard's logic (no HTTP)

    answers: dict[str, Any] = {}
    for question in library.questionnaire.questions:
        value = _dotted(data, question.field)
        if question.ask_when is not None:
            continue  # asked below, once the answers it depends on are known
        if question.kind is QuestionKind.lots:
            if value:
                answers["lots"] = [
                    {item.field: _typed(item, lot.get(item.field)) for item in question.items}
                    for lot in value
                ]
        elif value is not None:
            answers[question.field] = _typed(question, value)
    for question in library.questionnaire.questions:
        value = _dotted(data, question.field)
        if (
            question.ask_when is not None
            and value is not None
            and applies(question, answers, library)
        ):
            answers[question.field] = _typed(question, value)
    return answers


def _asked(data: dict[str, Any], answers: dict[str, Any], library: Library) -> dict[str, Any]:
    """The profile without the answers the wizard does not ask (they cannot change the advice)."""
    from clauses.questionnaire.wizard import applies

    kept = copy.deepcopy(data)
    for question in library.questionnaire.questions:
        if question.ask_when is not None and not applies(question, answers, library):
            *parents, name = question.field.split(".")
            holder: Any = kept
            for part in parents:
                holder = holder.get(part, {}) if isinstance(holder, dict) else {}
            if isinstance(holder, dict):
                holder.pop(name, None)
    return kept


@dataclass(frozen=True)
class Tender:
    """An example planned for a launch date: the answers, and what the wizard makes of them."""

    example: Example
    answers: dict[str, Any]
    profile: TenderProfile
    advice: Advice
    strategy: ResolvedStrategy
    snapshot: dict[str, Any]  # Published.to_json(), its publication_date set per dossier


def tender(example: Example, launch: dt.date, library: Library, as_of: dt.date) -> Tender:
    """The example launched on that date, through the wizard: its answers must read back into
    the example's profile (:class:`SeedError` otherwise)."""
    from clauses.questionnaire.wizard import build_profile  # the wizard's logic (no HTTP)

    data = {**example.data, "launch_date": launch.isoformat()}
    answers = answers_of(data, library)
    outcome = build_profile(answers, library)
    if outcome.profile is None or outcome.profile != parse_profile(_asked(data, answers, library)):
        raise SeedError(
            f"l’exemple {example.name} ne se relit pas par l’assistant : {outcome.errors}"
        )
    profile = outcome.profile
    advice = advise(profile, library, min(launch, as_of))
    strategy = resolve_strategy(profile, advice, library, None)
    published = publish(profile, advice, strategy, library, min(launch, as_of), as_of)
    return Tender(example, answers, profile, advice, strategy, published.to_json())


# The plan


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


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


def _vary_award(
    award: dict[str, Any],
    rng: random.Random,
    reference: str,
    siret: str,
    notified: dt.date,
    as_of: dt.date,
) -> dict[str, Any]:
    """The example's award with this contract's own ids, amounts, offers and dates."""
    data = copy.deepcopy(award)
    for name, value in demo_values().items():  # a field the examples do not give (yet)
        data.setdefault(name, value)
    template = dt.date.fromisoformat(str(data["notification_date"]))
    data["buyer_siret"] = siret
    data["notification_date"] = notified.isoformat()
    published = notified + dt.timedelta(days=rng.randint(5, 30))
    scale = rng.uniform(0.8, 1.1)

    def offers(value: Any) -> int:
        return int(value) if int(value) == 1 else max(1, int(value) + rng.randint(-2, 3))

    if "offers_received" in data:
        data["offers_received"] = offers(data["offers_received"])
    if "amount_eur" in data:
        data["amount_eur"] = max(1, round(data["amount_eur"] * scale))
    if "id" in data:
        data["id"] = reference
    for lot in data.get("lots", []):
        lot["id"] = f"{reference}-{lot['lot']:02d}"
        if "amount_eur" in lot:
            lot["amount_eur"] = max(1, round(lot["amount_eur"] * scale))
        if "offers_received" in lot:
            lot["offers_received"] = offers(lot["offers_received"])
        if "notification_date" in lot:
            later = notified + (dt.date.fromisoformat(str(lot["notification_date"])) - template)
            if later <= as_of:
                lot["notification_date"] = later.isoformat()
                published = max(published, later)
            else:
                del lot["notification_date"]
    # Published once every contract it declares is notified (a lot notified later included),
    # and never after ``as_of``: the open data says what has happened.
    data["publication_date"] = min(published, as_of).isoformat()
    return data


def _notified(award: dict[str, Any]) -> tuple[dt.date, dt.date]:
    first = str(award["notification_date"])
    dates = [str(lot.get("notification_date", first)) for lot in award.get("lots", [])] or [first]
    return dt.date.fromisoformat(min(dates)), dt.date.fromisoformat(max(dates))


NON_IMPUTABLE_REASONS = (
    "Chantier arrêté plusieurs semaines pour intempéries (constat contradictoire).",
    "Suspension de l’exécution décidée par l’acheteur.",
    "Aucun candidat orienté par le facilitateur malgré les demandes écrites du titulaire.",
)
DIRECT_CONTRACTS = ("cdd", "cdi", "apprenticeship", "professionalisation")


def _followup(
    tender_: Tender,
    rng: random.Random,
    library: Library,
    start: dt.date,
    until: dt.date,
    end: dt.date,
) -> FollowUp:
    """Quarterly lines of hours performed from ``start`` to ``until`` (the periods ended by
    then), each lot's share of its hours owed, by one way of fulfilment."""
    vocabularies = library.followup
    ways = vocabularies.ways.terms
    publics = [t.id for t in vocabularies.publics.terms]
    outcomes = [t.id for t in vocabularies.outcomes.terms]
    contract_types = set(vocabularies.contract_types.by_id)
    total_days = max(1, (end - start).days)
    records: list[HoursRecord] = []
    cases: list[NonImputable] = []
    period_start = start
    while True:
        period_end = min(_add_months(period_start, QUARTER_MONTHS) - dt.timedelta(days=1), end)
        if period_end > until:
            break
        share = ((period_end - period_start).days + 1) / total_days
        for line in tender_.strategy.hours:
            hours = round(line.hours * share * rng.uniform(0.5, 1.3))
            if hours <= 0:
                continue
            way = rng.choices(ways, weights=[5, 3, 2, 1][: len(ways)] or None)[0]
            structure = rng.choice(way.structures) if way.structures else None
            if not way.structures:
                kinds = [c for c in DIRECT_CONTRACTS if c in contract_types]
            elif way.id == "provision":
                kinds = ["assignment"]
            else:
                kinds = ["structure_employee"]
            people = max(1, hours // 450)
            known = period_end <= until - dt.timedelta(days=183)
            records.append(
                HoursRecord(
                    lot=line.lot,
                    period_start=period_start,
                    period_end=period_end,
                    way=way.id,
                    structure=structure,
                    hours=hours,
                    people=[
                        PeopleCount(
                            public=rng.choice(publics),
                            contract_type=rng.choice(kinds),
                            count=people,
                            outcome=rng.choice(outcomes) if known else None,
                        )
                    ],
                )
            )
        if period_end >= end:
            break
        period_start = period_end + dt.timedelta(days=1)
    if records and tender_.strategy.hours and rng.random() < 0.06:
        line = rng.choice(tender_.strategy.hours)
        cases.append(
            NonImputable(
                lot=line.lot,
                hours=max(1, round(line.hours * rng.uniform(0.03, 0.12))),
                justification=rng.choice(NON_IMPUTABLE_REASONS),
                period_start=start,
                period_end=records[-1].period_end,
            )
        )
    return FollowUp(records=records, non_imputable=cases)


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
    if not years or max(years) > as_of.year:
        raise SeedError(f"les années doivent s’arrêter en {as_of.year} au plus tard.")
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
    award = _vary_award(shape.example.award, rng, reference, organisation.siret, notified, as_of)
    if schema is not None and shape.example.name not in checked:
        check_award(Published.from_json(dossier.published), award, library, schema, as_of)
        checked.add(shape.example.name)
    dossier.stage = Stage.awarded
    dossier.award = award
    dossier.notified_on, dossier.notified_until = _notified(award)
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
    end = _add_months(start, shape.profile.duration_months or 12) - dt.timedelta(days=1)
    dossier.followup = _followup(shape, rng, library, start, as_of, end)
    if end >= as_of:
        return dossier
    closed = min(as_of, end + dt.timedelta(days=rng.randint(0, 60)))
    dossier.stage = Stage.closed
    dossier.closed_on = closed
    dossier.moves.append(Move(closed, "clôture", Stage.in_execution, Stage.closed, Role.referent))
    return dossier


# Writing


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
    if not years or max(years) > as_of.year:
        raise SeedError(f"les années doivent s’arrêter en {as_of.year} au plus tard.")
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
        lines, by_stage = _dossiers(
            session,
            library,
            demos,
            organisation_ids,
            users,
            count=count,
            years=years,
            as_of=as_of,
            seed_value=seed_value,
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
    demos: list[DemoOrganisation],
    organisation_ids: dict[int, uuid.UUID],
    users: dict[tuple[int, Role], tuple[uuid.UUID, str]],
    *,
    count: int,
    years: Sequence[int],
    as_of: dt.date,
    seed_value: int,
    schema: DecpSchema | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[int, Counter[Stage]]:
    """The dossiers, their audit rows and their follow-up lines, ``BATCH`` at a time."""
    connection = session.connection()
    rng = random.Random(seed_value + 1)  # ids and hours of the day, apart from the plan
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

    planned = plan(
        library,
        count=count,
        years=years,
        organisations=demos,
        as_of=as_of,
        seed=seed_value,
        schema=schema,
    )
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
