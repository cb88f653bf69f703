"""Abuse limits: failed sign-ins, heavy operations (duplicate, generate) per account, documents
generated at once, and the organisation's quotas of dossiers and stored bytes.

The counters are kept in the database (:mod:`clauses.store.rates`): the server's processes
share them, so that N workers allow each limit once, not N times. The Word generations at once
are counted per process (they bound its own CPU and memory). The quota of dossiers is an
indexed count at each creation; the stored bytes (every organisation's answers and documents
read and summed) are measured at most every :data:`USAGE_SECONDS` by each process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine
from sqlmodel import Session

from clauses import french
from clauses.store import accounts, crud, rates
from clauses.store.models import utcnow
from clauses.web.rendering import context_of, render
from clauses.web.sessions import Principal

GENERATING_AT_ONCE = 2  # Word drafts built at the same time by one process
USAGE_SECONDS = 600  # how long a process trusts an organisation's measured stored bytes


class SlidingWindow:
    """At most ``limit`` events per key within ``seconds``, counted in the database."""

    def __init__(self, engine: Engine, name: str, limit: int, seconds: float) -> None:
        self.engine = engine
        self.name = name
        self.limit = limit
        self.window = dt.timedelta(seconds=seconds)

    def full(self, key: str) -> bool:
        return rates.recent(self.engine, rates.key_of(self.name, key), utcnow()) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one event; False if the key was already at its limit (the event is refused)."""
        stored = rates.key_of(self.name, key)
        return rates.hit(self.engine, stored, self.limit, self.window, utcnow())

    def clear(self, key: str) -> None:
        rates.clear(self.engine, rates.key_of(self.name, key))


class Measured:
    """A value measured at most every ``seconds`` per key, kept by the process."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._values: dict[uuid.UUID, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def get(self, key: uuid.UUID, measure: Callable[[], int]) -> int:
        with self._lock:
            found = self._values.get(key)
        if found is not None and time.monotonic() - found[0] < self.seconds:
            return found[1]
        value = measure()
        with self._lock:
            self._values[key] = (time.monotonic(), value)
        return value


RESETS_PER_WINDOW = 3


class Limits:
    """The windows of one application (built from its settings)."""

    def __init__(
        self, engine: Engine, *, sign_in_attempts: int, window_minutes: float, heavy: int
    ) -> None:
        seconds = window_minutes * 60
        self.failed_by_email = SlidingWindow(engine, "connexion-adresse", sign_in_attempts, seconds)
        self.failed_by_client = SlidingWindow(
            engine, "connexion-poste", sign_in_attempts * 5, seconds
        )
        self.heavy = SlidingWindow(engine, "lourd", heavy, 60)
        # « Mot de passe oublié »: a few messages per address and window, so that the form
        # cannot fill someone's mailbox.
        self.reset_by_email = SlidingWindow(engine, "oubli-adresse", RESETS_PER_WINDOW, seconds)
        self.generating = threading.BoundedSemaphore(GENERATING_AT_ONCE)
        self.stored_bytes = Measured(USAGE_SECONDS)


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
    ctx = context_of(request)
    settings = ctx.settings
    if (
        crud.count_dossiers(session=session, organisation_id=organisation_id)
        >= settings.max_dossiers
    ):
        message = (
            f"Votre organisation a atteint son quota de {french.number(settings.max_dossiers)} "
            "dossiers. Supprimez des dossiers qui ne servent plus, ou demandez à "
            "l’administrateur du service d’augmenter le quota."
        )
    elif (
        ctx.limits.stored_bytes.get(
            organisation_id, lambda: accounts.usage(session, organisation_id).stored_bytes
        )
        >= settings.max_stored_bytes
    ):
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
