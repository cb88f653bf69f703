"""The council's Word template, used for every draft."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_word_template"
down_revision = "0002_strategy"


def upgrade() -> None:
    op.create_table(
        "word_template",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_word_template_organisation_id", "word_template", ["organisation_id"])


def downgrade() -> None:
    op.drop_table("word_template")
