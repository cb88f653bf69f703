"""One engine per database URL, one session helper, and the Alembic migrations applied at start.

SQLite (the default, a file under ``data/``) runs in WAL mode with foreign keys enforced; it
takes one writer at a time, so the writes of one process wait their turn on a lock of the
process (see :func:`writing`) rather than in SQLite's busy handler, whose growing sleeps would
stall a busy server. PostgreSQL is reached through psycopg 3 (``postgresql+psycopg://…``).
Statement parameters are hidden from error messages so that dossier answers never reach the
logs.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Connections kept open: the web server runs its requests in a pool of threads (40 at most by
# default), each with its own connection; opening a SQLite connection costs more than a request.
SQLITE_POOL_SIZE = 20
SQLITE_MAX_OVERFLOW = 40
_sqlite_locks: dict[str, threading.Lock] = {}
_sqlite_locks_guard = threading.Lock()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        pool: dict[str, int] = {}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            pool = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_MAX_OVERFLOW}
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, hide_parameters=True, **pool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@functools.lru_cache(maxsize=64)
def _write_lock(url: URL) -> threading.Lock | None:
    """One lock per SQLite database file in this process (whichever engine reaches it)."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    key = str(Path(database).resolve()) if database and database != ":memory:" else database
    with _sqlite_locks_guard:
        return _sqlite_locks.setdefault(key, threading.Lock())


def write_lock(engine: Engine) -> AbstractContextManager[Any]:
    """Hold this around a write and its commit: on SQLite, the process's writers then take turns
    (other processes still wait in SQLite's busy handler); on PostgreSQL it does nothing."""
    lock = _write_lock(engine.url)
    return lock if lock is not None else nullcontext()


def writing(session: Session) -> AbstractContextManager[Any]:
    """:func:`write_lock` of the session's database."""
    return write_lock(session.get_bind().engine)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema up to the latest revision (idempotent), once whoever starts first:
    under the database's migration lock (:func:`locked`), so that processes started together
    on an empty database do not all create it (one used to exit on a duplicate key)."""
    with engine.connect() as connection:
        locked(connection)
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


# The PostgreSQL advisory lock's first key (the second is the schema's: the tests migrate
# schemas of one database side by side).
MIGRATION_LOCK = 0x636C61  # "cla"
LOCK_WAIT_S = 600  # how long a starting process waits for another one's migrations


def locked(connection: Connection) -> None:
    """Begin the connection's transaction holding the database's migration lock, which its
    commit or rollback releases: an advisory lock on PostgreSQL, an exclusive transaction on
    SQLite (other connections still read; they write once it ends). Waits for a process that
    holds it, up to :data:`LOCK_WAIT_S`."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
            {"key": MIGRATION_LOCK},
        )
        return
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            connection.exec_driver_sql("BEGIN EXCLUSIVE")  # waits busy_timeout, then raises
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig) or time.monotonic() > deadline:
                raise
            connection.rollback()


def new_session(engine: Engine) -> Session:
    """A session whose objects stay readable after a commit (pages are rendered after saving)."""
    return Session(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with new_session(engine) as session:
        yield session


def ping(engine: Engine) -> bool:
    """True when the database answers, the schema is in place and it takes writes: an update of
    no row, rolled back, is still refused by a read-only database (file, mount, PostgreSQL
    standby or read-only transaction) and waits for the write lock like any change."""
    try:
        with write_lock(engine), engine.connect() as connection:
            connection.execute(text("UPDATE dossier SET version = version WHERE 1 = 0"))
            connection.rollback()
    except Exception:
        return False
    return True
