"""Sessions ended by a sign-out or an account's deletion, refused from the next request on.

A session cookie is read without the database (:mod:`clauses.web.sessions`) and the account is
read again only once a minute: a signed-out or deleted account kept reading and writing for up
to that minute (issue 20, finding 9; a deleted account created a dossier 0.3 s after its
deletion). The process that ends the sessions notes it here at once; every process reads the
revocations the others recorded (:class:`clauses.store.models.SessionRevocation`) at most every
:data:`POLL_SECONDS`, on the request that finds them due (one short query, in a thread; no
thread of its own). So with one process a revocation holds from the next request; with several,
within that delay.
"""

from __future__ import annotations

import threading
import time
import uuid

import anyio.to_thread
from sqlalchemy import Engine

from clauses.store import accounts
from clauses.store.db import new_session

POLL_SECONDS = 1.0
MAX_KEPT = 100_000  # accounts whose revocation is remembered; beyond, all are read again


class Revocations:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._ended: dict[uuid.UUID, int] = {}  # user → the lowest epoch still valid
        self._last_id = 0
        self._read_at = float("-inf")
        self._reading = False
        self._lock = threading.Lock()

    def note(self, user_id: uuid.UUID, epoch: int) -> None:
        """The user's sessions below ``epoch`` have ended."""
        with self._lock:
            if len(self._ended) >= MAX_KEPT:
                self._ended.clear()
                self._last_id = 0
            self._ended[user_id] = max(epoch, self._ended.get(user_id, epoch))

    def ended(self, user_id: uuid.UUID, epoch: int) -> bool:
        valid_from = self._ended.get(user_id)
        return valid_from is not None and epoch < valid_from

    async def refresh(self) -> None:
        """Read the others' revocations if they are due (one request reads them; the others
        go on meanwhile)."""
        if self._reading or time.monotonic() - self._read_at < POLL_SECONDS:
            return
        self._reading = True
        try:
            await anyio.to_thread.run_sync(self.read)
        finally:
            self._reading = False

    def read(self) -> None:
        """The revocations recorded since the last read (by any process)."""
        with new_session(self._engine) as session:
            rows = accounts.revocations_after(session, self._last_id)
        for row in rows:
            self.note(row.user_id, row.epoch)
        with self._lock:
            if rows:
                self._last_id = max(self._last_id, rows[-1].id or 0)
            self._read_at = time.monotonic()
