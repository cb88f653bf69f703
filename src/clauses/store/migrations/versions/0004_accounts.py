"""Accounts, organisations, memberships, facilitator grants and invitations, comments, the audit
trail; the dossiers already there go to a default organisation (renamed by the first admin)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004_accounts"
down_revision = "0003_word_template"

DEFAULT_ORGANISATION = "Organisation par défaut"


def _when(name: str, *, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(name: str, target: str, *, primary_key: bool = False) -> sa.Column[uuid.UUID]:
    return sa.Column(
        name,
        sa.Uuid(),
        sa.ForeignKey(target, ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    organisation = op.create_table(
        "organisation",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True, unique=True),
        _when("created_at"),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("email", sa.String(length=254), nullable=False, unique=True),
        sa.Column("given_name", sa.String(length=200), nullable=False),
        sa.Column("usual_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "membership",
        _fk("user_id", "app_user.id", primary_key=True),
        _fk("organisation_id", "organisation.id", primary_key=True),
        sa.Column("role", sa.String(length=20), nullable=False),
    )
    op.create_table(
        "dossier_grant",
        _fk("user_id", "app_user.id", primary_key=True),
        _fk("dossier_id", "dossier.id", primary_key=True),
        _when("created_at"),
    )
    op.create_table(
        "invitation",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        _fk("dossier_id", "dossier.id"),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=True),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
    )
    op.create_index("ix_invitation_dossier_id", "invitation", ["dossier_id"])
    op.create_table(
        "setup_token",
        sa.Column("token_hash", sa.String(length=64), primary_key=True),
        _when("created_at"),
    )
    op.create_table(
        "dossier_comment",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _fk("dossier_id", "dossier.id"),
        sa.Column("step_id", sa.String(length=60), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        _when("created_at"),
    )
    op.create_index("ix_dossier_comment_dossier_id", "dossier_comment", ["dossier_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _when("at"),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("dossier_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=True),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_event_dossier_at", "audit_event", ["dossier_id", "at"])

    # The dossiers made before accounts existed belong to one default organisation.
    connection = op.get_bind()
    dossier = sa.table("dossier", sa.column("organisation_id", sa.Uuid()))
    orphans = connection.execute(
        sa.select(sa.func.count()).select_from(dossier).where(dossier.c.organisation_id.is_(None))
    ).scalar_one()
    if orphans:
        default_id = uuid.uuid4()
        op.bulk_insert(
            organisation,
            [
                {
                    "id": default_id,
                    "name": DEFAULT_ORGANISATION,
                    "siret": None,
                    "created_at": dt.datetime.now(dt.UTC),
                }
            ],
        )
        connection.execute(
            dossier.update()
            .where(dossier.c.organisation_id.is_(None))
            .values(organisation_id=default_id)
        )


def downgrade() -> None:
    for table in (
        "audit_event",
        "dossier_comment",
        "setup_token",
        "invitation",
        "dossier_grant",
        "membership",
        "app_user",
        "organisation",
    ):
        op.drop_table(table)
