"""Rate limits shared by every process of the server (``clauses serve --workers N``, several
machines on PostgreSQL): each event a limit counts is a row of ``rate_event`` until it leaves
its window, so that N processes allow the limit once, not N times.

Counting and adding an event is one transaction that holds the key (PostgreSQL: an advisory
lock of the transaction on the key; SQLite: the database's write lock, taken by the first
statement), so that two processes cannot both take the last place. The events of every key
that have left their window are deleted on the way.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Connection, Engine, delete, func, insert, select
from sqlmodel import col

from clauses.store.db import advisory_lock, write_lock
from clauses.store.models import RateEvent

EVENTS = RateEvent.__table__  # type: ignore[attr-defined]
KEY_LOCK = 0x726174  # "rat": the advisory locks' first key (the second is the key's hash)


def key_of(limit: str, by: str) -> str:
    """The stored key of a limit's name and what it counts by (never kept as such)."""
    return hashlib.sha256(f"{limit}\0{by}".encode()).hexdigest()


def recent(engine: Engine, key: str, now: dt.datetime) -> int:
    """The key's events still in their window."""
    with engine.connect() as connection:
        return _count(connection, key, now)


def _count(connection: Connection, key: str, now: dt.datetime) -> int:
    query = select(func.count()).where(col(RateEvent.key) == key, col(RateEvent.expires_at) > now)
    return int(connection.execute(query).scalar_one())


def hit(engine: Engine, key: str, limit: int, window: dt.timedelta, now: dt.datetime) -> bool:
    """Count one event of the key, unless it already has ``limit`` in its window (False: the
    event is refused)."""
    with write_lock(engine), engine.begin() as connection:
        advisory_lock(connection, KEY_LOCK, key)
        connection.execute(delete(RateEvent).where(col(RateEvent.expires_at) <= now))
        if _count(connection, key, now) >= limit:
            return False
        connection.execute(insert(EVENTS), {"key": key, "expires_at": now + window})
        return True


def clear(engine: Engine, key: str) -> None:
    """Forget the key's events (a successful sign-in forgets the failed ones)."""
    with write_lock(engine), engine.begin() as connection:
        connection.execute(delete(RateEvent).where(col(RateEvent.key) == key))
