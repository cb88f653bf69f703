"""One engine per database URL, one session helper, and the Alembic migrations applied at start.

SQLite (the default, a file under ``data/``) runs in WAL mode with foreign keys enforced; it
takes one writer at a time, so the writes of one process wait their turn on a lock of the
process rather than in SQLite's busy handler, whose growing sleeps would stall a busy server.
A session takes that lock by itself before its first write statement (an ``INSERT``,
``UPDATE`` or ``DELETE``, or a flush) and gives it back when its transaction ends: a write
begun outside it took SQLite's lock first, then waited for the process's lock held by a writer
that waited for SQLite's, until the busy time-out (10 s, then an error on both sides).
PostgreSQL is reached through psycopg 3 (``postgresql+psycopg://…``). Statement parameters are
hidden from error messages so that dossier answers never reach the logs.
"""

from __future__ import annotations

import functools
import shutil
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
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import ORMExecuteState, SessionTransaction
from sqlalchemy.orm import Session as OrmSession
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


_HELD = "clauses.write_lock"  # in a session's ``info``: the lock its transaction holds
_WROTE = "clauses.wrote"  # and whether it wrote (its commit then tells the health check)


def hold_write_lock(session: OrmSession) -> None:
    """The session's transaction holds the process's write lock from now to its end (once)."""
    session.info[_WROTE] = True
    if _HELD in session.info:
        return
    lock = _write_lock(session.get_bind().engine.url)
    if lock is not None:
        if not session.in_transaction():
            session.begin()  # so that its end, whatever happens next, gives the lock back
        lock.acquire()
        session.info[_HELD] = lock


@contextmanager
def writing(session: Session) -> Iterator[None]:
    """Take the write lock now, before the reads of a change that must not be interleaved with
    another writer's (the first write statement would take it anyway)."""
    hold_write_lock(session)
    yield


def commit(session: Session) -> None:
    """Commit what the session holds, under the write lock."""
    with writing(session):
        session.commit()


@event.listens_for(OrmSession, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        hold_write_lock(state.session)


@event.listens_for(OrmSession, "before_flush")
def _before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    hold_write_lock(session)


@event.listens_for(OrmSession, "after_commit")
def _after_commit(session: OrmSession) -> None:
    if session.info.pop(_WROTE, False):
        write_health(session.get_bind().engine).succeeded()


@event.listens_for(OrmSession, "after_transaction_end")
def _after_transaction(session: OrmSession, transaction: SessionTransaction) -> None:
    """The transaction is committed or rolled back (its connection given back): the lock goes.
    It may be another thread than the one that took it (a request's session is closed in a
    thread of its own), which a plain lock allows."""
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
        lock = session.info.pop(_HELD, None)
        if lock is not None:
            lock.release()


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


def advisory_lock(executor: Connection | OrmSession, namespace: int, key: str) -> None:
    """On PostgreSQL, hold until the transaction ends the advisory lock of ``key`` within
    ``namespace`` (its first key; the second is the key's hash), across processes; nothing on
    SQLite, whose writers already take turns (:func:`writing`)."""
    bind = executor if isinstance(executor, Connection) else executor.get_bind()
    if bind.dialect.name == "postgresql":
        executor.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, hashtext(:key))"),
            {"namespace": namespace, "key": key},
        )


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


# Whether the database takes writes. A probe that writes nothing cannot tell a full disk (an
# update of no row needs no space), so the health check also reads the outcome of the
# application's own writes: the last one failed for the database's sake (full, read-only,
# unreachable) and none succeeded since, within RECHECK_SECONDS. On SQLite it also reads the
# free space of the database's disk.
RECHECK_SECONDS = 60.0
MIN_FREE_BYTES = 16 * 1024 * 1024  # a few batches of saves and a template or two
_UNAVAILABLE_STATES = ("08", "53", "57", "25006")  # PostgreSQL: connection, resources (disk
# full, memory, connections), operator intervention (shutdown), read-only transaction


class WriteHealth:
    """The outcome of the last writes of one database, in this process."""

    def __init__(self) -> None:
        self._failed_at: float | None = None

    def failed(self) -> None:
        self._failed_at = time.monotonic()

    def succeeded(self) -> None:
        self._failed_at = None

    def failing(self) -> bool:
        failed_at = self._failed_at
        return failed_at is not None and time.monotonic() - failed_at < RECHECK_SECONDS


@functools.lru_cache(maxsize=64)
def _health(url: URL) -> WriteHealth:
    return WriteHealth()


def write_health(engine: Engine) -> WriteHealth:
    return _health(engine.url)


def unavailable(error: BaseException) -> bool:
    """Does this error (or its cause) say that the database cannot take writes now (full,
    read-only, unreachable, locked past the busy time-out), rather than a fault of the code?"""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OperationalError | InterfaceError | PoolTimeout):
            return True
        if isinstance(seen, DBAPIError):
            state = str(getattr(seen.orig, "sqlstate", "") or "")
            if state and state.startswith(_UNAVAILABLE_STATES):
                return True
        seen = seen.__cause__
    return False


def _disk_full(engine: Engine) -> bool:
    """On SQLite: too little space left on the database's disk for the next writes."""
    database = engine.url.database or ""
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return False
    try:
        return shutil.disk_usage(Path(database).resolve().parent).free < MIN_FREE_BYTES
    except OSError:
        return True


def ping(engine: Engine) -> bool:
    """True when the database answers, the schema is in place and it takes writes: an update of
    no row, rolled back, is still refused by a read-only database (file, mount, PostgreSQL
    standby or read-only transaction) and waits for the write lock like any change; and no
    write of the application failed lately for the database's sake, nor is its disk full."""
    if write_health(engine).failing() or _disk_full(engine):
        return False
    try:
        with write_lock(engine), engine.connect() as connection:
            connection.execute(text("UPDATE dossier SET version = version WHERE 1 = 0"))
            connection.rollback()
    except Exception:
        return False
    return True
