"""Comments on a dossier's steps."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select

from clauses.store.accounts.credentials import AccountError
from clauses.store.db import commit
from clauses.store.models import COMMENT_MAX, NAME_MAX, Comment, User


def add_comment(
    session: Session, *, dossier_id: uuid.UUID, step_id: str, author: User, text: str
) -> Comment:
    text = text.strip()
    if not text:
        raise AccountError("Commentaire : indiquez un texte.")
    if len(text) > COMMENT_MAX:
        raise AccountError(
            f"Commentaire trop long ({len(text)} caractères, {COMMENT_MAX} au plus)."
        )
    comment = Comment(
        dossier_id=dossier_id,
        step_id=step_id,
        author_id=author.id,
        author_name=author.display_name[:NAME_MAX],
        text=text,
    )
    session.add(comment)
    commit(session)
    return comment


def comments(session: Session, dossier_id: uuid.UUID) -> Sequence[Comment]:
    query = (
        select(Comment).where(Comment.dossier_id == dossier_id).order_by(col(Comment.created_at))
    )
    return session.exec(query).all()
