"""Alembic environment: migrates the connection handed over by :func:`clauses.store.db.migrate`,
or the URL of the configuration when run from the ``alembic`` command."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from clauses.store import models  # noqa: F401  (registers the tables on the metadata)
from clauses.store.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is required"
    with make_engine(url).connect() as own:
        _run(own)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
