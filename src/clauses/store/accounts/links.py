"""Links sent by e-mail (a password's, a facilitator's invitation): used once, until they
expire."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, update
from sqlmodel import Session, col

from clauses.store.models import Invitation, PasswordLink


class InvitationClosed(LookupError):
    """The link was used meanwhile, or has expired: « not found »."""


def aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment  # SQLite: naive


def claim(
    session: Session,
    link: type[PasswordLink] | type[Invitation],
    which: ColumnElement[bool],
    *,
    now: dt.datetime,
    name: str,
) -> None:
    """Mark the link ``which`` selects used, by an update that must find it still unused and
    unexpired, in the caller's transaction: of simultaneous uses one only claims it, the others
    are rolled back and get :class:`InvitationClosed` (``name``)."""
    claimed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(link)
        .where(which, col(link.used_at).is_(None), col(link.expires_at) > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise InvitationClosed(name)
