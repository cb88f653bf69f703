"""Migration 0002 moves the dossiers made before accounts into a default organisation, which the
first admin's setup then takes over (renamed); a database without dossiers gets none."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlmodel import select

from clauses.store import accounts
from clauses.store.db import alembic_config, make_engine, migrate, new_session
from clauses.store.models import Dossier, Organisation


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
