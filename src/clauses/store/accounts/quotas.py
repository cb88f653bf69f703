"""Quotas: what an organisation's dossiers take."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import String, cast, func
from sqlmodel import Session, col, select

from clauses.store.models import Dossier, FollowupEntry, GeneratedDocument


@dataclass(frozen=True)
class Usage:
    dossiers: int
    stored_bytes: int


def usage(session: Session, organisation_id: uuid.UUID) -> Usage:
    """The organisation's dossiers and the bytes they take (answers, generated documents and
    the lines of their contracts' follow-up)."""
    count, answers = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(func.length(cast(col(Dossier.answers), String))), 0),
        ).where(Dossier.organisation_id == organisation_id)
    ).one()
    documents = session.exec(
        select(func.coalesce(func.sum(func.length(col(GeneratedDocument.content))), 0))
        .join(Dossier, col(Dossier.id) == col(GeneratedDocument.dossier_id))
        .where(Dossier.organisation_id == organisation_id)
    ).one()
    followup = session.exec(
        select(
            func.coalesce(func.sum(func.length(cast(col(FollowupEntry.data), String))), 0)
        ).where(FollowupEntry.organisation_id == organisation_id)
    ).one()
    return Usage(dossiers=int(count), stored_bytes=int(answers) + int(documents) + int(followup))
