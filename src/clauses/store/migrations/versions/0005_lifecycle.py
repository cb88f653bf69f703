"""The life after the draft: the dossier's stage, the tender as published, the award and the
dates of each move; the follow-up of the insertion hours; the indexes of the list and of the
reports. The dossiers already there are drafts."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_lifecycle"
down_revision = "0004_accounts"

DATES = ("published_on", "notified_on", "notified_until", "started_on", "closed_on")


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(
            sa.Column("stage", sa.String(length=20), nullable=False, server_default="draft")
        )
        batch.add_column(sa.Column("published", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("award", sa.JSON(), nullable=True))
        for name in DATES:
            batch.add_column(sa.Column(name, sa.Date(), nullable=True))
    op.create_index(
        "ix_dossier_organisation_list", "dossier", ["organisation_id", "status", "updated_at"]
    )
    op.create_index(
        "ix_dossier_organisation_notified", "dossier", ["organisation_id", "notified_on"]
    )
    op.create_table(
        "followup_entry",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "dossier_id",
            sa.Uuid(),
            sa.ForeignKey("dossier.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_followup_entry_dossier_id", "followup_entry", ["dossier_id"])
    op.create_index(
        "ix_followup_entry_organisation_end", "followup_entry", ["organisation_id", "period_end"]
    )


def downgrade() -> None:
    op.drop_table("followup_entry")
    op.drop_index("ix_dossier_organisation_notified", "dossier")
    op.drop_index("ix_dossier_organisation_list", "dossier")
    with op.batch_alter_table("dossier") as batch:
        for name in (*DATES, "award", "published", "stage"):
            batch.drop_column(name)
