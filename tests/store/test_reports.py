"""The reports from the figures kept per awarded dossier (:mod:`clauses.store.reports`), on each
backend: the hand-computed SPASER figures of tests/spaser, stored as dossiers; the same
indicators and the same DECP file as the previous computation (tests/store/previous.py) on a
seeded database, after moves and after a library update."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from clauses.decp import DecpSchema, decp_batch, parse_award
from clauses.demo import seed
from clauses.library import Library
from clauses.lifecycle import Published
from clauses.spaser import ContractRecord, Indicators, indicators
from clauses.store import reports, stages
from clauses.store.crud import create_dossier
from clauses.store.db import make_engine, session_scope
from clauses.store.models import (
    ContractFigures,
    DeclaredContract,
    Dossier,
    DossierCreate,
    Organisation,
    Stage,
)
from tests.moves import to_award
from tests.spaser.fixtures import (
    REGION,
    assert_alpha_2026_and_beta_2027,
    assert_alpha_2027,
    records,
)
from tests.store import previous

ACTOR = (uuid.uuid4(), "referente@region.test")


@pytest.fixture(scope="module")
def schema() -> DecpSchema:
    return DecpSchema.load()


def stored(session: Session, record: ContractRecord, organisation: uuid.UUID) -> Dossier:
    """The record as a dossier: published, awarded when it has an award, with its hours."""
    dossier = create_dossier(
        session=session, dossier_in=DossierCreate(title=record.label), organisation_id=organisation
    )
    assert record.profile and record.advice and record.strategy
    tender = Published(dt.date(2026, 1, 5), "2026", record.profile, record.advice, record.strategy)
    values: dict[str, object] = {"stage": Stage.published, "published": tender.to_json()}
    if record.award is not None:
        award = record.award.model_dump(mode="json", exclude_none=True)
        dates = [lot.notification_date for lot in record.award.lots or []]
        dates = [d for d in dates if d] + [parse_award(award).notification_date]
        known = sorted(d for d in dates if d is not None)
        values |= {
            "stage": Stage.awarded,
            "award": award,
            "notified_on": known[0],
            "notified_until": known[-1],
        }
    dossier = stages.record_move(
        session=session,
        dossier_id=dossier.id,
        expected_version=dossier.version,
        values=values,
        actor=ACTOR,
        action="publication",
    )
    if record.followup.records:
        stages.add_followup(
            session=session,
            dossier=dossier,
            followup=record.followup,
            actor=ACTOR,
            author_name="Camille Martin",
        )
    return dossier


def organisation(session: Session, name: str) -> uuid.UUID:
    found = Organisation(name=name)
    session.add(found)
    session.commit()
    return found.id


def test_the_hand_computed_figures_from_the_stored_dossiers(
    session: Session, library: Library, schema: DecpSchema
) -> None:
    alpha, beta = organisation(session, REGION), organisation(session, "Région Bêta")
    for record in records(library):
        stored(session, record, beta if record.organisation == "Région Bêta" else alpha)

    def spaser(org: uuid.UUID, year: int) -> Indicators:
        return reports.spaser(
            session, organisation_id=org, year=year, library=library, schema=schema
        )

    assert_alpha_2027(spaser(alpha, 2027))
    assert_alpha_2026_and_beta_2027(spaser(alpha, 2026), spaser(beta, 2027))
    # Computed once: the second report reads what the first kept.
    assert session.exec(select(func.count()).select_from(ContractFigures)).one() == 7
    assert session.exec(select(func.count()).select_from(DeclaredContract)).one() == 7
    start, end = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    assert reports.refresh(session, reports.Scope(None, start, end, library, schema)) == 0


# The previous computation against the kept figures, on a seeded database.

AS_OF = dt.date(2026, 6, 30)
YEARS = seed.years_until(2026, 4)


@pytest.fixture(scope="module")
def seeded_url(database_url: str, library: Library, schema: DecpSchema) -> str:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed.seed(
            session,
            library,
            password="mot de passe de démonstration",
            count=240,
            years=YEARS,
            organisations=2,
            as_of=AS_OF,
            schema=schema,
            replace=True,
        )
    engine.dispose()
    return database_url


@pytest.fixture
def seeded(seeded_url: str) -> Iterator[Session]:
    engine = make_engine(seeded_url)
    with session_scope(engine) as session:
        yield session
    engine.dispose()


def demo_organisations(session: Session) -> list[uuid.UUID]:
    found = session.exec(
        select(Organisation.id).where(col(Organisation.siret).startswith(seed.DEMO_SIREN_PREFIX))
    ).all()
    assert len(found) == 2
    return list(found)


def same_as_before(session: Session, library: Library, schema: DecpSchema) -> int:
    """Compare every year of every organisation; the number of contracts compared."""
    compared = 0
    for org in demo_organisations(session):
        for year in [*YEARS, AS_OF.year + 1]:
            before = indicators(
                previous.contract_records(session=session, organisation_id=org, year=year),
                str(org),
                year,
                library,
            )
            now = reports.spaser(
                session, organisation_id=org, year=year, library=library, schema=schema
            )
            assert now == before, (org, year)
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            contracts = previous.contracts_between(
                session=session, organisation_id=org, start=start, end=end
            )
            batch = decp_batch(contracts, start, end, library, schema)
            period = reports.Scope(org, start, end, library, schema)
            kept = reports.decp_period(session, period)
            assert kept == reports.DecpPeriod(
                len(contracts), len(batch.document["marches"]["marche"]), batch.left_out
            )
            written = "".join(reports.decp_json(session, period))
            assert written == json.dumps(batch.document, ensure_ascii=False, indent=2)
            compared += now.contracts.count
    return compared


def test_the_kept_figures_give_the_previous_reports(
    seeded: Session, library: Library, schema: DecpSchema
) -> None:
    # The seeding wrote every awarded dossier's figures: nothing to compute.
    assert (
        reports.refresh(seeded, reports.Scope(None, dt.date(2000, 1, 1), AS_OF, library, schema))
        == 0
    )
    assert same_as_before(seeded, library, schema) > 50
    # Contracts the schema would refuse (when it changed behind them): declared from their
    # snapshot, in their place among the others.
    some = seeded.exec(select(ContractFigures.dossier_id).where(ContractFigures.tender)).all()
    seeded.execute(
        update(ContractFigures)
        .where(col(ContractFigures.dossier_id).in_(some[::3]))
        .values(valid=False)
    )
    seeded.commit()
    assert same_as_before(seeded, library, schema) > 50


def test_a_move_or_a_library_update_is_read_at_the_next_report(
    seeded: Session, library: Library, schema: DecpSchema
) -> None:
    # An award corrected without its holders (the DECP needs them): left out of both reports.
    year = AS_OF.year - 1
    dossier = seeded.exec(
        select(Dossier)
        .where(
            col(Dossier.stage).in_([Stage.awarded, Stage.in_execution]),
            col(Dossier.notified_on) >= dt.date(year, 1, 1),
            col(Dossier.notified_until) <= dt.date(year, 12, 31),
        )
        .limit(1)
    ).one()
    assert dossier.award is not None
    incomplete = {k: v for k, v in dossier.award.items() if k != "holders"}
    if "lots" in incomplete:
        incomplete["lots"] = [
            {k: v for k, v in lot.items() if k != "holders"} for lot in incomplete["lots"]
        ]
    stages.record_move(
        session=seeded,
        dossier_id=dossier.id,
        expected_version=dossier.version,
        values={"award": incomplete},
        actor=ACTOR,
        action="attribution corrigée",
    )
    now = reports.spaser(
        seeded,
        organisation_id=dossier.organisation_id,  # type: ignore[arg-type]
        year=year,
        library=library,
        schema=schema,
    )
    assert any(line.startswith(f"{dossier.title} : ") for line in now.left_out)
    same_as_before(seeded, library, schema)
    # Another library: every dossier's figures are computed again, and still the same.
    manifest = library.manifest.model_copy(update={"version": f"{library.version}-nouvelle"})
    updated = dataclasses.replace(library, manifest=manifest)
    demo = demo_organisations(seeded)
    awarded = seeded.exec(
        select(func.count())
        .select_from(Dossier)
        .where(
            col(Dossier.organisation_id).in_(demo),
            col(Dossier.stage).in_([Stage.awarded, Stage.in_execution, Stage.closed]),
        )
    ).one()
    recomputed = sum(
        reports.refresh(seeded, reports.Scope(org, dt.date(2000, 1, 1), AS_OF, updated, schema))
        for org in demo
    )
    assert recomputed == awarded
    same_as_before(seeded, updated, schema)


def test_the_server_computes_the_missing_figures_before_it_serves(
    database_url: str, session: Session, library: Library, schema: DecpSchema
) -> None:
    """After an upgrade, the awarded dossiers have no figures yet: ``clauses serve`` computes
    them before it serves (compute_report_figures), not the first report of each period."""
    from clauses.web.cli import compute_report_figures

    dossier = to_award(session, library, schema, "nettoyage-lycees", organisation(session, "R"))
    assert session.get(ContractFigures, dossier.id) is None  # a move does not compute them
    engine = make_engine(database_url)
    compute_report_figures(engine, None)
    engine.dispose()
    session.expire_all()
    kept = session.get(ContractFigures, dossier.id)
    assert kept is not None and (kept.version, kept.tender) == (dossier.version, True)
