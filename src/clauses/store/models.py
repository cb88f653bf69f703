"""Tables of the web application, one SQLModel family per entity (Base → Create / Public → table).

A dossier keeps the wizard's answers as given (raw text per question, so that nothing the buyer
typed is lost, even when it does not validate yet) and a version number for optimistic locking.
The dossier also keeps the buyer's strategy (DESIGN §3.4, the review page's decisions; None until
the buyer changes the pre-filled one), as given, so that an entry that does not validate is kept
too. Each generated document keeps the advice and the resolved strategy it was drafted from, the
library version and the .docx bytes, so that what was issued can be re-downloaded and explained.
"""
# Over 400 lines: the database schema, a table per class, that Alembic compares as a whole.

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Uuid,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlmodel import Field, SQLModel

from clauses.vocabulary import ROLE_LABELS as ROLE_LABELS
from clauses.vocabulary import ROLE_RANK as ROLE_RANK
from clauses.vocabulary import STAGE_LABELS as STAGE_LABELS
from clauses.vocabulary import STATUS_LABELS as STATUS_LABELS
from clauses.vocabulary import TITLE_MAX as TITLE_MAX
from clauses.vocabulary import DossierStatus as DossierStatus
from clauses.vocabulary import Role as Role
from clauses.vocabulary import Stage as Stage


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DossierBase(SQLModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)


class DossierCreate(DossierBase):
    answers: dict[str, Any] = Field(default_factory=dict)
    strategy: dict[str, Any] | None = None


class DossierPublic(DossierBase):
    id: uuid.UUID
    status: DossierStatus
    stage: Stage
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


def _date(*, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(Date(), nullable=True, index=index))


class Dossier(DossierBase, table=True):
    __tablename__ = "dossier"
    # The list's indexes, one per tab (all stages; one stage), in the list's order: a page is
    # read from the index by its cursor (clauses.store.crud.Cursor), never by skipping rows.
    __table_args__ = (
        Index("ix_dossier_organisation_list", "organisation_id", "status", "updated_at", "id"),
        Index(
            "ix_dossier_organisation_stage",
            "organisation_id",
            "status",
            "stage",
            "updated_at",
            "id",
        ),
        # The reports' index: the awarded dossiers of a period and their versions, read from the
        # index alone (SQLite keeps the snapshot before those columns); drafts are not in it,
        # so that a save does not update it.
        Index(
            "ix_dossier_organisation_notified",
            "organisation_id",
            "notified_on",
            "notified_until",
            "stage",
            "version",
            "id",
            sqlite_where=sql_text("notified_on IS NOT NULL"),
            postgresql_where=sql_text("notified_on IS NOT NULL"),
        ),
    )

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
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # Who owns the dossier (every dossier has an organisation since migration 0002) and who
    # created it (None once that account is deleted: the dossier stays with the organisation).
    organisation_id: uuid.UUID | None = Field(default=None, index=True)
    author_id: uuid.UUID | None = Field(default=None)
    # The life after the draft (DESIGN §6, :mod:`clauses.lifecycle`): the stage, the tender as
    # published (profile, advice, strategy and library version: what the award, the DECP and
    # the SPASER read), the award as given (DESIGN §3.6), and the dates of each move. The
    # first and last notification dates of the award's contracts are kept apart, indexed,
    # for the reports of a period.
    stage: Stage = Field(
        default=Stage.draft, sa_column=Column(String(20), nullable=False, server_default="draft")
    )
    published: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    award: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    published_on: dt.date | None = _date()
    notified_on: dt.date | None = _date()
    notified_until: dt.date | None = _date()
    started_on: dt.date | None = _date()
    closed_on: dt.date | None = _date()


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


# Accounts (DESIGN §3.5): the roles are in clauses.vocabulary (Role).
EMAIL_MAX = 254
NAME_MAX = 200
SIRET_LENGTH = 14


def _uuid_fk(target: str, *, primary_key: bool = False, index: bool = False) -> Any:
    return Field(
        sa_column=Column(
            Uuid(),
            ForeignKey(target, ondelete="CASCADE"),
            nullable=False,
            primary_key=primary_key,
            index=index,
        )
    )


class Organisation(SQLModel, table=True):
    """A buyer organisation (a Région, a department…): it owns its dossiers."""

    __tablename__ = "organisation"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    siret: str | None = Field(default=None, max_length=SIRET_LENGTH, unique=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class User(SQLModel, table=True):
    """A person who signs in: by password (Argon2id hash) or through OpenID Connect (no hash).
    ``session_epoch`` grows at each sign-out and deletion: older session cookies stop working."""

    __tablename__ = "app_user"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=EMAIL_MAX, unique=True)
    given_name: str = Field(default="", max_length=NAME_MAX)
    usual_name: str = Field(default="", max_length=NAME_MAX)
    password_hash: str | None = Field(default=None, max_length=200)
    session_epoch: int = Field(default=0)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # Set by an admin of the organisation: the account cannot sign in, its sessions have ended.
    deactivated_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.usual_name) if p) or self.email


IDENTITY_PART_MAX = 255  # an issuer's URL, a subject (ProConnect's: 64 hexadecimal digits)


class FederatedIdentity(SQLModel, table=True):
    """An account's identity at an OpenID Connect provider: the provider (``iss``) and the
    subject it gives the person (``sub``), which never change, unlike the e-mail. A sign-in
    through the provider finds its account by these, never by the e-mail alone."""

    __tablename__ = "federated_identity"

    issuer: str = Field(max_length=IDENTITY_PART_MAX, primary_key=True)
    subject: str = Field(max_length=IDENTITY_PART_MAX, primary_key=True)
    user_id: uuid.UUID = _uuid_fk("app_user.id", index=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class OidcSession(SQLModel, table=True):
    """What a sign-in through the OpenID Connect provider leaves for its session: the ID token,
    sent back as ``id_token_hint`` when « Se déconnecter » ends the provider's session too, and
    the authentication's level (``acr``) and methods (``amr``). The session cookie names its row
    by a random key, of which only the SHA-256 is kept here; the row goes at the sign-out, with
    the account, or once older than any session."""

    __tablename__ = "oidc_session"

    key_hash: str = Field(max_length=64, primary_key=True)
    user_id: uuid.UUID = _uuid_fk("app_user.id", index=True)
    issuer: str = Field(max_length=IDENTITY_PART_MAX)
    id_token: str = Field(sa_column=Column(Text, nullable=False))
    acr: str = Field(default="", max_length=IDENTITY_PART_MAX)
    amr: str = Field(default="", max_length=IDENTITY_PART_MAX)  # the methods, space separated
    idp_id: str = Field(default="", max_length=IDENTITY_PART_MAX)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class Membership(SQLModel, table=True):
    __tablename__ = "membership"

    user_id: uuid.UUID = _uuid_fk("app_user.id", primary_key=True)
    organisation_id: uuid.UUID = _uuid_fk("organisation.id", primary_key=True)
    role: Role = Field(sa_column=Column(String(20), nullable=False))


class DossierGrant(SQLModel, table=True):
    """A facilitator's access to one dossier (from an invitation): read and comment."""

    __tablename__ = "dossier_grant"

    user_id: uuid.UUID = _uuid_fk("app_user.id", primary_key=True)
    dossier_id: uuid.UUID = _uuid_fk("dossier.id", primary_key=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class Invitation(SQLModel, table=True):
    """A facilitator invited to a dossier by a referent; the link carries a token whose hash only
    is kept, valid until ``expires_at`` and once."""

    __tablename__ = "invitation"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    dossier_id: uuid.UUID = _uuid_fk("dossier.id", index=True)
    email: str = Field(max_length=EMAIL_MAX)
    invited_by: uuid.UUID | None = Field(default=None)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    expires_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    used_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class PasswordLink(SQLModel, table=True):
    """A link that sets an account's password, once and until ``expires_at``: sent to a member
    an admin invited (``purpose`` « invitation ») or to a member who forgot it
    (« reinitialisation »). Only the token's SHA-256 is kept."""

    __tablename__ = "password_link"

    token_hash: str = Field(max_length=64, primary_key=True)
    user_id: uuid.UUID = _uuid_fk("app_user.id", index=True)
    purpose: str = Field(max_length=20)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    expires_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    used_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class SessionRevocation(SQLModel, table=True):
    """A sign-out or an account's deletion: the sessions of ``user_id`` opened at an epoch below
    ``epoch`` have ended (:data:`ALL_SESSIONS` for a deleted account). Every process reads the
    new rows (:mod:`clauses.web.revocations`); they are kept a day, longer than any session."""

    __tablename__ = "session_revocation"

    id: int | None = Field(default=None, primary_key=True)
    user_id: uuid.UUID
    epoch: int
    at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


ALL_SESSIONS = 2**31 - 1  # the epoch of a deleted account's revocation: no session is younger


class SetupToken(SQLModel, table=True):
    """The one-time link printed by the server while no account exists (hash only)."""

    __tablename__ = "setup_token"

    token_hash: str = Field(max_length=64, primary_key=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


COMMENT_MAX = 2000


class Comment(SQLModel, table=True):
    """A remark on a step of a dossier (by a member or an invited facilitator)."""

    __tablename__ = "dossier_comment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    dossier_id: uuid.UUID = _uuid_fk("dossier.id", index=True)
    step_id: str = Field(max_length=60)
    author_id: uuid.UUID | None = Field(default=None)
    author_name: str = Field(max_length=NAME_MAX)
    text: str = Field(max_length=COMMENT_MAX)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class AuditEvent(SQLModel, table=True):
    """Who did what and when: one row per field changed on a dossier, per sign-in (successful or
    not, never with the password). No foreign key: the trail outlives the dossier and the
    account (whose name is then replaced). Written with every save of the wizard, so kept cheap
    to insert: an integer key and one index, the one the dossier's history is read by."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_dossier_at", "dossier_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    action: str = Field(max_length=40)
    organisation_id: uuid.UUID | None = Field(default=None)
    dossier_id: uuid.UUID | None = Field(default=None)
    user_id: uuid.UUID | None = Field(default=None)
    actor: str = Field(default="", max_length=EMAIL_MAX)
    field: str | None = Field(default=None, max_length=200)
    old: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    new: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))


class FollowupKind(StrEnum):
    hours = "hours"  # a :class:`clauses.followup.HoursRecord`
    non_imputable = "non_imputable"  # a :class:`clauses.followup.NonImputable`
    # A framework agreement's :class:`clauses.followup.OrderedAmount`; its ``hours`` are the
    # hours owed on it at the published CCAP's ratio (issue 22).
    orders = "orders"


class FollowupEntry(SQLModel, table=True):
    """One line of a contract's follow-up: hours performed on a lot over a period, or hours
    « non imputables » with their justification. ``data`` is the line as the core reads it
    (checked against the library's vocabularies before it is stored); the organisation and
    the period's end are kept apart, indexed, for the yearly indicators, and so are the hours
    and the people (:class:`FollowupPeople`) of a line of hours, which a year's report sums from
    indexes alone."""

    __tablename__ = "followup_entry"
    __table_args__ = (
        Index(
            "ix_followup_entry_organisation_end", "organisation_id", "period_end", "kind", "hours"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: uuid.UUID = _uuid_fk("dossier.id", index=True)
    organisation_id: uuid.UUID | None = Field(default=None)
    kind: FollowupKind = Field(sa_column=Column(String(20), nullable=False))
    period_end: dt.date | None = _date()
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    author_id: uuid.UUID | None = Field(default=None)
    author_name: str = Field(default="", max_length=NAME_MAX)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    hours: float | None = Field(default=None)  # a line of hours' ``data.hours``


class FollowupPeople(SQLModel, table=True):
    """The people a line of hours declares (a :class:`clauses.followup.PeopleCount`), with the
    line's organisation and period, for the year's sums by public and by outcome."""

    __tablename__ = "followup_people"
    __table_args__ = (
        Index(
            "ix_followup_people_organisation_end",
            "organisation_id",
            "period_end",
            "public",
            "outcome",
            "count",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(
        sa_column=Column(
            Integer(),
            ForeignKey("followup_entry.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    organisation_id: uuid.UUID | None = Field(default=None)
    period_end: dt.date | None = _date()
    public: str = Field(max_length=60)
    outcome: str | None = Field(default=None, max_length=60)
    count: int


class ContractFigures(SQLModel, table=True):
    """What an awarded dossier declares, as the reports count it (:mod:`clauses.spaser.figures`),
    computed from its published tender and its award when the dossier was at ``version``, with
    the library of ``library_version``: a report recomputes it when either has changed
    (:mod:`clauses.store.reports`). Its contracts are its :class:`DeclaredContract` rows."""

    __tablename__ = "contract_figures"
    __table_args__ = (
        Index("ix_contract_figures_organisation_notified", "organisation_id", "notified_on"),
    )

    dossier_id: uuid.UUID = _uuid_fk("dossier.id", primary_key=True)
    version: int
    library_version: str = Field(max_length=40)
    # The dossier's as they were at that version (the reports read no dossier row).
    organisation_id: uuid.UUID | None = Field(default=None)
    title: str = Field(max_length=TITLE_MAX)
    notified_on: dt.date | None = _date()
    notified_until: dt.date | None = _date()
    # The dossier holds a published tender and an award (else it declares nothing).
    tender: bool
    # Why its award cannot be declared (« award.key : message »), and it then has no contract;
    # None when it can (or has no tender).
    problems: list[str] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    # Its contracts pass the official DECP schema, all together.
    valid: bool
    obligation_applies: bool
    reserved_whole: int
    derogation_ground: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    derogation_justification: str | None = Field(
        default=None, sa_column=Column(Text(), nullable=True)
    )


class DeclaredContract(SQLModel, table=True):
    """One contract of an awarded dossier (a DECP ``marche``: an awarded lot, or the contract
    without lots), with the figures the SPASER indicators sum and the ``marche`` itself. The
    year's figures are read from their index alone (``social`` and ``environmental`` are the
    DECP values joined by « | »: an index holds no JSON on PostgreSQL)."""

    __tablename__ = "declared_contract"
    __table_args__ = (
        Index(
            "ix_declared_contract_organisation_notified",
            "organisation_id",
            "notified_on",
            "dossier_id",
            "position",
            "lot",
            "amount_eur",
            "hours_planned",
            "reserved_lots",
            "social",
            "environmental",
        ),
    )

    dossier_id: uuid.UUID = _uuid_fk("dossier.id", primary_key=True)
    position: int = Field(
        sa_column=Column(Integer(), primary_key=True, autoincrement=False, nullable=False)
    )
    organisation_id: uuid.UUID | None = Field(default=None)
    lot: int | None = Field(default=None)
    notified_on: dt.date = Field(sa_column=Column(Date(), nullable=False))
    amount_eur: float
    social: str = Field(max_length=200)
    environmental: str = Field(max_length=200)
    hours_planned: int
    reserved_lots: int
    marche: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class RateEvent(SQLModel, table=True):
    """One event a rate limit counts (a failed sign-in, a duplication…), shared by every process
    of the server (clauses.store.rates), until it leaves its window at ``expires_at``. The key
    is a hash of the limit's name and of what it counts by (an e-mail, an address, an account)."""

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_key_expires", "key", "expires_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    expires_at: dt.datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
