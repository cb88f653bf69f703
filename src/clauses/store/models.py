"""Tables of the web application, one SQLModel family per entity (Base → Create / Public → table).

A dossier keeps the wizard's answers as given (raw text per question, so that nothing the buyer
typed is lost, even when it does not validate yet) and a version number for optimistic locking.
The dossier also keeps the buyer's strategy (DESIGN §3.4, the review page's decisions; None until
the buyer changes the pre-filled one), as given, so that an entry that does not validate is kept
too. Each generated document keeps the advice and the resolved strategy it was drafted from, the
library version and the .docx bytes, so that what was issued can be re-downloaded and explained.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, LargeBinary, String, Uuid
from sqlmodel import Field, SQLModel

TITLE_MAX = 200


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DossierStatus(StrEnum):
    draft = "draft"
    archived = "archived"


STATUS_LABELS = {DossierStatus.draft: "en cours", DossierStatus.archived: "archivé"}


class DossierBase(SQLModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)


class DossierCreate(DossierBase):
    answers: dict[str, Any] = Field(default_factory=dict)
    strategy: dict[str, Any] | None = None


class DossierPublic(DossierBase):
    id: uuid.UUID
    status: DossierStatus
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class Dossier(DossierBase, table=True):
    __tablename__ = "dossier"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    status: DossierStatus = Field(
        default=DossierStatus.draft, sa_column=Column(String(20), nullable=False, index=True)
    )
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    strategy: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    version: int = Field(default=1)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: dt.datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
    # Ready for accounts: who owns and who wrote the dossier (not used yet).
    organisation_id: uuid.UUID | None = Field(default=None, index=True)
    author_id: uuid.UUID | None = Field(default=None)


class GeneratedDocumentBase(SQLModel):
    library_version: str = Field(max_length=40)
    sections: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    filename: str = Field(max_length=255)


class GeneratedDocumentCreate(GeneratedDocumentBase):
    advice: dict[str, Any]
    strategy: dict[str, Any] | None = None
    content: bytes


class GeneratedDocumentPublic(GeneratedDocumentBase):
    id: uuid.UUID
    dossier_id: uuid.UUID
    created_at: dt.datetime


class GeneratedDocument(GeneratedDocumentBase, table=True):
    __tablename__ = "generated_document"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    dossier_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid(), ForeignKey("dossier.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    advice: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # The resolved strategy drafted from (None for documents generated before it existed).
    strategy: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class WordTemplate(SQLModel, table=True):
    """The council's own Word template, checked when uploaded and used for every later draft.

    The application has no organisations yet: one template serves the whole application
    (``organisation_id`` None); the column is there for the organisations to come.
    """

    __tablename__ = "word_template"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID | None = Field(default=None, index=True)
    filename: str = Field(max_length=255)
    uploaded_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
