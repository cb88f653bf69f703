"""The writer of dossier changes (group commit), on both databases."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from clauses.store import crud
from clauses.store.db import make_engine, migrate, session_scope
from clauses.store.models import Dossier, DossierCreate, DossierStatus
from clauses.store.writer import MAX_BATCH, DossierWriter, WriteFailed


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def writer(engine: Engine) -> Iterator[DossierWriter]:
    writer = DossierWriter(engine)
    yield writer
    writer.stop()


def new(engine: Engine, **answers: str) -> uuid.UUID:
    with session_scope(engine) as session:
        dossier = crud.create_dossier(
            session=session, dossier_in=DossierCreate(title="Dossier", answers=answers)
        )
        return dossier.id


def stored(engine: Engine, dossier_id: uuid.UUID) -> Dossier:
    with session_scope(engine) as session:
        return crud.get_dossier(session=session, dossier_id=dossier_id)


def answers(value: dict[str, Any]) -> Any:
    return lambda _current: {"answers": value}


def hold(writer: DossierWriter, dossier_id: uuid.UUID) -> tuple[threading.Event, Any]:
    """Keep the writer busy with a change of its own until the returned gate is set, so that
    the changes submitted meanwhile wait together for the next batch."""
    gate, started = threading.Event(), threading.Event()

    def change(_current: Dossier) -> dict[str, Any]:
        started.set()
        gate.wait(10)
        return {"answers": {}}

    future = writer.submit(dossier_id, 1, change)
    assert started.wait(10)
    return gate, future


def count_commits(engine: Engine) -> list[int]:
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    return commits


def test_a_change_bumps_the_version_and_gives_both_states(
    engine: Engine, writer: DossierWriter
) -> None:
    dossier_id = new(engine, nature="works")
    saved = writer.save(
        dossier_id, 1, lambda current: {"answers": {**current.answers, "cpv": "45000000-7"}}
    )
    assert saved.previous.version == 1
    assert saved.previous.answers == {"nature": "works"}
    assert saved.dossier.version == 2
    assert saved.dossier.answers == {"nature": "works", "cpv": "45000000-7"}
    assert saved.dossier.updated_at >= saved.previous.updated_at
    again = stored(engine, dossier_id)
    assert (again.version, again.answers) == (2, saved.dossier.answers)


def test_a_stale_version_is_refused_with_the_current_state(
    engine: Engine, writer: DossierWriter
) -> None:
    dossier_id = new(engine)
    writer.save(dossier_id, 1, answers({"cpv": "45000000-7"}))
    with pytest.raises(crud.StaleVersion) as stale:
        writer.save(dossier_id, 1, answers({"cpv": "1"}))
    assert stale.value.current.version == 2
    assert stale.value.current.answers == {"cpv": "45000000-7"}
    assert stored(engine, dossier_id).answers == {"cpv": "45000000-7"}


def test_an_unknown_dossier_is_not_found(writer: DossierWriter) -> None:
    with pytest.raises(crud.DossierNotFound):
        writer.save(uuid.uuid4(), 1, answers({}))


def test_title_and_status_change_the_same_way(engine: Engine, writer: DossierWriter) -> None:
    dossier_id = new(engine)
    writer.save(dossier_id, 1, lambda _: {"title": "Lycée"})
    archived = writer.save(dossier_id, 2, lambda _: {"status": DossierStatus.archived.value})
    assert (archived.dossier.title, archived.dossier.status, archived.dossier.version) == (
        "Lycée",
        DossierStatus.archived,
        3,
    )
    with session_scope(engine) as session:
        drafts = crud.list_dossiers(
            session=session, organisation_id=None, status=DossierStatus.draft
        )
    assert dossier_id not in {d.id for d in drafts}


def test_changes_waiting_together_are_committed_together(
    engine: Engine, writer: DossierWriter
) -> None:
    ids = [new(engine) for _ in range(40)]
    commits = count_commits(engine)
    gate, first = hold(writer, ids[0])
    queued = [writer.submit(i, 1, answers({"n": str(n)})) for n, i in enumerate(ids[1:])]
    gate.set()
    first.result(10)
    assert [f.result(10).dossier.version for f in queued] == [2] * 39
    assert len(commits) == 2  # the first change's batch, then all the others in one
    assert [stored(engine, i).answers for i in ids[1:]] == [{"n": str(n)} for n in range(39)]


def test_a_batch_never_exceeds_its_size(engine: Engine, writer: DossierWriter) -> None:
    ids = [new(engine) for _ in range(MAX_BATCH + 20)]
    sizes = [0]
    event.listen(engine, "commit", lambda _connection: sizes.append(0))

    @event.listens_for(engine, "before_cursor_execute")
    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE"):
            sizes[-1] += len(parameters) if isinstance(parameters, list) else 1

    gate, first = hold(writer, ids[0])
    queued = [writer.submit(i, 1, answers({})) for i in ids[1:]]
    gate.set()
    first.result(10)
    assert all(future.result(10).dossier.version == 2 for future in queued)
    batches = [size for size in sizes if size]
    assert batches == [1, MAX_BATCH, 19]


def test_two_changes_of_one_version_in_one_batch_let_exactly_one_through(
    engine: Engine, writer: DossierWriter
) -> None:
    dossier_id, other = new(engine), new(engine)
    gate, first = hold(writer, other)
    a = writer.submit(dossier_id, 1, answers({"by": "a"}))
    b = writer.submit(dossier_id, 1, answers({"by": "b"}))
    gate.set()
    first.result(10)
    assert a.result(10).dossier.answers == {"by": "a"}  # submitted first, applied first
    with pytest.raises(crud.StaleVersion):
        b.result(10)
    assert stored(engine, dossier_id).version == 2


def test_a_failing_change_fails_alone(engine: Engine, writer: DossierWriter) -> None:
    ids = [new(engine) for _ in range(4)]
    gate, first = hold(writer, ids[0])

    def broken(_current: Dossier) -> dict[str, Any]:
        raise ValueError("a bug in the caller")

    def refused_by_the_database(_current: Dossier) -> dict[str, Any]:
        return {"title": None}  # NOT NULL: the whole batch's transaction fails

    bug = writer.submit(ids[1], 1, broken)
    refused = writer.submit(ids[2], 1, refused_by_the_database)
    fine = writer.submit(ids[3], 1, answers({"ok": "yes"}))
    gate.set()
    first.result(10)
    with pytest.raises(ValueError, match="a bug"):
        bug.result(10)
    with pytest.raises(WriteFailed) as failed:
        refused.result(10)
    assert isinstance(failed.value.__cause__, IntegrityError)
    assert fine.result(10).dossier.answers == {"ok": "yes"}
    assert [stored(engine, i).version for i in ids] == [2, 1, 1, 2]
    # The writer goes on after the failures.
    assert writer.save(ids[1], 1, answers({"again": "yes"})).dossier.version == 2


def test_stop_writes_what_was_submitted_and_a_new_change_starts_it_again(
    engine: Engine, writer: DossierWriter
) -> None:
    ids = [new(engine) for _ in range(20)]
    futures = [writer.submit(i, 1, answers({"n": "1"})) for i in ids]
    writer.stop()
    assert all(f.done() and f.result().dossier.version == 2 for f in futures)
    assert writer.save(ids[0], 2, answers({"n": "2"})).dossier.version == 3


def test_many_threads_and_two_writers_lose_no_update(engine: Engine, database_url: str) -> None:
    """Two writers on two engines (two processes would each have theirs) and eight threads, each
    saving its own dossier 25 times: every save lands, in order."""
    other_engine = make_engine(database_url)
    writers = [DossierWriter(engine), DossierWriter(other_engine)]
    ids = [new(engine) for _ in range(8)]

    def saves(index: int) -> int:
        writer, dossier_id = writers[index % 2], ids[index]
        version = 1
        for n in range(25):
            version = writer.save(dossier_id, version, answers({"n": str(n)})).dossier.version
        return version

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            assert list(pool.map(saves, range(8))) == [26] * 8
    finally:
        for writer in writers:
            writer.stop()
        other_engine.dispose()
    assert {stored(engine, i).answers["n"] for i in ids} == {"24"}


def test_simultaneous_saves_on_one_version_let_exactly_one_through(
    engine: Engine, writer: DossierWriter
) -> None:
    dossier_id = new(engine)

    def save(value: str) -> str:
        try:
            writer.save(dossier_id, 1, answers({"title": value}))
        except crud.StaleVersion:
            return "refused"
        return "saved"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(save, ["a", "b", "c", "d"]))
    assert sorted(outcomes) == ["refused", "refused", "refused", "saved"]
    dossier = stored(engine, dossier_id)
    assert dossier.version == 2
    assert dossier.answers["title"] in "abcd"


@pytest.fixture
def elsewhere(database_url: str) -> Iterator[Engine]:
    """The engine of another process on the same database."""
    other = make_engine(database_url)
    yield other
    other.dispose()


def saving_elsewhere(elsewhere: Engine, dossier_id: uuid.UUID, value: dict[str, Any]) -> Any:
    """A change that, while the writer computes it, lets another process save ``dossier_id``
    (from version 1 to 2, answers ``{"by": "elsewhere"}``), then sets the answers to ``value``."""

    def change(_current: Dossier) -> dict[str, Any]:
        with elsewhere.begin() as connection:
            connection.execute(
                update(Dossier)
                .where(col(Dossier.id) == dossier_id, col(Dossier.version) == 1)
                .values(answers={"by": "elsewhere"}, version=2)
            )
        return {"answers": value}

    return change


def test_a_row_changed_by_another_process_meanwhile_is_not_overwritten(
    engine: Engine, writer: DossierWriter, elsewhere: Engine
) -> None:
    """Between the writer's read and its write, another process saves the same dossier: the
    write is refused (its version is gone) with that process's state."""
    dossier_id = new(engine)
    with pytest.raises(crud.StaleVersion) as stale:
        writer.save(dossier_id, 1, saving_elsewhere(elsewhere, dossier_id, {"by": "writer"}))
    assert (stale.value.current.version, stale.value.current.answers) == (2, {"by": "elsewhere"})
    assert stored(engine, dossier_id).answers == {"by": "elsewhere"}


def test_a_batch_met_by_another_process_is_retried_change_by_change(
    engine: Engine, writer: DossierWriter, elsewhere: Engine
) -> None:
    """Two changes in one batch; while the first is computed, another process saves the second
    dossier. The batch's write falls short, so it is rolled back and each change retried alone:
    the first is saved, the second refused as stale, the other process's save kept."""
    mine, theirs = sorted((new(engine), new(engine)), key=lambda i: i.bytes)
    gate, first = hold(writer, new(engine))
    a = writer.submit(mine, 1, saving_elsewhere(elsewhere, theirs, {"by": "writer"}))
    b = writer.submit(theirs, 1, answers({"by": "writer"}))
    gate.set()
    first.result(10)
    assert a.result(10).dossier.answers == {"by": "writer"}
    with pytest.raises(crud.StaleVersion) as stale:
        b.result(10)
    assert stale.value.current.answers == {"by": "elsewhere"}
    assert (stored(engine, mine).version, stored(engine, theirs).answers) == (
        2,
        {"by": "elsewhere"},
    )


def test_changes_judged_on_a_state_never_saved_are_judged_again(
    engine: Engine, writer: DossierWriter, elsewhere: Engine
) -> None:
    """A and B change one dossier at version 1, in one batch; another process saves it between
    the batch's read and write. B must not be refused with A's state (never saved), whose
    version the conflict page would hand back: re-applied on it, B would overwrite the other
    process's save unseen. Both are judged again on the row as it is."""
    dossier_id = new(engine)
    gate, first = hold(writer, new(engine))
    a = writer.submit(dossier_id, 1, saving_elsewhere(elsewhere, dossier_id, {"by": "A"}))
    b = writer.submit(dossier_id, 1, answers({"by": "B"}))
    gate.set()
    first.result(10)
    for refused in (a, b):
        with pytest.raises(crud.StaleVersion) as stale:
            refused.result(10)
        assert (stale.value.current.version, stale.value.current.answers) == (
            2,
            {"by": "elsewhere"},
        )
    assert stored(engine, dossier_id).answers == {"by": "elsewhere"}


def test_a_cancelled_future_does_not_stop_the_writer(engine: Engine, writer: DossierWriter) -> None:
    ids = [new(engine) for _ in range(3)]
    gate, first = hold(writer, ids[0])
    cancelled = writer.submit(ids[1], 1, answers({"x": "1"}))
    assert cancelled.cancel()
    gate.set()
    first.result(10)
    assert writer.save(ids[2], 1, answers({"x": "2"})).dossier.version == 2
    assert stored(engine, ids[1]).version == 2  # submitted, so written all the same


def test_stop_while_a_change_is_submitted_ends_and_the_change_is_written(
    engine: Engine, writer: DossierWriter
) -> None:
    ids = [new(engine) for _ in range(2)]
    gate, first = hold(writer, ids[0])
    stopper = threading.Thread(target=writer.stop)
    stopper.start()
    while stopper.is_alive() and writer._thread is not None:  # wait for stop() to take it
        threading.Event().wait(0.01)
    late = writer.submit(ids[1], 1, answers({"late": "yes"}))  # a new thread and queue
    gate.set()
    first.result(10)
    stopper.join(10)
    assert not stopper.is_alive()
    assert late.result(10).dossier.answers == {"late": "yes"}


def test_a_value_the_database_cannot_take_fails_alone(
    engine: Engine, writer: DossierWriter
) -> None:
    ids = [new(engine) for _ in range(3)]
    gate, first = hold(writer, ids[0])
    bad = writer.submit(ids[1], 1, answers({"when": object()}))  # not JSON: a StatementError
    fine = writer.submit(ids[2], 1, answers({"ok": "yes"}))
    gate.set()
    first.result(10)
    with pytest.raises(WriteFailed):
        bad.result(10)
    assert fine.result(10).dossier.answers == {"ok": "yes"}


def test_a_locked_database_fails_the_batch_at_once(tmp_path: Path) -> None:
    """SQLite locked by another connection past the busy time-out: every change of the batch
    fails after one wait, not one wait per change, and the writer goes on afterwards."""
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    migrate(make_engine(url))
    engine = make_engine(url)  # its connections wait 0.2 s for a lock, not 10 s
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA busy_timeout=200"))
    writer = DossierWriter(engine)
    ids = [new(engine) for _ in range(6)]
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    try:
        gate, first = hold(writer, ids[0])
        futures = [writer.submit(i, 1, answers({"x": "1"})) for i in ids[1:]]
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        gate.set()
        for future in [first, *futures]:
            with pytest.raises(WriteFailed):
                future.result(10)
        assert time.monotonic() - started < 2  # batches of 1 and 5: two waits of 0.2 s
        other.execute("ROLLBACK")
        assert writer.save(ids[1], 1, answers({"x": "2"})).dossier.version == 2
    finally:
        other.close()
        writer.stop()
        engine.dispose()


def test_the_trail_holds_each_field_changed_once_as_written() -> None:
    from clauses.store.writer import _trail

    actor = (uuid.uuid4(), "acheteur@region.test")
    lots = [{"title": "Lot 1", "cpv": ""}]
    before = {
        "answers": {"nature": "works", "cpv": "", "amount": 1, "lots": lots, "gone": "x"},
        "title": "Dossier",
        "status": "draft",
    }
    after = {
        "answers": {"nature": "works", "cpv": None, "amount": 1.0, "lots": [dict(lots[0])]},
        "title": "Dossier renommé",
        "status": "draft",
        "updated_at": "now",
        "organisation_id": None,
        "id": uuid.uuid4(),
    }
    rows = _trail(actor, before, after)
    assert [(r["field"], r["old"], r["new"]) for r in rows] == [
        ("answers.amount", "1", "1.0"),  # equal numbers, written differently
        ("answers.gone", "x", None),
        ("title", "Dossier", "Dossier renommé"),
    ]
    assert all(r["actor"] == "acheteur@region.test" and r["at"] == "now" for r in rows)
    after["answers"]["lots"][0]["cpv"] = "45262500-6"
    changed = [r for r in _trail(actor, before, after) if r["field"] == "answers.lots"]
    assert [r["new"] for r in changed] == ['[{"title": "Lot 1", "cpv": "45262500-6"}]']


def test_a_change_raising_stop_iteration_still_answers_its_caller(
    engine: Engine, writer: DossierWriter
) -> None:
    """asyncio refuses StopIteration in a future: the writer gives its caller a RuntimeError
    rather than leaving the request waiting forever (found by the form fuzzer)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    dossier_id = new(engine)

    def change(_current: Dossier) -> dict[str, Any]:
        return {"answers": next(iter({}))}  # raises StopIteration

    async def attempt() -> None:
        with pytest.raises(RuntimeError, match="StopIteration"):
            await asyncio.wait_for(writer.update(dossier_id, 1, change), 10)

    # In a thread of its own: a browser test of the same worker may hold this thread's loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, attempt()).result()
    with pytest.raises(RuntimeError, match="StopIteration"):
        writer.save(dossier_id, 1, change)
