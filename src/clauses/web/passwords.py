"""Turns for the requests that hash a password (sign-in, the OpenID link, an account made or
deleted, the first setup).

The hashing itself runs at most as many at once as the process has cores
(:data:`clauses.store.accounts.HASHING_AT_ONCE`), the others waiting their turn in the route's
thread. So that a storm of sign-ins does not fill the server's threads with waiting ones (every
page needs one), only :data:`WAITING_PER_CORE` requests per core are let in at once; the next
get a French 429 at once, with ``Retry-After``; one let in that waits past
:data:`clauses.store.accounts.HASHING_WAIT_S` gets the same (:func:`busy`).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator

from fastapi import HTTPException, Request
from fastapi.responses import Response

from clauses.store.accounts import HASHING_AT_ONCE
from clauses.web.limits import too_many

WAITING_PER_CORE = 8
RETRY_AFTER_S = 5
MESSAGE = (
    "Trop de connexions en même temps : la vôtre n’a pas pu être vérifiée. Réessayez dans "
    "quelques secondes."
)


class Turns:
    """Requests that hash a password, let in up to ``capacity`` at once (any event loop)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._in = 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        with self._lock:
            if self._in >= self.capacity:
                return False
            self._in += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self._in -= 1


TURNS = Turns(HASHING_AT_ONCE * WAITING_PER_CORE)


class HashingQueueFull(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=429, headers={"Retry-After": str(RETRY_AFTER_S)})


async def password_turn() -> AsyncIterator[None]:
    """Route dependency: a turn among the requests that hash a password, or 429 at once."""
    if not TURNS.enter():
        raise HashingQueueFull()
    try:
        yield
    finally:
        TURNS.leave()


async def busy(request: Request, _exc: Exception) -> Response:
    """Handler of :class:`HashingQueueFull` and :class:`clauses.store.accounts.HashingBusy`."""
    response = too_many(request, MESSAGE)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response
