"""Rate limits counted in the database (:mod:`clauses.store.rates`), on each backend: two
engines stand for two processes of the server, which share each limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select

from clauses.store import rates
from clauses.store.db import make_engine
from clauses.store.models import RateEvent

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def engines(database_url: str) -> Iterator[tuple[Engine, Engine]]:
    one, two = make_engine(database_url), make_engine(database_url)
    yield one, two
    one.dispose()
    two.dispose()


def test_two_processes_share_the_limit(engines: tuple[Engine, Engine]) -> None:
    one, two = engines
    key, other = rates.key_of("lourd", "a"), rates.key_of("lourd", "b")
    assert rates.hit(one, key, 3, MINUTE, NOW) and rates.hit(one, key, 3, MINUTE, NOW)
    assert rates.hit(two, key, 3, MINUTE, NOW)
    assert not rates.hit(one, key, 3, MINUTE, NOW) and not rates.hit(two, key, 3, MINUTE, NOW)
    assert rates.recent(two, key, NOW) == 3
    assert rates.hit(two, other, 3, MINUTE, NOW)  # another key, its own count
    rates.clear(one, key)
    assert rates.recent(two, key, NOW) == 0


def test_events_leave_their_window_and_the_table(engines: tuple[Engine, Engine]) -> None:
    one, _ = engines
    key = rates.key_of("connexion-adresse", "agent@region.test")
    for _ in range(2):
        assert rates.hit(one, key, 2, MINUTE, NOW)
    assert not rates.hit(one, key, 2, MINUTE, NOW + MINUTE / 2)
    later = NOW + MINUTE
    assert rates.recent(one, key, later) == 0
    assert rates.hit(one, rates.key_of("lourd", "x"), 2, MINUTE, later)
    with one.connect() as connection:  # the expired events were deleted on the way
        assert connection.execute(select(func.count()).select_from(RateEvent)).scalar() == 1


def test_the_last_place_is_taken_once(engines: tuple[Engine, Engine]) -> None:
    """Sixteen events at once from two processes: exactly the limit is counted."""
    key = rates.key_of("connexion-poste", "192.0.2.1")

    def hit(index: int) -> bool:
        return rates.hit(engines[index % 2], key, 5, MINUTE, NOW)

    with ThreadPoolExecutor(8) as pool:
        taken = list(pool.map(hit, range(16)))
    assert taken.count(True) == 5
    assert rates.recent(engines[0], key, NOW) == 5


def test_the_key_keeps_nothing_readable() -> None:
    stored = rates.key_of("connexion-adresse", "agent@region.test")
    assert len(stored) == 64 and "region" not in stored
    assert stored != rates.key_of("connexion-poste", "agent@region.test")
