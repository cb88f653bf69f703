"""Every change to an existing dossier goes through the process's :class:`DossierWriter`.

A wizard saves on every step (and, with htmx, on every answer changed), so dossier updates are
the application's most frequent writes. The writer applies them on one thread with *group
commit*: the changes waiting when it wakes up are applied in one transaction and made durable by
one commit (one ``fsync`` on SQLite), and each caller gets its answer only once that commit has
returned, so a save acknowledged to the buyer is on disk.

Each change names the version the user saw (optimistic locking): the batch's rows are read (one
``SELECT``), the caller's ``change`` function computes the new values of its row (answers, title
or status), and ``UPDATE … WHERE version = expected`` writes them (one ``executemany``). A change
made on another version fails with :class:`StaleVersion`, which carries the dossier as it is,
for the conflict page. The ``WHERE`` also guards against the other processes on the same
database (``clauses serve --workers N``, each with its own writer): a row they changed between
the read and the write is not overwritten.

If a batch's transaction fails because of one of its changes (a value the database refuses) or
because another process changed one of its rows meanwhile, its changes are retried one by one,
each in its own transaction and judged again on the row as it is, so that one change cannot take
the others down; a change that still fails gets :class:`WriteFailed`. When the database itself
is unavailable (locked by another process past the busy time-out, unreachable, full), every
change of the batch gets :class:`WriteFailed` at once. Changes in a batch are applied in the
order of their dossiers' ids (the same order in every process, so that batches of two PostgreSQL
workers cannot deadlock), and in submission order for one dossier.

A change made on behalf of someone (``actor``) leaves its field-level trail in the same
transaction: one ``audit_event`` row per answer, title or status changed (one more
``executemany``), so that the trail holds exactly the changes that were committed.
"""
# Over 400 lines: one group-commit writer (queue, thread, transaction) that changes as a whole.

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import queue
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from clauses.store.crud import DossierNotFound, StaleVersion
from clauses.store.db import unavailable, write_health, write_lock
from clauses.store.models import AuditEvent, Dossier, DossierStatus, utcnow

log = logging.getLogger("clauses.store")

# At most this many changes per transaction: a commit is never held back by a long queue.
MAX_BATCH = 100
Change = Callable[[Dossier], dict[str, Any]]
Actor = tuple[uuid.UUID, str]  # the user's id and e-mail, for the audit trail
DOSSIER = Dossier.__table__  # type: ignore[attr-defined]
AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
AUDIT_VALUE_MAX = 2000  # characters of a value kept in the trail


@dataclass(frozen=True)
class Saved:
    """A change applied: the dossier as it was read, and as it is now."""

    previous: Dossier
    dossier: Dossier


@dataclass
class _Request:
    dossier_id: uuid.UUID
    expected_version: int
    change: Change
    future: Future[Saved] | asyncio.Future[Saved]
    loop: asyncio.AbstractEventLoop | None = None  # the future's event loop, if it has one
    actor: Actor | None = None


# The statements are built once; each execution only binds its values. The UPDATE writes the
# columns a change may set (those it leaves keep the value read in the same transaction).
SELECT_MANY = select(DOSSIER).where(DOSSIER.c.id.in_(bindparam("ids", expanding=True)))
CHANGEABLE = ("answers", "strategy", "title", "status")
UPDATE_ONE = (
    update(DOSSIER)
    .where(DOSSIER.c.id == bindparam("w_id"), DOSSIER.c.version == bindparam("w_version"))
    .values(
        {name: bindparam(name) for name in CHANGEABLE}
        | {"version": DOSSIER.c.version + 1, "updated_at": bindparam("updated_at")}
    )
)

INSERT_TRAIL = AUDIT.insert()


class _Contended(Exception):
    """Another process changed one of the batch's rows between the read and the write."""


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite keeps UTC, naive


def _dossier(values: dict[str, Any]) -> Dossier:
    """A dossier from its column values, as read (no validation: the database holds them)."""
    return Dossier.model_construct(
        **values
        | {
            "status": DossierStatus(values["status"]),
            "created_at": _utc(values["created_at"]),
            "updated_at": _utc(values["updated_at"]),
        }
    )


def _read(connection: Connection, ids: set[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    rows = connection.execute(SELECT_MANY, {"ids": list(ids)})  # a read: no lock to order
    return {row.id: dict(row._mapping) for row in rows}


def _apply(connection: Connection, batch: list[_Request]) -> dict[int, Saved | Exception]:
    """The batch's changes inside its transaction: each one's outcome, success or refusal.

    The rows are read with one ``SELECT`` and written with one ``executemany`` of the
    ``UPDATE``; if fewer rows than expected were written, another process got in between:
    :class:`_Contended` is raised (the transaction is rolled back) unless the batch is a
    single change, which is then refused as stale."""
    rows = _read(connection, {request.dossier_id for request in batch})
    outcomes: dict[int, Saved | Exception] = {}
    writes: list[dict[str, Any]] = []
    trail: list[dict[str, Any]] = []
    for request in batch:
        outcomes[id(request)], values = _prepare(request, rows)
        if values is not None:  # a later change of the same dossier sees this one
            if request.actor is not None:
                trail += _trail(request.actor, rows[request.dossier_id], values)
            rows[request.dossier_id] = values
            writes.append(
                {name: values[name] for name in CHANGEABLE}
                | {"w_id": request.dossier_id, "w_version": request.expected_version}
                | {"updated_at": values["updated_at"]}
            )
    if writes and connection.execute(UPDATE_ONE, writes).rowcount != len(writes):
        if len(batch) > 1:
            # The other outcomes may have been judged against a state that is not the row's
            # (another change of the same dossier in this batch): all are judged again, alone.
            raise _Contended()
        request = batch[0]
        latest = _read(connection, {request.dossier_id}).get(request.dossier_id)
        outcomes[id(request)] = (
            StaleVersion(_dossier(latest)) if latest else DossierNotFound(str(request.dossier_id))
        )
        return outcomes
    if trail:
        connection.execute(INSERT_TRAIL, trail)
    return outcomes


def audit_text(value: Any) -> str | None:
    """A value as the audit trail keeps it (None for nothing, ISO for a date, JSON for a
    structure), cut at :data:`AUDIT_VALUE_MAX` characters."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text[:AUDIT_VALUE_MAX]


def _trail(actor: Actor, before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """One audit row per field the change sets to another value (as the trail writes values).
    A step's save leaves most answers as they were: a value that is the same string (or None)
    before and after is passed over without being written out; the others are written once."""
    old_answers, new_answers = before["answers"], after["answers"]
    fields: list[tuple[str, Any, Any]] = [
        (f"answers.{key}", old_answers.get(key), new_answers.get(key))
        for key in sorted(old_answers.keys() | new_answers.keys())
    ]
    fields += [(name, before[name], after[name]) for name in ("title", "status")]
    rows = []
    for name, old, new in fields:
        if old == new and (old is None or type(old) is str) and type(new) is type(old):
            continue  # the same text: the same in the trail
        old_text, new_text = audit_text(old), audit_text(new)
        if old_text != new_text:
            rows.append(
                {
                    "at": after["updated_at"],
                    "action": "modification",
                    "organisation_id": after["organisation_id"],
                    "dossier_id": after["id"],
                    "user_id": actor[0],
                    "actor": actor[1],
                    "field": name,
                    "old": old_text,
                    "new": new_text,
                }
            )
    return rows


def _prepare(
    request: _Request, rows: dict[uuid.UUID, dict[str, Any]]
) -> tuple[Saved | Exception, dict[str, Any] | None]:
    """The dossier after the change and its column values, or why the change is refused."""
    values = rows.get(request.dossier_id)
    if values is None:
        return DossierNotFound(str(request.dossier_id)), None
    current = _dossier(values)
    if current.version != request.expected_version:
        return StaleVersion(current), None
    try:
        changes = request.change(current)
        if not changes or not set(changes) <= set(CHANGEABLE):
            raise ValueError(f"a change sets some of {CHANGEABLE}, not {sorted(changes)}")
    except StopIteration as exc:  # no future may carry it (asyncio refuses): its caller waited
        return RuntimeError(f"the change raised StopIteration: {exc!r}"), None
    except Exception as exc:  # the caller's function failed: its error, the batch goes on
        return exc, None
    new = values | changes | {"version": current.version + 1, "updated_at": utcnow()}
    return Saved(previous=current, dossier=_dossier(new)), new


class WriteFailed(Exception):
    """The change could not be written (the database's error is its cause)."""


class DossierWriter:
    """The writer of one database in this process. Its thread starts with the first change and
    stops with :meth:`stop` (after applying what was submitted); a later change starts a new
    one, with a queue of its own."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = write_lock(engine)
        self._queue: queue.SimpleQueue[_Request | None] | None = None
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def submit(self, dossier_id: uuid.UUID, expected_version: int, change: Change) -> Future[Saved]:
        """Queue a change; the future gives :class:`Saved` once committed, or raises
        :class:`DossierNotFound`, :class:`StaleVersion`, the change function's error or
        :class:`WriteFailed`. Cancelling the future does not withdraw the change."""
        future: Future[Saved] = Future()
        self._enqueue(_Request(dossier_id, expected_version, change, future))
        return future

    async def update(
        self,
        dossier_id: uuid.UUID,
        expected_version: int,
        change: Change,
        *,
        actor: Actor | None = None,
    ) -> Saved:
        """:meth:`submit`, awaited from the event loop (which goes on serving meanwhile). The
        requests of one batch are answered together, with one wake-up of the loop. With an
        ``actor``, the change leaves its trail in the audit log."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Saved] = loop.create_future()
        self._enqueue(_Request(dossier_id, expected_version, change, waiter, loop, actor))
        return await waiter

    def save(self, dossier_id: uuid.UUID, expected_version: int, change: Change) -> Saved:
        """:meth:`submit`, waited for (for code that runs outside the event loop)."""
        return self.submit(dossier_id, expected_version, change).result()

    def _enqueue(self, request: _Request) -> None:
        with self._guard:
            if self._thread is None or self._queue is None:
                self._queue = queue.SimpleQueue()
                self._thread = threading.Thread(
                    target=self._run,
                    args=(self._queue,),
                    name="clauses-dossier-writer",
                    daemon=True,
                )
                self._thread.start()
            self._queue.put(request)

    def stop(self) -> None:
        """Apply what is queued, then end the thread."""
        with self._guard:
            thread, changes = self._thread, self._queue
            self._thread = self._queue = None
            if thread is None or changes is None:
                return
            changes.put(None)
        thread.join()

    def _run(self, changes: queue.SimpleQueue[_Request | None]) -> None:
        batch: list[_Request] = []
        try:
            while True:
                first = changes.get()
                if first is None:
                    return
                batch = [first]
                stopping = False
                while len(batch) < MAX_BATCH:
                    try:
                        item = changes.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        stopping = True
                        break
                    batch.append(item)
                ordered = sorted(batch, key=lambda r: r.dossier_id.bytes)
                try:
                    outcomes = self._outcomes(ordered)
                except Exception as exc:  # a bug: its callers get an error, the thread goes on
                    log.error("enregistrement de dossiers impossible (%s)", type(exc).__name__)
                    outcomes = {id(request): _failed(exc) for request in ordered}
                _deliver(ordered, outcomes)
                batch = []
                if stopping:
                    return
        except BaseException as exc:  # the thread ends (interpreter exit): nobody may wait
            with self._guard:
                if self._queue is changes:  # the next change starts a new thread
                    self._thread = self._queue = None
            pending = list(batch)
            while True:
                try:
                    item = changes.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    pending.append(item)
            _deliver(pending, {id(request): _failed(exc) for request in pending})
            raise

    def _outcomes(self, ordered: list[_Request]) -> dict[int, Saved | Exception]:
        """Apply the batch; if its transaction fails, retry its changes one by one, except when
        the database itself is unavailable (locked, unreachable, out of space): retrying would
        only make every caller wait longer, and the others writers of the process with them."""
        try:
            outcomes = self._transaction(ordered)
        except (OperationalError, InterfaceError, PoolTimeout) as exc:
            log.error("%d enregistrement(s) impossible(s) (%s)", len(ordered), type(exc).__name__)
            write_health(self._engine).failed()
            return {id(request): _failed(exc) for request in ordered}
        except Exception as exc:  # a change the database refuses, or a row changed meanwhile
            if unavailable(exc):
                write_health(self._engine).failed()
            if len(ordered) == 1:
                log.error("enregistrement d’un dossier impossible (%s)", type(exc).__name__)
                return {id(ordered[0]): _failed(exc)}
            log.warning(
                "%d enregistrements repris un par un (%s)", len(ordered), type(exc).__name__
            )
        else:
            write_health(self._engine).succeeded()
            return outcomes
        outcomes = {}
        for request in ordered:
            outcomes |= self._outcomes([request])
        return outcomes

    def _transaction(self, batch: list[_Request]) -> dict[int, Saved | Exception]:
        with self._lock, self._engine.connect() as connection, connection.begin():
            return _apply(connection, batch)


def _failed(cause: BaseException) -> WriteFailed:
    """One error for each caller (an exception object raised in several tasks would gather
    their tracebacks)."""
    error = WriteFailed("the change could not be written")
    error.__cause__ = cause
    return error


def _deliver(requests: list[_Request], outcomes: dict[int, Saved | Exception]) -> None:
    """Give each caller its outcome: directly for the futures of other threads (a cancelled
    one is left as it is), with one wake-up per event loop for the others."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Saved], Any]]] = {}
    for request in requests:
        outcome = outcomes[id(request)]
        if request.loop is not None:
            waiter = cast("asyncio.Future[Saved]", request.future)
            by_loop.setdefault(request.loop, []).append((waiter, outcome))
            continue
        with contextlib.suppress(InvalidStateError):  # cancelled
            if isinstance(outcome, Saved):
                request.future.set_result(outcome)
            else:
                request.future.set_exception(outcome)
    for loop, settled in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits
            loop.call_soon_threadsafe(_settle, settled)


def _settle(settled: list[tuple[asyncio.Future[Saved], Saved | Exception]]) -> None:
    """On an event loop: give their outcomes to the requests of a batch that still wait."""
    for waiter, outcome in settled:
        if waiter.done():  # cancelled: the client went away (its change is saved all the same)
            continue
        if isinstance(outcome, Saved):
            waiter.set_result(outcome)
        else:
            waiter.set_exception(outcome)
