"""Data functions over dossiers and generated documents (keyword-only, tested without HTTP).

Changes to an existing dossier go through :mod:`clauses.store.writer` (group commit). Every change
names the version the user saw: it only happens if the dossier is still at that version
(optimistic locking), otherwise :class:`StaleVersion` carries the current state so that the
caller can show it next to what the user submitted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import CursorResult, delete, func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from clauses.store.db import writing
from clauses.store.models import (
    Dossier,
    DossierCreate,
    DossierStatus,
    GeneratedDocument,
    GeneratedDocumentCreate,
    Stage,
    WordTemplate,
)


class DossierNotFound(LookupError):
    pass


class StaleVersion(Exception):
    """The dossier changed since the user loaded it; ``current`` is its state now."""

    def __init__(self, current: Dossier) -> None:
        self.current = current
        super().__init__(f"dossier {current.id} is at version {current.version}")


def create_dossier(
    *,
    session: Session,
    dossier_in: DossierCreate,
    organisation_id: uuid.UUID | None = None,
    author_id: uuid.UUID | None = None,
) -> Dossier:
    dossier = Dossier.model_validate(
        dossier_in, update={"organisation_id": organisation_id, "author_id": author_id}
    )
    session.add(dossier)
    with writing(session):
        session.commit()
    session.refresh(dossier)
    return dossier


def get_dossier(*, session: Session, dossier_id: uuid.UUID) -> Dossier:
    dossier = session.get(Dossier, dossier_id, populate_existing=True)
    if dossier is None:
        raise DossierNotFound(str(dossier_id))
    return dossier


HEAVY = (Dossier.answers, Dossier.strategy, Dossier.published, Dossier.award)


def _listed(
    organisation_id: uuid.UUID | None, status: DossierStatus | None, stages: Sequence[Stage]
) -> list[Any]:
    """What the list and its count filter on: the organisation, and the status and stages
    when given."""
    where: list[Any] = [Dossier.organisation_id == organisation_id]
    if status is not None:
        where.append(Dossier.status == status)
    if stages:
        where.append(col(Dossier.stage).in_([s.value for s in stages]))
    return where


def list_dossiers(
    *,
    session: Session,
    organisation_id: uuid.UUID | None,
    status: DossierStatus | None = None,
    stages: Sequence[Stage] = (),
    limit: int = 50,
    offset: int = 0,
) -> Sequence[Dossier]:
    """The organisation's dossiers (at those stages, if given), most recently changed first,
    without their heavy columns (answers, strategy, published tender, award: loaded if read)."""
    query = (
        select(Dossier)
        .options(*(defer(column) for column in HEAVY))  # type: ignore[arg-type]
        .where(*_listed(organisation_id, status, stages))
        .order_by(col(Dossier.updated_at).desc())
        .offset(offset)
        .limit(limit)
    )
    return session.exec(query).all()


def count_dossiers(
    *,
    session: Session,
    organisation_id: uuid.UUID | None,
    status: DossierStatus | None = None,
    stages: Sequence[Stage] = (),
) -> int:
    query = select(func.count()).select_from(Dossier)
    return session.exec(query.where(*_listed(organisation_id, status, stages))).one()


def duplicate_dossier(
    *, session: Session, dossier_id: uuid.UUID, title: str, author_id: uuid.UUID | None = None
) -> Dossier:
    """A new draft of the same organisation with a copy of the answers and the strategy;
    generated documents stay with the original."""
    original = get_dossier(session=session, dossier_id=dossier_id)
    return create_dossier(
        session=session,
        dossier_in=DossierCreate(
            title=title, answers=dict(original.answers), strategy=original.strategy
        ),
        organisation_id=original.organisation_id,
        author_id=author_id,
    )


def delete_dossier(*, session: Session, dossier_id: uuid.UUID, expected_version: int) -> None:
    """Delete the dossier, if still at that version; its documents go with it (ON DELETE CASCADE)."""
    with writing(session):
        result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            delete(Dossier).where(
                col(Dossier.id) == dossier_id, col(Dossier.version) == expected_version
            )
        )
        session.commit()
    if result.rowcount == 0:
        raise StaleVersion(get_dossier(session=session, dossier_id=dossier_id))


def add_document(
    *, session: Session, dossier_id: uuid.UUID, document_in: GeneratedDocumentCreate
) -> GeneratedDocument:
    get_dossier(session=session, dossier_id=dossier_id)
    document = GeneratedDocument.model_validate(document_in, update={"dossier_id": dossier_id})
    session.add(document)
    with writing(session):
        session.commit()
    session.refresh(document)
    return document


def list_documents(*, session: Session, dossier_id: uuid.UUID) -> Sequence[GeneratedDocument]:
    """The dossier's documents, newest first, without their bytes."""
    query = (
        select(GeneratedDocument)
        .where(GeneratedDocument.dossier_id == dossier_id)
        .options(defer(GeneratedDocument.content))  # type: ignore[arg-type]
        .order_by(col(GeneratedDocument.created_at).desc())
    )
    return session.exec(query).all()


def get_document(
    *, session: Session, dossier_id: uuid.UUID, document_id: uuid.UUID
) -> GeneratedDocument:
    document = session.get(GeneratedDocument, document_id)
    if document is None or document.dossier_id != dossier_id:
        raise DossierNotFound(str(document_id))
    return document


def _of_organisation(organisation_id: uuid.UUID | None) -> Any:
    """The organisation's templates (a dossier has one since accounts; None only before)."""
    column = col(WordTemplate.organisation_id)
    return column.is_(None) if organisation_id is None else column == organisation_id


def get_word_template(
    *, session: Session, organisation_id: uuid.UUID | None
) -> WordTemplate | None:
    """The organisation's Word template, if it uploaded one."""
    query = select(WordTemplate).where(_of_organisation(organisation_id))
    return session.exec(query.order_by(col(WordTemplate.uploaded_at).desc())).first()


def set_word_template(
    *, session: Session, organisation_id: uuid.UUID | None, filename: str, content: bytes
) -> WordTemplate:
    """Replace the organisation's Word template (the caller has checked it)."""
    template = WordTemplate(organisation_id=organisation_id, filename=filename, content=content)
    with writing(session):
        session.execute(delete(WordTemplate).where(_of_organisation(organisation_id)))
        session.add(template)
        session.commit()
    session.refresh(template)
    return template


def delete_word_template(*, session: Session, organisation_id: uuid.UUID | None) -> None:
    """Back to the house template, for that organisation."""
    with writing(session):
        session.execute(delete(WordTemplate).where(_of_organisation(organisation_id)))
        session.commit()
