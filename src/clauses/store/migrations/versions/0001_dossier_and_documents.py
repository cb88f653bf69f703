"""Dossiers and their generated documents."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "dossier",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
    )
    op.create_index("ix_dossier_status", "dossier", ["status"])
    op.create_index("ix_dossier_updated_at", "dossier", ["updated_at"])
    op.create_index("ix_dossier_organisation_id", "dossier", ["organisation_id"])
    op.create_table(
        "generated_document",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "dossier_id",
            sa.Uuid(),
            sa.ForeignKey("dossier.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("library_version", sa.String(length=40), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("advice", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_generated_document_dossier_id", "generated_document", ["dossier_id"])


def downgrade() -> None:
    op.drop_table("generated_document")
    op.drop_table("dossier")
