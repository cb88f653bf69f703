"""Abuse limits: failed sign-ins, heavy operations (duplicate, generate) per account, documents
generated at once, and the organisation's quotas of dossiers and stored bytes.

The counters are kept in the process (a sliding window of times per key): with several workers,
each counts its own requests, so a client gets at most that many times the limit; the quotas
are read from the database and hold for all.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import time
import uuid
from collections.abc import Iterator

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from clauses import french
from clauses.store import accounts
from clauses.web.rendering import context_of, render
from clauses.web.sessions import Principal

GENERATING_AT_ONCE = 2  # Word drafts built at the same time by one process
MAX_KEYS = 100_000  # keys kept per window: beyond, the oldest are forgotten


class SlidingWindow:
    """At most ``limit`` events per key within ``seconds``."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self._events: collections.OrderedDict[str, collections.deque[float]] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> collections.deque[float]:
        events = self._events.setdefault(key, collections.deque())
        self._events.move_to_end(key)
        while events and events[0] <= now - self.seconds:
            events.popleft()
        while len(self._events) > MAX_KEYS:
            self._events.popitem(last=False)
        return events

    def full(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one event; False if the key was already at its limit (the event is refused)."""
        with self._lock:
            events = self._recent(key, time.monotonic())
            if len(events) >= self.limit:
                return False
            events.append(time.monotonic())
            return True

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


class Limits:
    """The windows of one application (built from its settings)."""

    def __init__(self, *, sign_in_attempts: int, window_minutes: float, heavy: int) -> None:
        seconds = window_minutes * 60
        self.failed_by_email = SlidingWindow(sign_in_attempts, seconds)
        self.failed_by_client = SlidingWindow(sign_in_attempts * 5, seconds)
        self.heavy = SlidingWindow(heavy, 60)
        self.generating = threading.BoundedSemaphore(GENERATING_AT_ONCE)


def too_many(request: Request, message: str, status: int = 429) -> HTMLResponse:
    return render(
        request,
        "errors/error.html",
        {"page_title": "Trop de demandes", "title": "Trop de demandes", "message": message},
        status_code=status,
        headers={"Retry-After": "60"} if status == 429 else None,
    )


def heavy(request: Request, principal: Principal) -> HTMLResponse | None:
    """A duplication or a generation, within the account's allowance per minute."""
    if context_of(request).limits.heavy.hit(str(principal.user_id)):
        return None
    return too_many(
        request,
        "Vous avez fait beaucoup de copies ou de générations de documents en une minute. "
        "Patientez une minute puis réessayez : votre dossier est conservé.",
    )


def over_quota(
    request: Request, session: Session, organisation_id: uuid.UUID | None
) -> HTMLResponse | None:
    if organisation_id is None:
        return None
    settings = context_of(request).settings
    used = accounts.usage(session, organisation_id)
    if used.dossiers >= settings.max_dossiers:
        message = (
            f"Votre organisation a atteint son quota de {french.number(settings.max_dossiers)} "
            "dossiers. Supprimez des dossiers qui ne servent plus, ou demandez à "
            "l’administrateur du service d’augmenter le quota."
        )
    elif used.stored_bytes >= settings.max_stored_bytes:
        megabytes = settings.max_stored_bytes // 1_000_000
        message = (
            f"Votre organisation a atteint son quota d’espace ({french.number(megabytes)} Mo). "
            "Supprimez des dossiers ou des documents qui ne servent plus, ou demandez à "
            "l’administrateur du service d’augmenter le quota."
        )
    else:
        return None
    return too_many(request, message, status=403)


@contextlib.contextmanager
def generating(request: Request) -> Iterator[None]:
    """A slot among the process's Word generations at once, or 429 (« trop de demandes »)."""
    slots = context_of(request).limits.generating
    if not slots.acquire(timeout=5):
        raise HTTPException(status_code=429)
    try:
        yield
    finally:
        slots.release()
