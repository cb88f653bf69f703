"""Test databases: a SQLite file, or a fresh PostgreSQL schema when CLAUSES_TEST_POSTGRES_URL is
set (dropped afterwards, so that runs and xdist workers never see each other's rows)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from clauses.store.db import make_engine, migrate
from tests.conftest import IN_CI

POSTGRES_ENV = "CLAUSES_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A migrated, empty database of that kind; yields its URL."""
    with unmigrated(kind, folder) as url:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url


@contextmanager
def unmigrated(kind: str, folder: Path) -> Iterator[str]:
    """A database of that kind with no table at all; yields its URL."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'clauses.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if IN_CI:
            pytest.fail(f"{POSTGRES_ENV} is required in CI")
        pytest.skip(f"{POSTGRES_ENV} is not set")
    schema = f"clauses_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
