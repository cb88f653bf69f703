"""Migration 0002 moves the dossiers made before accounts into a default organisation, which the
first admin's setup then takes over (renamed); a database without dossiers gets none."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy import insert, text
from sqlmodel import select

from clauses.followup import HoursRecord, NonImputable, PeopleCount
from clauses.spaser.indicators import Performed
from clauses.store import accounts, reports
from clauses.store.db import alembic_config, make_engine, migrate, new_session
from clauses.store.models import Dossier, FollowupEntry, Organisation
from tests.databases import BACKENDS, unmigrated
from tests.e2e.conftest import free_port


def upgrade_to(engine: object, revision: str) -> None:
    with engine.begin() as connection:  # type: ignore[attr-defined]
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_existing_dossiers_go_to_a_default_organisation(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ancienne.db'}")
    upgrade_to(engine, "0001")
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        for title in ("Lycée", "Cantine"):
            connection.execute(
                text(
                    "INSERT INTO dossier (id, title, status, answers, version, created_at, "
                    "updated_at) VALUES (:id, :title, 'draft', '{}', 1, :now, :now)"
                ),
                {"id": uuid.uuid4().hex, "title": title, "now": now},
            )
    migrate(engine)
    with new_session(engine) as session:
        organisations = session.exec(select(Organisation)).all()
        assert [o.name for o in organisations] == ["Organisation par défaut"]
        dossiers = session.exec(select(Dossier)).all()
        assert {d.organisation_id for d in dossiers} == {organisations[0].id}
        token = accounts.new_setup_token(session)
        accounts.complete_setup(
            session,
            token,
            email="admin@region.test",
            password="un mot de passe solide",
            organisation="Région Bretagne",
            siret="23350001600040",
        )
        session.expire_all()
        kept = session.exec(select(Organisation)).all()
        assert [(o.name, o.siret) for o in kept] == [("Région Bretagne", "23350001600040")]
    engine.dispose()


def test_a_new_database_has_no_organisation(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'neuve.db'}")
    migrate(engine)
    with new_session(engine) as session:
        assert session.exec(select(Organisation)).all() == []
    engine.dispose()


def test_the_migrations_build_the_schema_the_models_describe(database_url: str) -> None:
    """A column or index added to a model without its migration (or the reverse) fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_allotment_leaves_the_stored_strategies(tmp_path: Path) -> None:
    """Migration 0006: allotment is a fact of the profile, no longer a retained mechanism
    (DOMAIN §9); the other choices of a stored strategy are kept as they were."""
    engine = make_engine(f"sqlite:///{tmp_path / 'strategies.db'}")
    upgrade_to(engine, "0005_lifecycle")
    now = dt.datetime.now(dt.UTC)
    kept = {"mechanisms": [{"id": "insertion_clause", "lots": [1]}], "penalty_eur_per_hour": 50}
    stored = {
        "with": {**kept, "mechanisms": [{"id": "lots_division"}, *kept["mechanisms"]]},
        "without": kept,
        "none": None,
    }
    ids = {}
    with engine.begin() as connection:
        for title, strategy in stored.items():
            ids[title] = uuid.uuid4()
            connection.execute(
                text(
                    "INSERT INTO dossier (id, title, status, answers, version, created_at, "
                    "updated_at, strategy, stage) VALUES (:id, :title, 'draft', '{}', 1, :now, "
                    ":now, :strategy, 'draft')"
                ),
                {
                    "id": ids[title].hex,
                    "title": title,
                    "now": now,
                    "strategy": None if strategy is None else json.dumps(strategy),
                },
            )
    migrate(engine)
    with new_session(engine) as session:
        found = {d.title: d.strategy for d in session.exec(select(Dossier)).all()}
    assert found == {"with": kept, "without": kept, "none": None}
    engine.dispose()


@pytest.mark.web  # two `clauses serve` processes, asked over HTTP
@pytest.mark.parametrize("kind", BACKENDS)
def test_two_servers_started_together_on_an_empty_database_both_serve(
    kind: str, tmp_path: Path
) -> None:
    """Each ``clauses serve`` migrates before it serves; started at the same instant on a
    database with no table, one migrates (under the database's lock) and the other, once it
    has the lock, finds nothing left to do (it used to fail on a duplicate key)."""
    with unmigrated(kind, tmp_path) as url:
        ports = [free_port(), free_port()]
        start_at = time.time() + 3  # both past their imports, then into main() together
        script = (
            "import sys, time; from clauses.cli import main; "
            f"time.sleep(max(0, {start_at} - time.time())); "
            "sys.exit(main(['serve', '--port', sys.argv[1]]))"
        )
        env = {**os.environ, "CLAUSES_DATABASE_URL": url, "CLAUSES_DATA_DIR": str(tmp_path)}
        env.pop("CLAUSES_SECRET_KEY", None)
        logs = [tmp_path / f"serve-{port}.log" for port in ports]
        servers = [
            subprocess.Popen(
                [sys.executable, "-c", script, str(port)],
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            for port, log in zip(ports, logs, strict=True)
        ]
        try:
            for port, server, log in zip(ports, servers, logs, strict=True):
                assert serving(port, server), log.read_text(errors="replace")[-2000:]
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()


def serving(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> bool:
    """Whether the server answers its health check within ``seconds`` (False once it exits)."""
    deadline = time.monotonic() + seconds
    while server.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_follow_up_lines_hours_and_people_come_out_of_their_json(
    kind: str, tmp_path: Path
) -> None:
    """Migration 0011 fills the columns a year's report sums, from the lines already there."""
    with unmigrated(kind, tmp_path) as url:
        engine = make_engine(url)
        upgrade_to(engine, "0010_rate_events")
        organisation, dossier = uuid.uuid4(), uuid.uuid4()
        now = dt.datetime.now(dt.UTC)
        end = dt.date(2027, 6, 30)
        worked = HoursRecord(
            lot=1,
            period_start=dt.date(2027, 4, 1),
            period_end=end,
            way="direct_hiring",
            hours=1200.5,
            people=[
                PeopleCount(public="rsa", contract_type="cdd", count=2, outcome="employment"),
                PeopleCount(public="rqth", contract_type="cdi", count=1),
            ],
        )
        excused = NonImputable(lot=1, hours=40, justification="Chantier arrêté", period_end=end)
        with engine.begin() as connection:
            connection.execute(
                insert(Dossier.__table__).values(  # type: ignore[attr-defined]
                    id=dossier,
                    title="Lycée",
                    status="draft",
                    answers={},
                    version=1,
                    created_at=now,
                    updated_at=now,
                    organisation_id=organisation,
                    stage="in_execution",
                )
            )
            for line_kind, line in (("hours", worked), ("non_imputable", excused)):
                connection.execute(
                    insert(FollowupEntry.__table__).values(  # type: ignore[attr-defined]
                        dossier_id=dossier,
                        organisation_id=organisation,
                        kind=line_kind,
                        period_end=end,
                        data=line.model_dump(mode="json", exclude_none=True),
                        author_name="Camille Martin",
                        created_at=now,
                    )
                )
        migrate(engine)
        with new_session(engine) as session:
            found = reports.performed(session, organisation, dt.date(2027, 1, 1), end)
        engine.dispose()
    assert found == Performed(1200.5, {"rqth": 1, "rsa": 2}, {"employment": 2})
