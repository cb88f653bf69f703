"""Data functions over dossiers and generated documents (keyword-only, tested without HTTP).

Changes to an existing dossier go through :mod:`clauses.store.writer` (group commit). Every change
names the version the user saw: it only happens if the dossier is still at that version
(optimistic locking), otherwise :class:`StaleVersion` carries the current state so that the
caller can show it next to what the user submitted.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult, delete, func, tuple_
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from clauses.store.db import advisory_lock, commit, writing
from clauses.store.models import (
    Dossier,
    DossierCreate,
    DossierGrant,
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
    commit(session)
    session.refresh(dossier)
    return dossier


def get_dossier(*, session: Session, dossier_id: uuid.UUID) -> Dossier:
    dossier = session.get(Dossier, dossier_id, populate_existing=True)
    if dossier is None:
        raise DossierNotFound(str(dossier_id))
    return dossier


HEAVY = (Dossier.answers, Dossier.strategy, Dossier.published, Dossier.award)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
CURSOR = re.compile(r"([0-9]{1,17})\.([0-9a-f]{32})")


@dataclass(frozen=True)
class Cursor:
    """A place in a list of dossiers (most recently changed first): a dossier's last change and
    its id, which breaks ties. The list's next and previous pages are read from it by index
    (keyset pagination): the last page of a list of 100 000 costs what the first one does."""

    updated_at: dt.datetime
    id: uuid.UUID

    @staticmethod
    def of(dossier: Dossier) -> Cursor:
        changed = dossier.updated_at
        return Cursor(changed if changed.tzinfo else changed.replace(tzinfo=dt.UTC), dossier.id)

    def token(self) -> str:
        """The cursor in an address: microseconds since 1970 and the id, « 1764… .3f2a… »."""
        micros = (self.updated_at - EPOCH) // dt.timedelta(microseconds=1)
        return f"{micros}.{self.id.hex}"

    @staticmethod
    def read(token: str | None) -> Cursor | None:
        """The cursor of a :meth:`token`; None for anything else."""
        found = CURSOR.fullmatch(token or "")
        if found is None:
            return None
        return Cursor(EPOCH + dt.timedelta(microseconds=int(found[1])), uuid.UUID(found[2]))


@dataclass(frozen=True)
class Page:
    """A page of a list of dossiers: the dossiers, their number in the whole list, and the
    position of the first one shown (0: the list's start)."""

    dossiers: list[Dossier]
    total: int
    position: int

    @property
    def has_previous(self) -> bool:
        return self.position > 0

    @property
    def has_next(self) -> bool:
        return self.position + len(self.dossiers) < self.total


def _listed(
    organisation_id: uuid.UUID | None,
    status: DossierStatus | None,
    stages: Sequence[Stage],
    granted_to: uuid.UUID | None = None,
) -> list[Any]:
    """What the list and its count filter on: the organisation (or the dossiers a facilitator
    was invited to), and the status and stages when given."""
    if granted_to is not None:
        invited = select(DossierGrant.dossier_id).where(DossierGrant.user_id == granted_to)
        where: list[Any] = [col(Dossier.id).in_(invited)]
    else:
        where = [Dossier.organisation_id == organisation_id]
    if status is not None:
        where.append(Dossier.status == status)
    if stages:
        where.append(col(Dossier.stage).in_([s.value for s in stages]))
    return where


def _newer(cursor: Cursor) -> Any:
    return tuple_(col(Dossier.updated_at), col(Dossier.id)) > (cursor.updated_at, cursor.id)


def _older(cursor: Cursor) -> Any:
    return tuple_(col(Dossier.updated_at), col(Dossier.id)) < (cursor.updated_at, cursor.id)


def list_dossiers(
    *,
    session: Session,
    organisation_id: uuid.UUID | None,
    status: DossierStatus | None = None,
    stages: Sequence[Stage] = (),
    limit: int = 50,
) -> Sequence[Dossier]:
    """The organisation's dossiers (at those stages, if given), most recently changed first,
    without their heavy columns (answers, strategy, published tender, award: loaded if read)."""
    return _listed_rows(
        session, _listed(organisation_id, status, stages), newest_first=True, limit=limit
    )


def _listed_rows(
    session: Session, where: list[Any], *, newest_first: bool, limit: int
) -> list[Dossier]:
    order = (col(Dossier.updated_at), col(Dossier.id))
    query = (
        select(Dossier)
        .options(*(defer(column) for column in HEAVY))  # type: ignore[arg-type]
        .where(*where)
        .order_by(*(c.desc() if newest_first else c.asc() for c in order))
        .limit(limit)
    )
    found = list(session.exec(query).all())
    return found if newest_first else found[::-1]


def list_page(
    *,
    session: Session,
    organisation_id: uuid.UUID | None,
    status: DossierStatus | None = None,
    stages: Sequence[Stage] = (),
    granted_to: uuid.UUID | None = None,
    limit: int = 50,
    after: Cursor | None = None,
    before: Cursor | None = None,
    last: bool = False,
) -> Page:
    """A page of the list (:func:`list_dossiers`, or the dossiers a facilitator was invited
    to): the first one, the one after ``after``, the one before ``before``, or the ``last``.
    The dossiers are counted only when the list does not fit in one page."""
    where = _listed(organisation_id, status, stages, granted_to)
    if before is not None or last:
        shown = _listed_rows(
            session, where + ([_newer(before)] if before else []), newest_first=False, limit=limit
        )
    else:
        shown = _listed_rows(
            session, where + ([_older(after)] if after else []), newest_first=True, limit=limit + 1
        )
        if after is None and len(shown) <= limit:
            return Page(shown, len(shown), 0)
        shown = shown[:limit]
    total = _count(session, where)
    if last:
        position = total - len(shown)
    elif after is None and before is None:
        position = 0
    else:  # the dossiers listed before the first one shown
        position = _count(session, [*where, _newer(Cursor.of(shown[0]))]) if shown else total
    return Page(shown, total, position)


def _count(session: Session, where: list[Any]) -> int:
    return session.exec(select(func.count()).select_from(Dossier).where(*where)).one()


def count_dossiers(
    *,
    session: Session,
    organisation_id: uuid.UUID | None,
    status: DossierStatus | None = None,
    stages: Sequence[Stage] = (),
) -> int:
    """How many dossiers the organisation has (by an index: the quota checks it at every
    creation)."""
    return _count(session, _listed(organisation_id, status, stages))


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
    commit(session)
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


@dataclass(frozen=True)
class TakenId:
    """A DECP ``id`` an awarded dossier declares for a buyer."""

    dossier_id: uuid.UUID
    title: str
    organisation_id: uuid.UUID | None


CONTRACT_IDS_LOCK = 0x646563  # "dec": the advisory locks of a buyer's DECP ids


def lock_contract_ids(session: Session, buyer_siret: str) -> None:
    """Hold, until the transaction ends, the right to give ids to this buyer's contracts: two
    awards saved at once then check and write their ids in turn, and the second sees the first's
    (a read before the write would let both take one id). PostgreSQL: a transaction-level
    advisory lock keyed by the SIRET, across processes; SQLite: the process's write lock, held by
    the caller's :func:`~clauses.store.db.writing`, and SQLite's single writer across processes
    (a transaction that read before another's write cannot write after it)."""
    advisory_lock(session, CONTRACT_IDS_LOCK, buyer_siret)


def contract_ids_taken(
    *, session: Session, buyer_siret: str, other_than: uuid.UUID
) -> dict[str, TakenId]:
    """The DECP ``id`` (of the contract, or of each awarded lot) that the buyer's other awarded
    dossiers declare: decp.info keeps one contract per (buyer SIRET, ``id``) and drops the
    other silently (DOMAIN §9), so a buyer never gives one ``id`` to two contracts."""
    award = Dossier.__table__.c.award  # type: ignore[attr-defined]
    rows = session.execute(
        select(col(Dossier.id), col(Dossier.title), col(Dossier.organisation_id), award).where(
            award["buyer_siret"].as_string() == buyer_siret, col(Dossier.id) != other_than
        )
    ).all()
    taken: dict[str, TakenId] = {}
    for dossier_id, title, organisation_id, data in rows:
        if not isinstance(data, dict):
            continue
        lots = data.get("lots")
        for entry in [data, *(lots if isinstance(lots, list) else [])]:
            value = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(value, str) and value.strip():
                taken.setdefault(value.strip(), TakenId(dossier_id, title, organisation_id))
    return taken
