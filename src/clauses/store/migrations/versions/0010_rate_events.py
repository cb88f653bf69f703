"""Rate limits counted in the database, so that the server's processes share them (N workers
used to allow N times the limit): one row per event, until it leaves its window."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_rate_events"
down_revision = "0009_list_indexes"


def upgrade() -> None:
    op.create_table(
        "rate_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rate_event_key_expires", "rate_event", ["key", "expires_at"])
    op.create_index("ix_rate_event_expires_at", "rate_event", ["expires_at"])


def downgrade() -> None:
    op.drop_table("rate_event")
