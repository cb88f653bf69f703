"""The audit trail of a dossier."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select

from clauses.store.db import commit
from clauses.store.models import AuditEvent


def record(session: Session, event: AuditEvent) -> None:
    session.add(event)
    commit(session)


def history(session: Session, dossier_id: uuid.UUID, limit: int = 500) -> Sequence[AuditEvent]:
    query = (
        select(AuditEvent)
        .where(AuditEvent.dossier_id == dossier_id)
        .order_by(col(AuditEvent.at).desc())
        .limit(limit)
    )
    return session.exec(query).all()
